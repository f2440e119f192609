#include "store/sqlite_db.h"

#include <utility>

namespace foundry::store {

Error sqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Error{ErrorCode::kIo, message, {}, "check the database file, disk space and permissions"};
    default:
      return Error{ErrorCode::kInternal, message, {}, {}};
  }
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void Statement::bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
void Statement::bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
void Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Statement::bindValue(int index, const BindValue& value) {
  std::visit([&](const auto& v) { bind(index, v); }, value);
}
void Statement::bindNull(int index) { sqlite3_bind_null(stmt_, index); }

void Statement::bindAll(const std::vector<BindValue>& values, int first) {
  for (size_t i = 0; i < values.size(); ++i) {
    bindValue(first + static_cast<int>(i), values[i]);
  }
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return tl::unexpected(sqliteError(db_, rc, "sqlite step"));
}

Status Statement::run() {
  for (;;) {
    auto more = step();
    if (!more) {
      return tl::unexpected(more.error());
    }
    if (!*more) {
      return {};
    }
  }
}

void Statement::reset() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

std::string Statement::columnText(int col) const {
  const auto* text = sqlite3_column_text(stmt_, col);
  const int size = sqlite3_column_bytes(stmt_, col);
  if (text == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

Connection::~Connection() { sqlite3_close_v2(db_); }

Connection::Connection(Connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Result<Connection> Connection::open(const std::string& path, int flags, int busyTimeoutMs) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection conn(db);  // owns db even on failure
  if (rc != SQLITE_OK) {
    Error error = sqliteError(db, rc, "open " + path);
    error.code = ErrorCode::kIo;
    return tl::unexpected(std::move(error));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busyTimeoutMs);
  return conn;
}

Result<Statement> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return tl::unexpected(sqliteError(db_, rc, "prepare"));
  }
  return Statement(db_, stmt);
}

Status Connection::exec(const std::string& sql) {
  char* errmsg = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &errmsg);
  sqlite3_free(errmsg);
  if (rc != SQLITE_OK) {
    return tl::unexpected(sqliteError(db_, rc, "exec"));
  }
  return {};
}

Result<int64_t> Connection::queryInt(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) {
    return tl::unexpected(stmt.error());
  }
  auto row = stmt->step();
  if (!row) {
    return tl::unexpected(row.error());
  }
  return *row ? stmt->columnInt(0) : 0;
}

Result<Transaction> Transaction::begin(Connection& conn, const char* beginSql) {
  if (auto ok = conn.exec(beginSql); !ok) {
    return tl::unexpected(ok.error());
  }
  return Transaction(&conn);
}

Transaction::~Transaction() {
  if (conn_ != nullptr) {
    // Best effort: a failed ROLLBACK leaves SQLite to roll back on close.
    (void)conn_->exec("ROLLBACK");
  }
}

Status Transaction::commit() {
  auto ok = conn_->exec("COMMIT");
  if (ok) {
    conn_ = nullptr;
  }
  return ok;
}

}  // namespace foundry::store
