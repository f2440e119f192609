#pragma once
// API authentication: bearer tokens of the form fdy_<id>_<secret>. Only the
// SHA-256 of the secret is stored (in a Token object keyed by <id>); the clear
// value is shown once, when issued. Tokens are 256-bit random, so a fast hash
// is enough: there is nothing to brute-force.

#include <optional>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "store/store.h"

namespace foundry::api {

enum class Role { kAdmin, kViewer };
std::string_view roleName(Role role);
Result<Role> parseRole(const std::string& name);

struct Principal {
  std::string name;  // "admin", "token:<id>"
  Role role = Role::kViewer;
  std::string tokenId;
};

struct IssuedToken {
  std::string id;
  std::string clear;  // fdy_<id>_<secret>; never stored or logged
  int64_t expiresMs = 0;  // 0 = never
};

class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Checks an Authorization header value ("Bearer fdy_..."). Errors are
  // kUnauthenticated with a message saying whether the token is missing,
  // malformed, unknown, revoked or expired.
  Result<Principal> authenticate(const std::string& authorization) const;

  // Issues a token. ttlMs 0 = no expiry (only for the bootstrap admin).
  Result<IssuedToken> issue(const std::string& principalName, Role role, int64_t ttlMs,
                            const std::string& description, const std::string& issuedBy);

  // At first start: creates the admin credential and writes its clear value
  // to `path` (mode 0600, created exclusively). Returns true if it created one.
  // If the credential exists already, does nothing (the clear value was
  // written once and is not recoverable; rotate with rotateAdmin).
  Result<bool> ensureAdminCredential(const std::string& path);

  // Replaces the admin credential and rewrites `path`.
  Status rotateAdmin(const std::string& path);

 private:
  Result<IssuedToken> issueWithId(const std::string& id, const std::string& secret,
                                  const std::string& principalName, Role role, int64_t ttlMs,
                                  const std::string& description, const std::string& issuedBy);

  store::Store& store_;
  const Clock& clock_;
};

inline constexpr const char* kAdminTokenId = "admin";

}  // namespace foundry::api
