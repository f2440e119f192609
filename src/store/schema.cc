#include "store/schema.h"

#include <array>
#include <string_view>

namespace foundry::store {
namespace {

struct Migration {
  int version;
  std::string_view sql;
};

// Append new migrations at the end; never edit one that has shipped. Each
// migration must leave a database that tests/store/fixtures/schema_v<N>.sql
// reproduces (see the migration tests).
constexpr std::string_view kV1 = R"sql(
CREATE TABLE foundry_schema (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
-- The sequencer: one row whose last_seq is incremented inside every write
-- transaction. Row-level write locking serialises writers in commit order.
CREATE TABLE meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq INTEGER NOT NULL
);
INSERT INTO meta (id, last_seq) VALUES (1, 0);
CREATE TABLE objects (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  labels TEXT NOT NULL,
  rev INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  spec TEXT NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
-- Label index: label selectors (labels.rack=r17) are the common list filter.
CREATE TABLE object_labels (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  key TEXT NOT NULL,
  PRIMARY KEY (kind, name, value, key)
) WITHOUT ROWID;
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  action TEXT NOT NULL,
  principal TEXT NOT NULL,
  object TEXT NOT NULL
);
CREATE INDEX events_time ON events (time_ms);
)sql";

constexpr std::array<Migration, 1> kMigrations = {{{1, kV1}}};

}  // namespace

int currentSchemaVersion() { return kMigrations.back().version; }

Result<int> readSchemaVersion(Connection& conn) {
  auto hasTable = conn.queryInt(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'foundry_schema'");
  if (!hasTable) {
    return tl::unexpected(hasTable.error());
  }
  if (*hasTable == 0) {
    auto anyTable = conn.queryInt("SELECT count(*) FROM sqlite_master");
    if (!anyTable) {
      return tl::unexpected(anyTable.error());
    }
    if (*anyTable != 0) {
      return fail(ErrorCode::kInvalidArgument, "database is not a Foundry store", {},
                  "point the store path at a Foundry database or an empty file");
    }
    return 0;
  }
  auto version = conn.queryInt("SELECT version FROM foundry_schema WHERE id = 1");
  if (!version) {
    return tl::unexpected(version.error());
  }
  return static_cast<int>(*version);
}

Status checkSchemaVersion(int version, const std::string& path) {
  if (version > currentSchemaVersion()) {
    return fail(ErrorCode::kConflict,
                "database " + path + " has schema version " + std::to_string(version) +
                    ", newer than this foundryd supports (" +
                    std::to_string(currentSchemaVersion()) + ")",
                {}, "upgrade foundryd to a version that knows this schema, or restore a backup "
                    "taken by this version");
  }
  return {};
}

Status migrate(Connection& conn) {
  auto txn = Transaction::begin(conn, "BEGIN IMMEDIATE");
  if (!txn) {
    return tl::unexpected(txn.error());
  }
  auto version = readSchemaVersion(conn);
  if (!version) {
    return tl::unexpected(version.error());
  }
  const char* file = sqlite3_db_filename(conn.handle(), "main");
  if (auto ok = checkSchemaVersion(*version, file != nullptr ? file : ""); !ok) {
    return ok;
  }
  if (*version == currentSchemaVersion()) {
    return {};  // the transaction rolls back: nothing was written
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *version) {
      continue;
    }
    if (auto ok = conn.exec(std::string(migration.sql)); !ok) {
      Error error = ok.error();
      error.message = "schema migration to v" + std::to_string(migration.version) +
                      " failed: " + error.message;
      return tl::unexpected(std::move(error));
    }
  }
  auto stmt = conn.prepare("INSERT OR REPLACE INTO foundry_schema (id, version) VALUES (1, ?)");
  if (!stmt) {
    return tl::unexpected(stmt.error());
  }
  stmt->bind(1, static_cast<int64_t>(currentSchemaVersion()));
  if (auto ok = stmt->run(); !ok) {
    return ok;
  }
  return txn->commit();
}

}  // namespace foundry::store
