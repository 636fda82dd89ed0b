#pragma once
// RAII wrappers of SQLite's C handles (connection, prepared statement), so the store's logic reads
// as SQL and values rather than return codes. Every failure of SQLite itself (busy past the
// timeout, disk full, I/O) means the store cannot commit right now: StoreUnavailable, with the file
// and SQLite's reason.
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

namespace ie::sqlite {

[[noreturn]] void fail(sqlite3* db, std::string_view doing);

// Each connection is used by one thread at a time (the writer thread, or a leased reader), so
// SQLite's own mutexes are off.
class Connection {
 public:
  explicit Connection(const std::filesystem::path& path);

  sqlite3* get() const { return db_.get(); }

  void execute(const char* sql) {
    if (sqlite3_exec(get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(get(), sql);
  }

  // Never throws: used while another exception is on its way out.
  void rollback_if_open() noexcept {
    if (!sqlite3_get_autocommit(get())) sqlite3_exec(get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Close> db_;
};

// A prepared statement, kept for the life of its connection. Bound text and blobs are not copied:
// they must outlive the step that reads them.
class Statement {
 public:
  Statement(const Connection& connection, const char* sql);
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, std::string_view text) { sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC); }
  void bind_blob(int index, std::string_view bytes) { sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC); }
  void bind(int index, std::int64_t number) { sqlite3_bind_int64(statement_, index, number); }
  // 0 is "no expiry", stored as NULL.
  void bind_expiry(int index, std::int64_t expires_at_ms) {
    if (expires_at_ms == 0) sqlite3_bind_null(statement_, index);
    else bind(index, expires_at_ms);
  }

  // true: a row is ready; false: done.
  bool step();
  void run();  // step once, then reset
  void reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

  int type(int column) const { return sqlite3_column_type(statement_, column); }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  std::string_view bytes(int column) const {
    const void* data = sqlite3_column_blob(statement_, column);
    return {static_cast<const char*>(data), static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
  }
  std::int64_t expiry(int column) const { return type(column) == SQLITE_NULL ? 0 : integer(column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// Resets a statement on leaving the scope, so none keeps a read snapshot (or its bindings) open.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& statement_;
};

}  // namespace ie::sqlite
