#include "common/error.h"

namespace foundry {

std::string Error::describe() const {
  std::string out = message;
  if (!field.empty()) out += " (field: " + field + ")";
  if (!hint.empty()) out += " — " + hint;
  return out;
}

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kPreconditionFailed: return "precondition_failed";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kReadOnly: return "read_only";
    case ErrorCode::kMethodNotAllowed: return "method_not_allowed";
    case ErrorCode::kGone: return "gone";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kIo: return "io_error";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

int httpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kPreconditionFailed: return 412;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kReadOnly: return 405;
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kGone: return 410;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kIo: return 500;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

ErrorCode errorCodeForStatus(int status) {
  switch (status) {
    case 400: return ErrorCode::kInvalidArgument;
    case 401: return ErrorCode::kUnauthenticated;
    case 403: return ErrorCode::kPermissionDenied;
    case 404: return ErrorCode::kNotFound;
    case 405: return ErrorCode::kMethodNotAllowed;
    case 409: return ErrorCode::kConflict;
    case 410: return ErrorCode::kGone;
    case 412: return ErrorCode::kPreconditionFailed;
    case 413: return ErrorCode::kTooLarge;
    case 503: return ErrorCode::kUnavailable;
    default: return status >= 500 ? ErrorCode::kInternal : ErrorCode::kInvalidArgument;
  }
}

bool parseErrorCode(std::string_view name, ErrorCode* out) {
  // Every enumerator, so the switch in errorCodeName stays the one list.
  for (int value = 0; value <= static_cast<int>(ErrorCode::kInternal); ++value) {
    auto code = static_cast<ErrorCode>(value);
    if (errorCodeName(code) == name) {
      *out = code;
      return true;
    }
  }
  return false;
}

}  // namespace foundry
