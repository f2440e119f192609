// SQLite store: the read path (get, list, events, stats) and event retention.
#include <filesystem>

#include "store/codec.h"
#include "store/query.h"
#include "store/sqlite_store.h"

namespace foundry::store {
namespace {

constexpr int64_t kDefaultEventLimit = 1000;
constexpr size_t kMaxEventFilterValues = 1000;

template <class T>
tl::unexpected<Error> errorOf(const Result<T>& result) {
  return tl::unexpected(result.error());
}

// Columns: kind, key, labels, rev, created_ms, updated_ms, spec.
Result<Object> rowToObject(const Statement& stmt) {
  Object obj;
  obj.kind = stmt.columnText(0);
  obj.key = stmt.columnText(1);
  auto labels = decodeLabels(stmt.columnText(2));
  if (!labels) {
    return errorOf(labels);
  }
  obj.labels = std::move(*labels);
  obj.rev = stmt.columnInt(3);
  obj.createdMs = stmt.columnInt(4);
  obj.updatedMs = stmt.columnInt(5);
  auto spec = decodeSpec(stmt.columnText(6));
  if (!spec) {
    return errorOf(spec);
  }
  obj.spec = std::move(*spec);
  return obj;
}

// A REGEXP failure inside SQLite surfaces as a step error; the query was
// validated up front, so anything else is a genuine storage failure.
Result<std::vector<Object>> collectObjects(Statement& stmt) {
  std::vector<Object> items;
  for (;;) {
    auto row = stmt.step();
    if (!row) {
      return errorOf(row);
    }
    if (!*row) {
      return items;
    }
    auto obj = rowToObject(stmt);
    if (!obj) {
      return errorOf(obj);
    }
    items.push_back(std::move(*obj));
  }
}

void appendInList(std::string& sql, const char* column, const std::vector<std::string>& values,
                  std::vector<BindValue>& binds) {
  if (values.empty()) {
    return;
  }
  sql += std::string(" AND ") + column + " IN (";
  for (size_t i = 0; i < values.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    binds.emplace_back(values[i]);
  }
  sql += ")";
}

int64_t fileSize(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

}  // namespace

Result<Object> SqliteStore::get(const std::string& kind, const std::string& key) {
  auto reader = readers_.acquire();
  Statement& stmt = reader->getObject;
  StatementResetter resetter(stmt);
  stmt.bind(1, kind);
  stmt.bind(2, key);
  auto row = stmt.step();
  if (!row) {
    return errorOf(row);
  }
  if (!*row) {
    return fail(ErrorCode::kNotFound, kind + " '" + key + "' not found", "key");
  }
  return rowToObject(stmt);
}

Result<ListResult> SqliteStore::list(const std::string& kind, const ListQuery& query) {
  if (query.limit < 0 || query.offset < 0) {
    return fail(ErrorCode::kInvalidArgument, "limit and offset must not be negative",
                query.limit < 0 ? "limit" : "offset");
  }
  auto compiled = compileListQuery(kind, query);
  if (!compiled) {
    return errorOf(compiled);
  }
  auto reader = readers_.acquire();
  // One read transaction: the total and the page come from the same snapshot.
  auto txn = Transaction::begin(reader->conn, "BEGIN");
  if (!txn) {
    return errorOf(txn);
  }
  ListResult result;
  {
    auto count = reader->conn.prepare("SELECT count(*) FROM objects WHERE " + compiled->where);
    if (!count) {
      return errorOf(count);
    }
    count->bindAll(compiled->whereBinds);
    auto row = count->step();
    if (!row) {
      return errorOf(row);
    }
    result.total = *row ? count->columnInt(0) : 0;
  }
  auto page = reader->conn.prepare(
      "SELECT kind, key, labels, rev, created_ms, updated_ms, spec FROM objects WHERE " +
      compiled->where + " ORDER BY " + compiled->orderBy + " LIMIT ? OFFSET ?");
  if (!page) {
    return errorOf(page);
  }
  page->bindAll(compiled->whereBinds);
  const int next = static_cast<int>(compiled->whereBinds.size()) + 1;
  page->bindAll(compiled->orderBinds, next);
  const int limitIndex = next + static_cast<int>(compiled->orderBinds.size());
  page->bind(limitIndex, query.limit == 0 ? int64_t{-1} : query.limit);
  page->bind(limitIndex + 1, query.offset);
  auto items = collectObjects(*page);
  if (!items) {
    return errorOf(items);
  }
  result.items = std::move(*items);
  page = Statement();
  if (auto ok = txn->commit(); !ok) {
    return errorOf(ok);
  }
  return result;
}

Result<std::vector<Event>> SqliteStore::events(const EventQuery& query) {
  if (query.kinds.size() + query.actions.size() + query.keys.size() > kMaxEventFilterValues) {
    return fail(ErrorCode::kInvalidArgument, "too many event filter values");
  }
  std::string sql =
      "SELECT seq, time_ms, kind, key, action, principal, object FROM events WHERE seq > ?";
  std::vector<BindValue> binds{query.afterSeq};
  appendInList(sql, "kind", query.kinds, binds);
  appendInList(sql, "action", query.actions, binds);
  appendInList(sql, "key", query.keys, binds);
  sql += " ORDER BY seq LIMIT ?";
  binds.emplace_back(query.limit > 0 ? query.limit : kDefaultEventLimit);

  auto reader = readers_.acquire();
  auto txn = Transaction::begin(reader->conn, "BEGIN");
  if (!txn) {
    return errorOf(txn);
  }
  if (query.afterSeq > 0) {
    // Retained events are contiguous up to last_seq (pruning only removes a
    // prefix), so a gap after afterSeq means pruned history.
    auto oldest = reader->conn.queryInt(
        "SELECT coalesce((SELECT min(seq) FROM events), "
        "(SELECT last_seq + 1 FROM meta WHERE id = 1))");
    if (!oldest) {
      return errorOf(oldest);
    }
    if (query.afterSeq < *oldest - 1) {
      return fail(ErrorCode::kGone,
                  "events after seq " + std::to_string(query.afterSeq) +
                      " were pruned; oldest retained is " + std::to_string(*oldest),
                  "afterSeq", "re-list the objects and follow events from the list's seq");
    }
  }
  auto stmt = reader->conn.prepare(sql);
  if (!stmt) {
    return errorOf(stmt);
  }
  stmt->bindAll(binds);
  std::vector<Event> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) {
      return errorOf(row);
    }
    if (!*row) {
      break;
    }
    Event event;
    event.seq = stmt->columnInt(0);
    event.timeMs = stmt->columnInt(1);
    event.kind = stmt->columnText(2);
    event.key = stmt->columnText(3);
    const std::string action = stmt->columnText(4);
    event.action = action == "created"   ? Action::kCreated
                   : action == "updated" ? Action::kUpdated
                                         : Action::kDeleted;
    event.principal = stmt->columnText(5);
    auto obj = decodeObject(stmt->columnText(6));
    if (!obj) {
      return errorOf(obj);
    }
    event.object = std::move(*obj);
    out.push_back(std::move(event));
  }
  return out;
}

Result<int64_t> SqliteStore::pruneEvents(const RetentionPolicy& policy) {
  if (policy.maxAgeMs < 0 || policy.maxCount < 0) {
    return fail(ErrorCode::kInvalidArgument, "retention limits must not be negative");
  }
  std::lock_guard lock(writeMu_);
  auto txn = Transaction::begin(writer_.conn, "BEGIN IMMEDIATE");
  if (!txn) {
    return errorOf(txn);
  }
  // Both rules delete a prefix (seq <= bound) so retained events stay
  // contiguous even if the clock ever stepped backwards.
  auto stmt = writer_.conn.prepare(
      "DELETE FROM events WHERE seq <= max("
      " CASE WHEN ?1 > 0 THEN coalesce((SELECT max(seq) FROM events WHERE time_ms < ?2), 0)"
      " ELSE 0 END,"
      " CASE WHEN ?3 > 0 THEN coalesce((SELECT max(seq) FROM events), 0) - ?3 ELSE 0 END)");
  if (!stmt) {
    return errorOf(stmt);
  }
  stmt->bind(1, policy.maxAgeMs);
  stmt->bind(2, clock_.nowMs() - policy.maxAgeMs);
  stmt->bind(3, policy.maxCount);
  if (auto ok = stmt->run(); !ok) {
    return errorOf(ok);
  }
  const int64_t deleted = sqlite3_changes64(writer_.conn.handle());
  stmt = Statement();
  if (auto ok = txn->commit(); !ok) {
    return errorOf(ok);
  }
  return deleted;
}

Result<StoreStats> SqliteStore::stats() {
  StoreStats stats;
  auto reader = readers_.acquire();
  auto txn = Transaction::begin(reader->conn, "BEGIN");
  if (!txn) {
    return errorOf(txn);
  }
  {
    auto stmt = reader->conn.prepare("SELECT kind, count(*) FROM objects GROUP BY kind");
    if (!stmt) {
      return errorOf(stmt);
    }
    for (;;) {
      auto row = stmt->step();
      if (!row) {
        return errorOf(row);
      }
      if (!*row) {
        break;
      }
      stats.objectsPerKind[stmt->columnText(0)] = stmt->columnInt(1);
    }
  }
  auto last = reader->conn.queryInt("SELECT last_seq FROM meta WHERE id = 1");
  auto oldest = reader->conn.queryInt("SELECT coalesce(min(seq), 0) FROM events");
  if (!last || !oldest) {
    return tl::unexpected(!last ? last.error() : oldest.error());
  }
  stats.lastSeq = *last;
  stats.oldestEventSeq = *oldest;
  stats.sizeBytes = fileSize(options_.path) + fileSize(options_.path + "-wal");
  if (auto ok = txn->commit(); !ok) {
    return errorOf(ok);
  }
  return stats;
}

}  // namespace foundry::store
