#pragma once
// Small cryptographic helpers for API tokens: tokens are random, shown to the
// user once, and stored only as their SHA-256; comparisons of secrets or their
// hashes are constant-time. Thread-safe (OpenSSL's RNG is).

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.h"

namespace foundry::pki {

// `bytes` random bytes from OpenSSL's CSPRNG, base64url-encoded without
// padding. kInternal when the RNG fails (e.g. not seeded). REQUIRES: bytes <= 4096.
Result<std::string> randomToken(std::size_t bytes);

// Lowercase hex SHA-256 of `data` (64 characters).
std::string sha256Hex(std::string_view data);

// True when a and b are equal; the time taken depends only on the lengths.
bool constantTimeEquals(std::string_view a, std::string_view b);

// base64url (RFC 4648 §5) without padding; exposed for tests.
std::string base64UrlEncode(std::string_view data);

}  // namespace foundry::pki
