#pragma once
// `foundry apply`: make the server's objects match a set of documents.
// For each object: absent -> create; labels and spec equal -> unchanged;
// otherwise replace with If-Match of the rev just read, so a concurrent
// writer is never overwritten silently. Running it twice reports all unchanged.

#include <cstddef>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/api.h"
#include "cli/documents.h"
#include "cli/kinds.h"

namespace foundry::cli {

enum class ApplyDecision { kCreate, kUpdate, kUnchanged };

// current: the server's object, or nullptr when it does not exist. Missing
// or null labels/spec compare equal to empty maps.
ApplyDecision decideApply(const ObjectDoc& desired, const nlohmann::json* current);

// A document whose kind is resolved; built by planApply().
struct ApplyItem {
  ObjectDoc doc;
  const KindInfo* kind = nullptr;
};

// Validates every document before anything is sent: kind known, name present,
// no (kind, name) twice. Errors are the caller's (usage) errors.
Result<std::vector<ApplyItem>> planApply(const std::vector<Document>& docs);

struct ApplyCounts {
  size_t created = 0;
  size_t updated = 0;
  size_t unchanged = 0;
  size_t failed = 0;
};

// Applies every item (failures do not stop the rest), writing one line per
// object and a summary line to out. dryRun reads but never writes.
ApplyCounts runApply(ApiClient& api, const std::vector<ApplyItem>& items, bool dryRun,
                     std::ostream& out);

}  // namespace foundry::cli
