#include "cli/failure.h"


#include <nlohmann/json.hpp>

namespace foundry::cli {
namespace {

std::string stringMember(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string errorLine(const Error& error) {
  std::string line = "foundry: " + error.message;
  if (!error.field.empty() && error.message.find(error.field) == std::string::npos) {
    line += " [field: " + error.field + "]";
  }
  line += " (" + std::string(errorCodeName(error.code)) + ")";
  if (!error.hint.empty()) line += " — " + error.hint;
  return line;
}

Error errorFromResponse(int status, const std::string& body) {
  Error error{errorCodeForStatus(status), "HTTP " + std::to_string(status), {}, {}};
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed.contains("error") || !parsed["error"].is_object()) {
    if (status == 401) error.hint = "check --token, FOUNDRY_TOKEN or <data-dir>/admin.token";
    return error;
  }
  const nlohmann::json& e = parsed["error"];
  ErrorCode code{};
  if (parseErrorCode(stringMember(e, "code"), &code)) error.code = code;
  if (std::string message = stringMember(e, "message"); !message.empty()) error.message = message;
  error.field = stringMember(e, "field");
  error.hint = stringMember(e, "hint");
  return error;
}

}  // namespace foundry::cli
