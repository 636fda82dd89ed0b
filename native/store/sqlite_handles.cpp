// The out-of-line parts of the SQLite handle wrappers: opening, preparing, stepping and the one
// place that turns SQLite's errors into StoreUnavailable.
#include "native/store/sqlite_handles.hpp"

#include <string>

#include "native/store/counter_store.hpp"

namespace ie::sqlite {

namespace {

constexpr int kBusyTimeoutMs = 5000;

}  // namespace

void fail(sqlite3* db, std::string_view doing) {
  const char* file = sqlite3_db_filename(db, "main");
  throw StoreUnavailable("sqlite:" + std::string(file ? file : "?") + ": " + std::string(doing) + ": " +
                         sqlite3_errmsg(db));
}

Connection::Connection(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  const int code = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(db);
  if (code != SQLITE_OK) throw StoreUnavailable("sqlite:" + path.string() + ": cannot open: " + (db ? sqlite3_errmsg(db) : "out of memory"));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
}

Statement::Statement(const Connection& connection, const char* sql) : db_(connection.get()) {
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement_, nullptr) != SQLITE_OK) fail(db_, sql);
}

bool Statement::step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code != SQLITE_DONE) fail(db_, sqlite3_sql(statement_));
  return false;
}

void Statement::run() {
  const ResetOnExit reset(*this);
  step();
}

}  // namespace ie::sqlite
