// The out-of-line parts of the SQLite handle wrappers: opening, preparing, stepping and the one
// place that turns SQLite's errors into StoreUnavailable.
#include "native/store/sqlite_handles.hpp"

#include <algorithm>
#include <string>

#include "native/store/counter_store.hpp"

namespace ie::sqlite {

namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr std::size_t kLongestDoing = 60;

// What failed, for a one-line error: a statement's first line (the schema is one long script).
std::string one_line(std::string_view doing) {
  const auto start = std::min(doing.find_first_not_of(" \n\t"), doing.size());
  std::string_view line = doing.substr(start, doing.find('\n', start) - start);
  if (line.size() <= kLongestDoing) return std::string(line);
  return std::string(line.substr(0, kLongestDoing)) + "…";
}

}  // namespace

void fail(sqlite3* db, std::string_view doing) {
  const char* file = sqlite3_db_filename(db, "main");
  const int code = sqlite3_errcode(db);
  // A file that is not a database, or a damaged one, is a fact about the file, not about a statement.
  const std::string what = code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? "cannot use it" : one_line(doing);
  throw StoreUnavailable("sqlite:" + std::string(file ? file : "?") + ": " + what + ": " + sqlite3_errmsg(db));
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
