#pragma once
// Schema versions and migrations of the SQLite store. The version lives in
// the one-row table `foundry_schema`; migrations are an ordered list applied
// in a single transaction at open.

#include "common/error.h"
#include "store/sqlite_db.h"

namespace foundry::store {

// Version of the newest migration this binary knows.
int currentSchemaVersion();

// Reads the schema version: 0 for an empty database. Errors: kInvalidArgument
// when the file holds tables but is not a Foundry store.
Result<int> readSchemaVersion(Connection& conn);

// Brings the database up to currentSchemaVersion() inside one IMMEDIATE
// transaction. Errors: kConflict (with a hint) when the database is newer
// than this binary.
Status migrate(Connection& conn);

// Checks that `version` can be opened by this binary.
Status checkSchemaVersion(int version, const std::string& path);

}  // namespace foundry::store
