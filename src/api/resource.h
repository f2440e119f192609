#pragma once
// Conversion between the API's JSON shape of an object and store::Object,
// plus the list-query syntax of GET /api/v1/<kinds>.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "api/kinds.h"
#include "common/error.h"
#include "store/store.h"

namespace foundry::api {

// {"kind","name","labels","rev","createdAt","updatedAt","spec"}; secrets of
// kinds with secretSpec are replaced by "<redacted>".
nlohmann::json toJson(const KindDef& kind, const store::Object& obj);

// The placeholder that output shows instead of a secret value.
inline constexpr const char* kRedacted = "<redacted>";

// Keys whose values are secrets (case-insensitive: password, hash, secret,
// token, privateKey...): redacted on output and never filterable.
bool isSecretKey(std::string_view key);

// A client that sends back what it read (get → edit → replace) sends the
// placeholder: keep the stored secret wherever `incoming` holds it.
void restoreRedacted(nlohmann::json& incoming, const nlohmann::json& stored);

// Builds an object from a client body. `pathName` is the name in the URL
// (empty on create); a body name that differs from it is an error. A body
// without a name on create gets a UUID for uuid-keyed kinds. Validates name,
// labels and spec. `rev` in the body is returned through bodyRev.
Result<store::Object> fromJson(const KindDef& kind, const nlohmann::json& body,
                               const std::string& pathName, std::optional<int64_t>* bodyRev);

// Bounds on every stored document (labels + spec): nesting depth and encoded
// size. Checked iteratively, so a hostile document cannot overflow the stack
// while being measured.
inline constexpr size_t kMaxDocumentDepth = 64;
inline constexpr size_t kMaxSpecBytes = 512 * 1024;
Status checkDocumentBounds(const nlohmann::json& doc, const std::string& field);

// Parses a JSON request body, bounded in depth; errors name what is wrong.
Result<nlohmann::json> parseBody(const std::string& body);

// Maps list parameters (filters, sort, limit, offset) to a store query.
// Limits: default 100, max kMaxListLimit.
inline constexpr int64_t kDefaultListLimit = 100;
inline constexpr int64_t kMaxListLimit = 5000;
Result<store::ListQuery> parseListQuery(const std::multimap<std::string, std::string>& params);

// Parses If-Match: "12", W/"12" or 12. Empty header → nullopt.
Result<std::optional<int64_t>> parseIfMatch(const std::string& header);

// A random RFC 4122 version 4 UUID.
std::string newUuid();

}  // namespace foundry::api
