#pragma once
// Shared helpers for the store tests: a temp dir removed at scope end, and
// the backend factories the contract suite runs against.

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "common/clock.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace foundry::store::testing {

using foundry::testing::TempDir;

// A backend under test. `open` opens (creating if needed) the store that
// lives in `dir`; calling it again on the same dir reopens the same data.
// Adding a backend (PostgreSQL) means adding one factory here.
struct BackendFactory {
  std::string name;
  std::function<Result<std::unique_ptr<Store>>(const std::string& dir, const Clock& clock)> open;
};

// Keeps test names readable ("... GetParam() = Sqlite").
inline void PrintTo(const BackendFactory& backend, std::ostream* os) { *os << backend.name; }

inline BackendFactory sqliteBackend() {
  return {"Sqlite", [](const std::string& dir, const Clock& clock) {
            return openSqliteStore(SqliteOptions{dir + "/foundry.db", Durability::kProcess, &clock});
          }};
}

inline Object makeObject(std::string kind, std::string key, LabelMap labels = {},
                         nlohmann::json spec = nlohmann::json::object()) {
  Object obj;
  obj.kind = std::move(kind);
  obj.key = std::move(key);
  obj.labels = std::move(labels);
  obj.spec = std::move(spec);
  return obj;
}

}  // namespace foundry::store::testing
