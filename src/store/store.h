#pragma once
// The store: every Foundry object lives here, versioned by one global change
// sequence. This header is the whole contract that backends implement
// (SQLite now, PostgreSQL later) and that the contract tests in
// tests/store/store_contract_test.cc check against every backend.
//
// Sequence contract: every successful write (create, update, delete) takes the
// next number of one gap-free sequence, in commit order, and records an Event
// with that number in the same transaction. The object's `rev` is the sequence
// number of its last write. Readers that see event N have also seen every event
// before N (the sequencer is taken under the write lock / a single sequencer
// row, so a later number never commits before an earlier one).
//
// Thread-safety: all methods may be called concurrently from any thread.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"

namespace foundry::store {

using LabelMap = std::map<std::string, std::string>;

struct Object {
  std::string kind;  // e.g. "Machine"
  std::string key;   // name or UUID; unique within kind
  LabelMap labels;
  int64_t rev = 0;        // sequence number of the last write; set by the store
  int64_t createdMs = 0;  // set by the store
  int64_t updatedMs = 0;  // set by the store
  nlohmann::json spec = nlohmann::json::object();  // the kind-specific body
};

enum class FilterOp { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kRegex, kExists };

// A condition on one field. `field` is "key", "rev", "createdMs", "updatedMs",
// "labels.<name>", or "spec.<path>" where path is dot-separated (e.g.
// "spec.nics.0.mac" is not supported: only object members). Values are text;
// a value that parses fully as a number compares numerically against numeric
// fields. kIn takes several values; kExists none.
struct Filter {
  std::string field;
  FilterOp op = FilterOp::kEq;
  std::vector<std::string> values;
};

struct SortKey {
  std::string field;  // same field syntax as Filter
  bool descending = false;
};

struct ListQuery {
  std::vector<Filter> filters;  // all must hold (AND)
  std::vector<SortKey> sort;    // default: by key ascending
  int64_t limit = 0;            // 0 = no limit (callers enforce their own bound)
  int64_t offset = 0;
};

struct ListResult {
  std::vector<Object> items;
  int64_t total = 0;  // matches before limit/offset
};

enum class Action { kCreated, kUpdated, kDeleted };
std::string_view actionName(Action action);

struct Event {
  int64_t seq = 0;  // == rev written by the change
  int64_t timeMs = 0;
  std::string kind;
  std::string key;
  Action action = Action::kCreated;
  std::string principal;  // who made the change (audit trail)
  Object object;          // state after the change; for deletes, the last state
};

struct EventQuery {
  int64_t afterSeq = 0;              // events with seq > afterSeq
  std::vector<std::string> kinds;    // empty = all
  std::vector<std::string> actions;  // "created"/"updated"/"deleted"; empty = all
  std::vector<std::string> keys;     // empty = all
  int64_t limit = 1000;
};

struct RetentionPolicy {
  int64_t maxAgeMs = 0;  // 0 = keep regardless of age
  int64_t maxCount = 0;  // 0 = no count limit
};

struct StoreStats {
  std::map<std::string, int64_t> objectsPerKind;
  int64_t sizeBytes = 0;  // database size on disk (main file + WAL)
  int64_t lastSeq = 0;
  int64_t oldestEventSeq = 0;  // 0 when there are no events
};

// Durability of an acknowledged write:
//  kProcess: written to the OS before the call returns; survives kill -9 of
//            the server but not power loss (SQLite WAL, synchronous=NORMAL).
//  kPowerLoss: fsync before the call returns (synchronous=FULL).
enum class Durability { kProcess, kPowerLoss };

class Store {
 public:
  virtual ~Store() = default;

  // Creates obj (kind+key must not exist). Returns the stored object with
  // rev/createdMs/updatedMs set. Errors: kAlreadyExists.
  virtual Result<Object> create(const Object& obj, const std::string& principal) = 0;

  // Replaces labels and spec of an existing object. If expectedRev is set and
  // differs from the stored rev: kPreconditionFailed. Missing: kNotFound.
  virtual Result<Object> update(const Object& obj, std::optional<int64_t> expectedRev,
                                const std::string& principal) = 0;

  // Deletes; returns the last state. Same expectedRev rule as update.
  virtual Result<Object> remove(const std::string& kind, const std::string& key,
                                std::optional<int64_t> expectedRev,
                                const std::string& principal) = 0;

  virtual Result<Object> get(const std::string& kind, const std::string& key) = 0;

  // Errors: kInvalidArgument for a bad field name or regex.
  virtual Result<ListResult> list(const std::string& kind, const ListQuery& query) = 0;

  // Events in seq order. If afterSeq > 0 and events after it were already
  // pruned by retention (afterSeq + 1 < oldest retained seq): kGone.
  virtual Result<std::vector<Event>> events(const EventQuery& query) = 0;

  // Sequence number of the last committed change (0 for an empty store).
  virtual int64_t lastSeq() = 0;

  // Called after every commit, outside store locks, with the new seq. Used to
  // wake event streams. Set once before concurrent use.
  virtual void setCommitListener(std::function<void(int64_t seq)> listener) = 0;

  // Prunes events by age and count; returns how many were deleted.
  virtual Result<int64_t> pruneEvents(const RetentionPolicy& policy) = 0;

  virtual Result<StoreStats> stats() = 0;

  // Consistent online copy of the whole store to a new file at `path` while
  // the store keeps serving (SQLite online backup API).
  virtual Status backup(const std::string& path) = 0;

  // Makes the store's durable writes visible to the OS and checkpoints; called
  // at shutdown.
  virtual Status flush() = 0;
};

struct SqliteOptions {
  std::string path;  // database file; parent directory must exist
  Durability durability = Durability::kProcess;
  const Clock* clock = nullptr;  // required; not owned
};

// Opens (creating if needed) and migrates a SQLite store.
Result<std::unique_ptr<Store>> openSqliteStore(const SqliteOptions& options);

// Replaces the database at `dbPath` with the backup file at `backupPath`, after
// checking that the backup is a Foundry store that this version can migrate.
// REQUIRES: no server has `dbPath` open.
Status restoreSqliteBackup(const std::string& backupPath, const std::string& dbPath);

// Current schema version that openSqliteStore migrates to.
int sqliteSchemaVersion();

}  // namespace foundry::store
