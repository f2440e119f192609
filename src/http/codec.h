#pragma once
// Internal helpers of the HTTP module shared by the server, the tests and the
// fuzz target. No Beast or Asio here.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "http/server.h"

namespace foundry::http {

// Like parseQuery() but returns nullopt when any component has a malformed
// percent escape, so request building can answer 400 instead of guessing.
std::optional<std::multimap<std::string, std::string>> parseQueryStrict(std::string_view query);

// Escapes a string for inclusion inside a JSON string literal.
std::string jsonEscape(std::string_view in);

// {"error":{"code":"<errorCodeName>","message":"..."}} with the status that
// httpStatus(code) maps to, or `status` when non-zero (e.g. 431).
Response errorResponse(ErrorCode code, std::string_view message, int status = 0);

}  // namespace foundry::http
