// SQLite store: open, the reader pool, and the write path. Reads live in
// sqlite_store_read.cc, backup/restore in sqlite_backup.cc.
#include "store/sqlite_store.h"

#include <utility>

#include "store/codec.h"
#include "store/query.h"
#include "store/schema.h"

namespace foundry::store {
namespace {

constexpr int kReaderCount = 4;
constexpr size_t kMaxIdentityBytes = 1024;

Status validateIdentity(const std::string& kind, const std::string& key) {
  if (kind.empty() || kind.size() > kMaxIdentityBytes) {
    return fail(ErrorCode::kInvalidArgument, "kind must be 1..1024 bytes", "kind");
  }
  if (key.empty() || key.size() > kMaxIdentityBytes) {
    return fail(ErrorCode::kInvalidArgument, "key must be 1..1024 bytes", "key");
  }
  try {
    (void)nlohmann::json(kind).dump();
    (void)nlohmann::json(key).dump();
  } catch (const nlohmann::json::exception&) {
    return fail(ErrorCode::kInvalidArgument, "kind and key must be valid UTF-8", "key");
  }
  return {};
}

template <class T>
tl::unexpected<Error> errorOf(const Result<T>& result) {
  return tl::unexpected(result.error());
}

}  // namespace

std::string_view actionName(Action action) {
  switch (action) {
    case Action::kCreated: return "created";
    case Action::kUpdated: return "updated";
    case Action::kDeleted: return "deleted";
  }
  return "unknown";
}

int sqliteSchemaVersion() { return currentSchemaVersion(); }

Result<std::unique_ptr<Store>> openSqliteStore(const SqliteOptions& options) {
  auto store = SqliteStore::open(options);
  if (!store) {
    return errorOf(store);
  }
  return std::unique_ptr<Store>(std::move(*store));
}

Result<Connection> openStoreConnection(const std::string& path, bool reader,
                                       Durability durability) {
  auto conn = Connection::open(path, SQLITE_OPEN_READWRITE | (reader ? 0 : SQLITE_OPEN_CREATE));
  if (!conn) {
    return conn;
  }
  std::string pragmas = "PRAGMA cache_size = -16384;";
  if (reader) {
    pragmas += "PRAGMA query_only = 1;";
  } else {
    pragmas += durability == Durability::kPowerLoss ? "PRAGMA synchronous = FULL;"
                                                    : "PRAGMA synchronous = NORMAL;";
  }
  if (auto ok = conn->exec(pragmas); !ok) {
    return errorOf(ok);
  }
  if (auto ok = registerSqlFunctions(conn->handle()); !ok) {
    return errorOf(ok);
  }
  return conn;
}

void ReaderPool::add(std::unique_ptr<ReaderConn> reader) {
  std::lock_guard lock(mu_);
  idle_.push_back(reader.get());
  all_.push_back(std::move(reader));
}

ReaderPool::Lease ReaderPool::acquire() {
  std::unique_lock lock(mu_);
  available_.wait(lock, [this] { return !idle_.empty(); });
  ReaderConn* reader = idle_.back();
  idle_.pop_back();
  return Lease(this, reader);
}

void ReaderPool::release(ReaderConn* reader) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(reader);
  }
  available_.notify_one();
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const SqliteOptions& options) {
  if (options.clock == nullptr) {
    return fail(ErrorCode::kInvalidArgument, "SqliteOptions.clock is required");
  }
  auto conn = openStoreConnection(options.path, false, options.durability);
  if (!conn) {
    return errorOf(conn);
  }
  auto mode = conn->prepare("PRAGMA journal_mode = WAL");
  if (!mode || !mode->step() || mode->columnText(0) != "wal") {
    return fail(ErrorCode::kIo, "cannot switch " + options.path + " to WAL mode");
  }
  mode = Statement();
  if (auto ok = migrate(*conn); !ok) {
    return errorOf(ok);
  }
  WriterConn writer;
  const std::pair<Statement*, const char*> statements[] = {
      {&writer.loadHead, "SELECT rev, created_ms, labels FROM objects WHERE kind = ? AND key = ?"},
      {&writer.loadFull,
       "SELECT kind, key, labels, rev, created_ms, updated_ms, spec FROM objects "
       "WHERE kind = ? AND key = ?"},
      {&writer.nextSeq, "UPDATE meta SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq"},
      {&writer.insertObject,
       "INSERT INTO objects (kind, key, labels, rev, created_ms, updated_ms, spec) "
       "VALUES (?, ?, ?, ?, ?, ?, ?)"},
      {&writer.updateObject,
       "UPDATE objects SET labels = ?, rev = ?, updated_ms = ?, spec = ? WHERE kind = ? AND key = ?"},
      {&writer.deleteObject, "DELETE FROM objects WHERE kind = ? AND key = ?"},
      {&writer.insertEvent,
       "INSERT INTO events (seq, time_ms, kind, key, action, principal, object) "
       "VALUES (?, ?, ?, ?, ?, ?, ?)"},
      {&writer.insertLabel, "INSERT INTO object_labels (kind, name, value, key) VALUES (?, ?, ?, ?)"},
      {&writer.deleteLabels, "DELETE FROM object_labels WHERE kind = ? AND key = ?"},
  };
  for (const auto& [stmt, sql] : statements) {
    auto prepared = conn->prepare(sql);
    if (!prepared) {
      return errorOf(prepared);
    }
    *stmt = std::move(*prepared);
  }
  auto last = conn->queryInt("SELECT last_seq FROM meta WHERE id = 1");
  if (!last) {
    return errorOf(last);
  }
  writer.conn = std::move(*conn);
  std::unique_ptr<SqliteStore> store(new SqliteStore(options, std::move(writer), *last));
  if (auto ok = store->openReaders(kReaderCount); !ok) {
    return errorOf(ok);
  }
  return store;
}

SqliteStore::SqliteStore(SqliteOptions options, WriterConn writer, int64_t lastSeq)
    : options_(std::move(options)),
      clock_(*options_.clock),
      writer_(std::move(writer)),
      lastSeq_(lastSeq) {}

Status SqliteStore::openReaders(int count) {
  for (int i = 0; i < count; ++i) {
    auto conn = openStoreConnection(options_.path, true, options_.durability);
    if (!conn) {
      return errorOf(conn);
    }
    auto reader = std::make_unique<ReaderConn>();
    auto get = conn->prepare(
        "SELECT kind, key, labels, rev, created_ms, updated_ms, spec FROM objects "
        "WHERE kind = ? AND key = ?");
    if (!get) {
      return errorOf(get);
    }
    reader->conn = std::move(*conn);
    reader->getObject = std::move(*get);
    readers_.add(std::move(reader));
  }
  return {};
}

Result<Object> SqliteStore::write(Action action, const Object& obj,
                                  std::optional<int64_t> expectedRev,
                                  const std::string& principal) {
  if (auto ok = validateIdentity(obj.kind, obj.key); !ok) {
    return errorOf(ok);
  }
  auto labels = encodeLabels(obj.labels);
  auto spec = encodeSpec(obj.spec);
  if (!labels || !spec) {
    return tl::unexpected(!labels ? labels.error() : spec.error());
  }
  return commitChange(
      Change{action, obj, std::move(*labels), std::move(*spec), expectedRev, principal});
}

Result<Object> SqliteStore::create(const Object& obj, const std::string& principal) {
  return write(Action::kCreated, obj, std::nullopt, principal);
}

Result<Object> SqliteStore::update(const Object& obj, std::optional<int64_t> expectedRev,
                                   const std::string& principal) {
  return write(Action::kUpdated, obj, expectedRev, principal);
}

Result<Object> SqliteStore::remove(const std::string& kind, const std::string& key,
                                   std::optional<int64_t> expectedRev,
                                   const std::string& principal) {
  if (auto ok = validateIdentity(kind, key); !ok) {
    return errorOf(ok);
  }
  Object obj;
  obj.kind = kind;
  obj.key = key;
  return commitChange(Change{Action::kDeleted, std::move(obj), {}, {}, expectedRev, principal});
}

Result<Object> SqliteStore::commitChange(Change change) {
  Result<Object> result;
  int64_t seq = 0;
  {
    std::lock_guard lock(writeMu_);
    result = applyLocked(change);
    seq = lastSeq_.load();
  }
  if (result && listener_) {
    listener_(seq);
  }
  return result;
}

Result<Object> SqliteStore::applyLocked(Change& change) {
  auto txn = Transaction::begin(writer_.conn, "BEGIN IMMEDIATE");
  if (!txn) {
    return errorOf(txn);
  }
  Object& obj = change.object;
  auto head = loadHead(obj.kind, obj.key);
  if (!head) {
    return errorOf(head);
  }
  if (change.action == Action::kCreated && *head) {
    return fail(ErrorCode::kAlreadyExists, obj.kind + " '" + obj.key + "' already exists", "key");
  }
  if (change.action != Action::kCreated && !*head) {
    return fail(ErrorCode::kNotFound, obj.kind + " '" + obj.key + "' not found", "key");
  }
  if (change.expectedRev && *change.expectedRev != (*head)->rev) {
    return fail(ErrorCode::kPreconditionFailed,
                "expected rev " + std::to_string(*change.expectedRev) + " but " + obj.kind + " '" +
                    obj.key + "' is at rev " + std::to_string((*head)->rev),
                "rev", "re-read the object and retry");
  }
  auto seq = takeSeq();
  if (!seq) {
    return errorOf(seq);
  }
  const int64_t now = clock_.nowMs();
  if (change.action == Action::kDeleted) {
    if (auto ok = loadLastState(change); !ok) {
      return errorOf(ok);
    }
  } else {
    obj.rev = *seq;
    obj.createdMs = change.action == Action::kCreated ? now : (*head)->createdMs;
    obj.updatedMs = now;
  }
  if (auto ok = writeObjectRows(change, *head); !ok) {
    return errorOf(ok);
  }
  if (auto ok = writeEvent(change, *seq, now); !ok) {
    return errorOf(ok);
  }
  if (auto ok = txn->commit(); !ok) {
    return errorOf(ok);
  }
  lastSeq_.store(*seq);
  return std::move(obj);
}

Result<std::optional<SqliteStore::Head>> SqliteStore::loadHead(const std::string& kind,
                                                               const std::string& key) {
  Statement& stmt = writer_.loadHead;
  StatementResetter resetter(stmt);
  stmt.bind(1, kind);
  stmt.bind(2, key);
  auto row = stmt.step();
  if (!row) {
    return errorOf(row);
  }
  if (!*row) {
    return std::optional<Head>();
  }
  return std::optional<Head>(Head{stmt.columnInt(0), stmt.columnInt(1), stmt.columnText(2)});
}

Result<int64_t> SqliteStore::takeSeq() {
  Statement& stmt = writer_.nextSeq;
  StatementResetter resetter(stmt);
  auto row = stmt.step();
  if (!row) {
    return errorOf(row);
  }
  if (!*row) {
    return fail(ErrorCode::kInternal, "sequencer row missing from meta table");
  }
  const int64_t seq = stmt.columnInt(0);
  if (auto done = stmt.step(); !done) {
    return errorOf(done);
  }
  return seq;
}

Status SqliteStore::loadLastState(Change& change) {
  Statement& stmt = writer_.loadFull;
  StatementResetter resetter(stmt);
  stmt.bind(1, change.object.kind);
  stmt.bind(2, change.object.key);
  auto row = stmt.step();
  if (!row || !*row) {
    return fail(ErrorCode::kInternal, "object vanished inside its write transaction");
  }
  change.labelsJson = stmt.columnText(2);
  change.specJson = stmt.columnText(6);
  auto labels = decodeLabels(change.labelsJson);
  auto spec = decodeSpec(change.specJson);
  if (!labels || !spec) {
    return tl::unexpected(!labels ? labels.error() : spec.error());
  }
  change.object.labels = std::move(*labels);
  change.object.spec = std::move(*spec);
  change.object.rev = stmt.columnInt(3);
  change.object.createdMs = stmt.columnInt(4);
  change.object.updatedMs = stmt.columnInt(5);
  return {};
}

Status SqliteStore::writeObjectRows(const Change& change, const std::optional<Head>& head) {
  const Object& obj = change.object;
  Statement* stmt = nullptr;
  switch (change.action) {
    case Action::kCreated:
      stmt = &writer_.insertObject;
      stmt->bind(1, obj.kind);
      stmt->bind(2, obj.key);
      stmt->bind(3, change.labelsJson);
      stmt->bind(4, obj.rev);
      stmt->bind(5, obj.createdMs);
      stmt->bind(6, obj.updatedMs);
      stmt->bind(7, change.specJson);
      break;
    case Action::kUpdated:
      stmt = &writer_.updateObject;
      stmt->bind(1, change.labelsJson);
      stmt->bind(2, obj.rev);
      stmt->bind(3, obj.updatedMs);
      stmt->bind(4, change.specJson);
      stmt->bind(5, obj.kind);
      stmt->bind(6, obj.key);
      break;
    case Action::kDeleted:
      stmt = &writer_.deleteObject;
      stmt->bind(1, obj.kind);
      stmt->bind(2, obj.key);
      break;
  }
  StatementResetter resetter(*stmt);
  if (auto ok = stmt->run(); !ok) {
    return ok;
  }
  // Label rows change only when the labels do: most updates touch spec only.
  if (head && change.action == Action::kUpdated && head->labelsJson == change.labelsJson) {
    return {};
  }
  return replaceLabels(change, head.has_value());
}

Status SqliteStore::replaceLabels(const Change& change, bool hadRow) {
  const Object& obj = change.object;
  if (hadRow) {
    Statement& del = writer_.deleteLabels;
    StatementResetter resetter(del);
    del.bind(1, obj.kind);
    del.bind(2, obj.key);
    if (auto ok = del.run(); !ok) {
      return ok;
    }
  }
  if (change.action == Action::kDeleted) {
    return {};
  }
  Statement& ins = writer_.insertLabel;
  for (const auto& [name, value] : obj.labels) {
    StatementResetter resetter(ins);
    ins.bind(1, obj.kind);
    ins.bind(2, name);
    ins.bind(3, value);
    ins.bind(4, obj.key);
    if (auto ok = ins.run(); !ok) {
      return ok;
    }
  }
  return {};
}

Status SqliteStore::writeEvent(const Change& change, int64_t seq, int64_t now) {
  Statement& stmt = writer_.insertEvent;
  StatementResetter resetter(stmt);
  stmt.bind(1, seq);
  stmt.bind(2, now);
  stmt.bind(3, change.object.kind);
  stmt.bind(4, change.object.key);
  stmt.bind(5, actionName(change.action));
  stmt.bind(6, change.principal);
  stmt.bind(7, encodeObject(change.object, change.labelsJson, change.specJson));
  return stmt.run();
}

}  // namespace foundry::store
