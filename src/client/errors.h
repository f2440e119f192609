#pragma once
// The client's error messages, in one place so they stay consistent: each
// names the endpoint, what failed, and what the user can do about it.
//
// Codes: kUnavailable for network failures and timeouts (retrying may help),
// kUnauthenticated when the server's certificate is not trusted,
// kInvalidArgument for bad options; HTTP error replies of stream() map back
// from their status (404 → kNotFound, ...).

#include <chrono>
#include <string>
#include <string_view>

#include "client/endpoint.h"
#include "common/error.h"

namespace foundry::client {

enum class Phase { kResolve, kConnect, kTls, kWrite, kRead, kStream };

Error transportFailure(const Endpoint& endpoint, Phase phase, std::string_view detail,
                       bool timedOut, std::chrono::milliseconds timeout);

Error tlsVerifyFailure(const Endpoint& endpoint, const std::string& failure);

// An HTTP error reply: uses {"error":{"message","hint","field"}} from Foundry's
// API when the body has it, else the start of the body.
Error httpStatusFailure(const std::string& what, int status, std::string_view body);


}  // namespace foundry::client
