#pragma once
// JSON encoding of objects for the objects and events tables. Encoding can
// fail on caller input (invalid UTF-8 in a string): that is kInvalidArgument,
// never an exception escaping the store.

#include <string>

#include "common/error.h"
#include "store/store.h"

namespace foundry::store {

Result<std::string> encodeLabels(const LabelMap& labels);
Result<std::string> encodeSpec(const nlohmann::json& spec);

// The event payload: the whole object, composed from already-encoded parts.
std::string encodeObject(const Object& obj, const std::string& labelsJson,
                         const std::string& specJson);

Result<LabelMap> decodeLabels(const std::string& text);
Result<nlohmann::json> decodeSpec(const std::string& text);
Result<Object> decodeObject(const std::string& text);

}  // namespace foundry::store
