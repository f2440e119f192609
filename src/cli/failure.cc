#include "cli/failure.h"


#include <nlohmann/json.hpp>

namespace foundry::cli {
namespace {

// Codes are probed by value so that codes added to ErrorCode later are found
// without a list here to keep in sync; errorCodeName() maps unknown values
// to "internal".
constexpr int kMaxErrorCodeValue = 64;

ErrorCode codeForStatus(int status) {
  switch (status) {
    case 400: return ErrorCode::kInvalidArgument;
    case 401: return ErrorCode::kUnauthenticated;
    case 403: return ErrorCode::kPermissionDenied;
    case 404: return ErrorCode::kNotFound;
    case 405: return ErrorCode::kReadOnly;
    case 409: return ErrorCode::kConflict;
    case 410: return ErrorCode::kGone;
    case 412: return ErrorCode::kPreconditionFailed;
    case 413: return ErrorCode::kTooLarge;
    case 503: return ErrorCode::kUnavailable;
    default: return ErrorCode::kInternal;
  }
}

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

bool parseErrorCode(std::string_view name, ErrorCode* out) {
  for (int value = 0; value < kMaxErrorCodeValue; ++value) {
    auto code = static_cast<ErrorCode>(value);
    if (errorCodeName(code) == name) {
      *out = code;
      return true;
    }
  }
  return false;
}

Error errorFromResponse(int status, const std::string& body) {
  Error error{codeForStatus(status), "HTTP " + std::to_string(status), {}, {}};
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
