#include "cli/apply.h"

#include <set>
#include <string>
#include <utility>

#include "cli/failure.h"

namespace foundry::cli {
namespace {

using nlohmann::json;

json orEmpty(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? json::object() : *it;
}

std::string failedLine(const std::string& ref, const Error& error) {
  std::string line = errorLine(error);
  line.erase(0, std::string("foundry: ").size());
  return "failed " + ref + ": " + line;
}

// Applies one item; returns the decision taken, or the error.
Result<ApplyDecision> applyOne(ApiClient& api, const ApplyItem& item, bool dryRun) {
  Result<json> current = api.get(*item.kind, item.doc.name);
  if (!current && current.error().code != ErrorCode::kNotFound) {
    return tl::unexpected(current.error());
  }
  const json* currentPtr = current ? &*current : nullptr;
  ApplyDecision decision = decideApply(item.doc, currentPtr);
  if (dryRun || decision == ApplyDecision::kUnchanged) return decision;
  Result<json> written =
      decision == ApplyDecision::kCreate
          ? api.create(*item.kind, objectBody(item.doc))
          : api.replace(*item.kind, item.doc.name, objectBody(item.doc),
                        currentPtr->value("rev", int64_t{0}));
  if (!written) return tl::unexpected(written.error());
  // The server leaves an object whose content did not change at its rev
  // (this happens when the comparison above saw redacted secrets).
  if (decision == ApplyDecision::kUpdate &&
      written->value("rev", int64_t{0}) == currentPtr->value("rev", int64_t{-1})) {
    return ApplyDecision::kUnchanged;
  }
  return decision;
}

}  // namespace

ApplyDecision decideApply(const ObjectDoc& desired, const json* current) {
  if (current == nullptr) return ApplyDecision::kCreate;
  bool same = orEmpty(*current, "labels") == desired.labels &&
              orEmpty(*current, "spec") == (desired.spec.is_null() ? json::object() : desired.spec);
  return same ? ApplyDecision::kUnchanged : ApplyDecision::kUpdate;
}

Result<std::vector<ApplyItem>> planApply(const std::vector<Document>& docs) {
  std::vector<ApplyItem> items;
  std::set<std::pair<std::string_view, std::string>> seen;
  for (const Document& doc : docs) {
    Result<ObjectDoc> parsed = toObjectDoc(doc);
    if (!parsed) return tl::unexpected(parsed.error());
    if (parsed->kind.empty()) {
      return fail(ErrorCode::kInvalidArgument, doc.source + ": missing 'kind'", "kind",
                  "known kinds: " + knownKindsList());
    }
    Result<const KindInfo*> kind = findKind(parsed->kind);
    if (!kind) {
      Error e = kind.error();
      e.message = doc.source + ": " + e.message;
      return tl::unexpected(e);
    }
    if (parsed->name.empty()) {
      return fail(ErrorCode::kInvalidArgument, doc.source + ": missing 'name'", "name",
                  "apply needs a name to find the object; use 'create' for generated names");
    }
    if (!seen.emplace((*kind)->kind, parsed->name).second) {
      return fail(ErrorCode::kInvalidArgument,
                  doc.source + ": " + std::string((*kind)->kind) + "/" + parsed->name +
                      " appears more than once");
    }
    items.push_back({std::move(*parsed), *kind});
  }
  return items;
}

ApplyCounts runApply(ApiClient& api, const std::vector<ApplyItem>& items, bool dryRun,
                     std::ostream& out) {
  ApplyCounts counts;
  const std::string suffix = dryRun ? " (dry run)" : "";
  for (const ApplyItem& item : items) {
    std::string ref = std::string(item.kind->kind) + "/" + item.doc.name;
    Result<ApplyDecision> result = applyOne(api, item, dryRun);
    if (!result) {
      ++counts.failed;
      out << failedLine(ref, result.error()) << "\n";
      continue;
    }
    switch (*result) {
      case ApplyDecision::kCreate: ++counts.created; out << "created " << ref << suffix << "\n"; break;
      case ApplyDecision::kUpdate: ++counts.updated; out << "updated " << ref << suffix << "\n"; break;
      case ApplyDecision::kUnchanged: ++counts.unchanged; out << "unchanged " << ref << "\n"; break;
    }
  }
  out << items.size() << " objects: " << counts.created << " created, " << counts.updated
      << " updated, " << counts.unchanged << " unchanged, " << counts.failed << " failed"
      << suffix << "\n";
  return counts;
}

}  // namespace foundry::cli
