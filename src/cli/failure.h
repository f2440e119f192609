#pragma once
// How a command ends: exit 0, 1 for API/transport errors, 2 for usage errors
// (bad flags, unreadable or malformed input files). Whatever the cause, the
// user sees exactly one line on stderr, built by errorLine().

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "common/error.h"

namespace foundry::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitApi = 1;
inline constexpr int kExitUsage = 2;

struct Failure {
  Error error;
  int exitCode = kExitApi;
};

using Outcome = tl::expected<void, Failure>;

inline tl::unexpected<Failure> usageFailure(Error error) {
  return tl::unexpected<Failure>(Failure{std::move(error), kExitUsage});
}
inline tl::unexpected<Failure> usageFailure(std::string message, std::string hint = {}) {
  return usageFailure(Error{ErrorCode::kInvalidArgument, std::move(message), {}, std::move(hint)});
}
inline tl::unexpected<Failure> apiFailure(Error error) {
  return tl::unexpected<Failure>(Failure{std::move(error), kExitApi});
}

// "foundry: <message> [field: f] (<code>) — <hint>", no trailing newline.
std::string errorLine(const Error& error);

// Turns a non-2xx reply into an Error: the server's JSON error when the body
// has one, otherwise a code derived from the HTTP status.
Error errorFromResponse(int status, const std::string& body);

}  // namespace foundry::cli
