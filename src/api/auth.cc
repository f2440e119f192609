#include "api/auth.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <strings.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "pki/crypto.h"
#include "pki/files.h"

namespace foundry::api {
namespace {

constexpr std::string_view kPrefix = "fdy_";

struct ParsedToken {
  std::string id;
  std::string secret;
};

std::optional<ParsedToken> parseToken(std::string_view token) {
  if (token.rfind(kPrefix, 0) != 0) return std::nullopt;
  token.remove_prefix(kPrefix.size());
  auto sep = token.find('_');
  if (sep == std::string_view::npos || sep == 0 || sep > 64) return std::nullopt;
  ParsedToken p{std::string(token.substr(0, sep)), std::string(token.substr(sep + 1))};
  if (p.secret.size() < 16 || p.secret.size() > 128) return std::nullopt;
  return p;
}

}  // namespace

std::string_view roleName(Role role) { return role == Role::kAdmin ? "admin" : "viewer"; }

Result<Role> parseRole(const std::string& name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "viewer") return Role::kViewer;
  return fail(ErrorCode::kInvalidArgument, "unknown role '" + name + "'", "role",
              "use admin or viewer");
}

Result<Principal> Authenticator::authenticate(const std::string& authorization) const {
  if (authorization.empty()) {
    return fail(ErrorCode::kUnauthenticated, "this route needs a bearer token", {},
                "send 'Authorization: Bearer <token>' (the admin token is in <data_dir>/admin.token)");
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      strncasecmp(authorization.c_str(), "bearer ", kBearer.size()) != 0) {
    return fail(ErrorCode::kUnauthenticated, "Authorization must use the Bearer scheme", {},
                "send 'Authorization: Bearer <token>'");
  }
  auto parsed = parseToken(std::string_view(authorization).substr(kBearer.size()));
  if (!parsed) {
    return fail(ErrorCode::kUnauthenticated, "malformed token", {},
                "tokens look like fdy_<id>_<secret>; check for truncation");
  }
  auto obj = store_.get("Token", parsed->id);
  if (!obj) {
    if (obj.error().code == ErrorCode::kNotFound) {
      return fail(ErrorCode::kUnauthenticated, "unknown or revoked token", {},
                  "create a new token with 'foundry token create'");
    }
    return tl::unexpected(obj.error());
  }
  const auto& spec = obj->spec;
  std::string hash = spec.value("hash", "");
  if (!pki::constantTimeEquals(hash, pki::sha256Hex(parsed->secret))) {
    return fail(ErrorCode::kUnauthenticated, "unknown or revoked token", {},
                "create a new token with 'foundry token create'");
  }
  int64_t expires = spec.value("expiresMs", int64_t{0});
  if (expires != 0 && clock_.nowMs() >= expires) {
    return fail(ErrorCode::kUnauthenticated, "token expired", {},
                "create a new token with 'foundry token create'");
  }
  auto role = parseRole(spec.value("role", "viewer"));
  if (!role) return tl::unexpected(role.error());
  return Principal{spec.value("principal", "token:" + parsed->id), *role, parsed->id};
}

Result<IssuedToken> Authenticator::issue(const std::string& principalName, Role role,
                                         int64_t ttlMs, const std::string& description,
                                         const std::string& issuedBy) {
  auto idBytes = pki::randomToken(9);
  auto secret = pki::randomToken(32);
  if (!idBytes || !secret) return fail(ErrorCode::kInternal, "random source failed");
  // base64url may contain '_' which separates id and secret; map it in the id.
  std::string id = *idBytes;
  for (char& c : id) {
    if (c == '_') c = 'x';
  }
  return issueWithId(id, *secret, principalName, role, ttlMs, description, issuedBy);
}

Result<IssuedToken> Authenticator::issueWithId(const std::string& id, const std::string& secret,
                                               const std::string& principalName, Role role,
                                               int64_t ttlMs, const std::string& description,
                                               const std::string& issuedBy) {
  const std::string principal = principalName.empty() ? "token:" + id : principalName;
  IssuedToken t{id, std::string(kPrefix) + id + "_" + secret,
                ttlMs == 0 ? 0 : clock_.nowMs() + ttlMs};
  store::Object obj;
  obj.kind = "Token";
  obj.key = id;
  obj.spec = {{"hash", pki::sha256Hex(secret)},
              {"principal", principal},
              {"role", roleName(role)},
              {"expiresMs", t.expiresMs},
              {"description", description}};
  auto created = store_.create(obj, issuedBy);
  if (!created) return tl::unexpected(created.error());
  return t;
}

Result<bool> Authenticator::ensureAdminCredential(const std::string& path) {
  auto existing = store_.get("Token", kAdminTokenId);
  if (existing) return false;
  if (existing.error().code != ErrorCode::kNotFound) return tl::unexpected(existing.error());
  auto secret = pki::randomToken(32);
  if (!secret) return fail(ErrorCode::kInternal, "random source failed");
  auto issued = issueWithId(kAdminTokenId, *secret, "admin", Role::kAdmin, 0,
                            "bootstrap admin credential", "foundryd");
  if (!issued) return tl::unexpected(issued.error());
  if (auto ok = pki::writeFileAtomic(path, issued->clear + "\n", 0600); !ok) {
    return tl::unexpected(ok.error());
  }
  return true;
}

Status Authenticator::rotateAdmin(const std::string& path) {
  auto removed = store_.remove("Token", kAdminTokenId, std::nullopt, "foundryd");
  if (!removed && removed.error().code != ErrorCode::kNotFound) {
    return tl::unexpected(removed.error());
  }
  auto created = ensureAdminCredential(path);
  if (!created) return tl::unexpected(created.error());
  return {};
}

}  // namespace foundry::api
