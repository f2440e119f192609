#pragma once
// Foundry's error policy: every fallible operation returns Result<T>. Errors
// carry a stable machine-readable code (part of the API contract), a message
// for humans, the offending field when there is one, and a hint that says what
// to do. Exceptions from third-party libraries are caught at one boundary per
// request/packet/job and converted here.

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace foundry {

enum class ErrorCode {
  kInvalidArgument,     // bad input from the caller (400)
  kNotFound,            // object or route does not exist (404)
  kAlreadyExists,       // create of an existing key (409)
  kConflict,            // state does not allow the operation (409)
  kPreconditionFailed,  // If-Match / expected rev did not match (412)
  kUnauthenticated,     // no or bad credentials (401)
  kPermissionDenied,    // authenticated, not allowed (403)
  kReadOnly,            // kind is derived by the server; not writable via API (405)
  kMethodNotAllowed,    // route exists, method does not (405)
  kGone,                // requested history was pruned by retention (410)
  kTooLarge,            // request body or list exceeds a bound (413)
  kUnavailable,         // shutting down or backend down (503)
  kIo,                  // filesystem or network failure (500)
  kInternal,            // a bug (500)
};

struct Error {
  Error() = default;
  Error(ErrorCode c, std::string m, std::string f = {}, std::string h = {})
      : code(c), message(std::move(m)), field(std::move(f)), hint(std::move(h)) {}

  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;  // e.g. "spec.arch"; empty when not about one field
  std::string hint;   // what the caller should do about it

  // "message (field: x) — hint" for one-line logs and CLI output.
  std::string describe() const;
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

// Stable snake_case name of a code, e.g. "not_found".
std::string_view errorCodeName(ErrorCode code);
// HTTP status that the API answers with for this code.
int httpStatus(ErrorCode code);
// The code a client assumes for an HTTP status when the body names none.
ErrorCode errorCodeForStatus(int status);
// Inverse of errorCodeName; false for an unknown name.
bool parseErrorCode(std::string_view name, ErrorCode* out);

inline tl::unexpected<Error> fail(ErrorCode code, std::string message, std::string field = {},
                                  std::string hint = {}) {
  return tl::unexpected<Error>(
      Error{code, std::move(message), std::move(field), std::move(hint)});
}

}  // namespace foundry
