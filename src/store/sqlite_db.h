#pragma once
// Thin RAII layer over the SQLite C API used by the SQLite store: a
// connection, a prepared statement, and the mapping of SQLite result codes to
// Foundry errors. Not thread-safe: each object is used by one thread at a time
// (the store serialises access to each connection).

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <sqlite3.h>

#include "common/error.h"

namespace foundry::store {

// A value bound to a `?` parameter.
using BindValue = std::variant<int64_t, double, std::string>;

// Maps a SQLite failure to an Error: disk/IO/full/locked → kIo, constraint
// → kAlreadyExists is decided by callers; everything else → kInternal. The
// message carries `what` and SQLite's own message.
Error sqliteError(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool valid() const { return stmt_ != nullptr; }

  // Binds parameter `index` (1-based).
  void bind(int index, int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view value);
  void bindValue(int index, const BindValue& value);
  void bindNull(int index);
  // Binds values to parameters first..first+n-1.
  void bindAll(const std::vector<BindValue>& values, int first = 1);

  // Steps once: true when a row is available, false when done.
  Result<bool> step();
  // Steps to completion, for statements that return no rows.
  Status run();
  // Resets so the statement can be re-executed, and clears bindings. Must be
  // called before a cached statement is returned to its connection's idle
  // state: an unreset statement keeps a read transaction open.
  void reset();

  int64_t columnInt(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string columnText(int col) const;
  bool columnIsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a (cached) statement when the scope ends, whatever the outcome.
class StatementResetter {
 public:
  explicit StatementResetter(Statement& stmt) : stmt_(stmt) {}
  ~StatementResetter() { stmt_.reset(); }
  StatementResetter(const StatementResetter&) = delete;
  StatementResetter& operator=(const StatementResetter&) = delete;

 private:
  Statement& stmt_;
};

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens `path` with the given SQLITE_OPEN_* flags and a busy timeout.
  static Result<Connection> open(const std::string& path, int flags, int busyTimeoutMs = 5000);

  sqlite3* handle() const { return db_; }
  Result<Statement> prepare(std::string_view sql);
  // Executes one or more statements that return no rows of interest.
  Status exec(const std::string& sql);
  // Runs a statement returning one integer (e.g. a PRAGMA or count).
  Result<int64_t> queryInt(std::string_view sql);

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// Rolls back an open transaction unless commit() succeeded.
class Transaction {
 public:
  // `beginSql` is e.g. "BEGIN IMMEDIATE" for writers, "BEGIN" for snapshot reads.
  static Result<Transaction> begin(Connection& conn, const char* beginSql);
  ~Transaction();
  Transaction(Transaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

}  // namespace foundry::store
