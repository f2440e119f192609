#include "store/codec.h"

namespace foundry::store {
namespace {

Result<std::string> dumpJson(const nlohmann::json& value, const char* field) {
  try {
    return value.dump();
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorCode::kInvalidArgument, std::string("cannot encode: ") + e.what(), field,
                "strings must be valid UTF-8");
  }
}

Result<nlohmann::json> parseJson(const std::string& text, const char* what) {
  auto value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return fail(ErrorCode::kInternal, std::string("corrupt JSON in stored ") + what);
  }
  return value;
}

}  // namespace

Result<std::string> encodeLabels(const LabelMap& labels) {
  return dumpJson(nlohmann::json(labels), "labels");
}

Result<std::string> encodeSpec(const nlohmann::json& spec) {
  if (!spec.is_object()) {
    return fail(ErrorCode::kInvalidArgument, "spec must be a JSON object", "spec");
  }
  return dumpJson(spec, "spec");
}

std::string encodeObject(const Object& obj, const std::string& labelsJson,
                         const std::string& specJson) {
  // kind and key were already encoded successfully as part of the row, so
  // dumping them cannot throw for UTF-8 reasons here; they are checked first
  // by the store (validateIdentity).
  std::string out = "{\"kind\":" + nlohmann::json(obj.kind).dump();
  out += ",\"key\":" + nlohmann::json(obj.key).dump();
  out += ",\"labels\":" + labelsJson;
  out += ",\"rev\":" + std::to_string(obj.rev);
  out += ",\"createdMs\":" + std::to_string(obj.createdMs);
  out += ",\"updatedMs\":" + std::to_string(obj.updatedMs);
  out += ",\"spec\":" + specJson + "}";
  return out;
}

Result<LabelMap> decodeLabels(const std::string& text) {
  auto value = parseJson(text, "labels");
  if (!value) {
    return tl::unexpected(value.error());
  }
  LabelMap labels;
  for (const auto& [name, v] : value->items()) {
    if (!v.is_string()) {
      return fail(ErrorCode::kInternal, "stored label is not a string");
    }
    labels.emplace(name, v.get<std::string>());
  }
  return labels;
}

Result<nlohmann::json> decodeSpec(const std::string& text) { return parseJson(text, "spec"); }

Result<Object> decodeObject(const std::string& text) {
  auto value = parseJson(text, "event object");
  if (!value) {
    return tl::unexpected(value.error());
  }
  try {
    Object obj;
    obj.kind = value->at("kind").get<std::string>();
    obj.key = value->at("key").get<std::string>();
    obj.labels = value->at("labels").get<LabelMap>();
    obj.rev = value->at("rev").get<int64_t>();
    obj.createdMs = value->at("createdMs").get<int64_t>();
    obj.updatedMs = value->at("updatedMs").get<int64_t>();
    obj.spec = std::move(value->at("spec"));
    return obj;
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorCode::kInternal, std::string("corrupt stored event: ") + e.what());
  }
}

}  // namespace foundry::store
