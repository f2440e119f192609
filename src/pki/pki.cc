#include "pki/pki.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "common/log.h"
#include "pki/certs.h"
#include "pki/crypto.h"
#include "pki/files.h"

namespace foundry::pki {

namespace {

constexpr mode_t kKeyMode = 0600;
constexpr mode_t kCertMode = 0644;
constexpr std::time_t kRenewBeforeSeconds = 30L * 24 * 3600;

struct CaMaterial {
  X509Ptr cert;
  EvpPkeyPtr key;
};

ServerTlsPaths pathsIn(const std::string& dir) {
  return {dir + "/ca.crt", dir + "/ca.key", dir + "/server.crt", dir + "/server.key"};
}

Error corrupt(Error e, const std::string& hint) {
  e.hint = hint;
  return e;
}

std::string caRecoveryHint(const ServerTlsPaths& p) {
  return "restore " + p.caCert + " and " + p.caKey +
         " from a backup; to start over with a new CA remove both files (every client pinned "
         "to the old CA fingerprint must then be given the new one)";
}

Result<CaMaterial> createCa(const ServerTlsPaths& p) {
  auto key = generateP256Key();
  if (!key) return tl::unexpected(key.error());
  auto suffix = randomToken(6);
  if (!suffix) return tl::unexpected(suffix.error());
  auto cert = issueCaCertificate(key->get(), "Foundry CA " + *suffix);
  if (!cert) return tl::unexpected(cert.error());
  auto keyPem = privateKeyPem(key->get());
  auto certPem = certificatePem(cert->get());
  if (!keyPem) return tl::unexpected(keyPem.error());
  if (!certPem) return tl::unexpected(certPem.error());
  // Key first: ca.crt existing implies ca.key was fully written before it.
  if (auto st = writeFileAtomic(p.caKey, *keyPem, kKeyMode); !st) return tl::unexpected(st.error());
  if (auto st = writeFileAtomic(p.caCert, *certPem, kCertMode); !st) {
    return tl::unexpected(st.error());
  }
  log::info("pki.ca_created", {{"path", p.caCert}, {"fingerprint", *fingerprintOf(cert->get())}});
  return CaMaterial{std::move(*cert), std::move(*key)};
}

Result<CaMaterial> loadOrCreateCa(const ServerTlsPaths& p) {
  auto haveCert = fileExists(p.caCert);
  if (!haveCert) return tl::unexpected(haveCert.error());
  // No ca.crt means no client can have pinned this CA yet (ca.crt is written
  // last), so creating one is safe even if an orphaned ca.key is present.
  if (!*haveCert) return createCa(p);

  const std::string hint = caRecoveryHint(p);
  auto certPem = readSmallFile(p.caCert);
  if (!certPem) return tl::unexpected(corrupt(certPem.error(), hint));
  auto cert = parseCertificatePem(*certPem, "CA certificate " + p.caCert);
  if (!cert) return tl::unexpected(corrupt(cert.error(), hint));
  auto keyPem = readSmallFile(p.caKey);
  if (!keyPem) return tl::unexpected(corrupt(keyPem.error(), hint));
  auto key = parsePrivateKeyPem(*keyPem, "CA key " + p.caKey);
  if (!key) return tl::unexpected(corrupt(key.error(), hint));
  if (X509_check_private_key(cert->get(), key->get()) != 1) {
    opensslErrors();  // clear the queue
    return fail(ErrorCode::kConflict, "CA key " + p.caKey + " does not belong to " + p.caCert, {},
                hint);
  }
  return CaMaterial{std::move(*cert), std::move(*key)};
}

// Why the existing server certificate cannot be reused; empty when it can.
std::string reissueReason(X509* cert, EVP_PKEY* key, const CaMaterial& ca,
                          std::vector<SanName> wanted) {
  std::sort(wanted.begin(), wanted.end());
  if (X509_check_private_key(cert, key) != 1) {
    opensslErrors();
    return "key_mismatch";
  }
  if (!issuedBy(cert, ca.cert.get())) {
    opensslErrors();
    return "other_issuer";
  }
  if (subjectAltNames(cert) != wanted) return "names_changed";
  if (expiresBefore(cert, std::time(nullptr) + kRenewBeforeSeconds)) return "expiring";
  return {};
}

Status issueServer(const ServerTlsPaths& p, const CaMaterial& ca, const std::vector<SanName>& sans,
                   const std::string& reason) {
  auto key = generateP256Key();
  if (!key) return tl::unexpected(key.error());
  auto cert = issueServerCertificate(key->get(), ca.cert.get(), ca.key.get(), sans);
  if (!cert) return tl::unexpected(cert.error());
  auto keyPem = privateKeyPem(key->get());
  auto leafPem = certificatePem(cert->get());
  auto caPem = certificatePem(ca.cert.get());
  if (!keyPem || !leafPem || !caPem) {
    return fail(ErrorCode::kInternal, "cannot encode server certificate: " + opensslErrors());
  }
  // Key first: a crash in between leaves a key/cert mismatch, which the next
  // start detects and repairs by reissuing.
  if (auto st = writeFileAtomic(p.serverKey, *keyPem, kKeyMode); !st) return st;
  if (auto st = writeFileAtomic(p.serverCert, *leafPem + *caPem, kCertMode); !st) return st;
  log::info("pki.server_cert_issued", {{"path", p.serverCert}, {"reason", reason}});
  return {};
}

Status ensureServer(const ServerTlsPaths& p, const CaMaterial& ca, const std::vector<SanName>& sans) {
  auto haveCert = fileExists(p.serverCert);
  auto haveKey = fileExists(p.serverKey);
  if (!haveCert) return tl::unexpected(haveCert.error());
  if (!haveKey) return tl::unexpected(haveKey.error());
  if (!*haveCert || !*haveKey) return issueServer(p, ca, sans, "missing");

  const std::string hint = "remove " + p.serverCert + " and " + p.serverKey +
                           " to have a new server certificate issued by the existing CA";
  auto certPem = readSmallFile(p.serverCert);
  if (!certPem) return tl::unexpected(corrupt(certPem.error(), hint));
  auto cert = parseCertificatePem(*certPem, "server certificate " + p.serverCert);
  if (!cert) return tl::unexpected(corrupt(cert.error(), hint));
  auto keyPem = readSmallFile(p.serverKey);
  if (!keyPem) return tl::unexpected(corrupt(keyPem.error(), hint));
  auto key = parsePrivateKeyPem(*keyPem, "server key " + p.serverKey);
  if (!key) return tl::unexpected(corrupt(key.error(), hint));

  std::string reason = reissueReason(cert->get(), key->get(), ca, sans);
  if (reason.empty()) return {};
  return issueServer(p, ca, sans, reason);
}

}  // namespace

Result<ServerTlsPaths> ensureServerCertificates(const std::string& dir,
                                                const std::vector<std::string>& names) {
  if (names.empty()) {
    return fail(ErrorCode::kInvalidArgument, "the server certificate needs at least one name",
                "tls.names", "list the addresses and DNS names clients use to reach foundryd");
  }
  // Operator's order, without duplicates: the first name becomes the CN.
  std::vector<SanName> sans;
  for (const auto& name : names) {
    auto san = canonicalSanName(name);
    if (!san) return tl::unexpected(san.error());
    if (std::find(sans.begin(), sans.end(), *san) == sans.end()) sans.push_back(*san);
  }

  if (auto st = ensurePrivateDirectory(dir); !st) return tl::unexpected(st.error());
  ServerTlsPaths paths = pathsIn(dir);
  auto ca = loadOrCreateCa(paths);
  if (!ca) return tl::unexpected(ca.error());
  if (auto st = ensureServer(paths, *ca, sans); !st) return tl::unexpected(st.error());
  return paths;
}

Result<std::string> certificateFingerprint(const std::string& pemPath) {
  auto pem = readSmallFile(pemPath);
  if (!pem) return tl::unexpected(pem.error());
  auto cert = parseCertificatePem(*pem, pemPath);
  if (!cert) return tl::unexpected(cert.error());
  return fingerprintOf(cert->get());
}

Result<std::string> normaliseFingerprint(const std::string& text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view rest = lower;
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);
  // Accept "sha256:", "sha256=" and openssl's "sha256 fingerprint=".
  for (std::string_view prefix : {"sha256 fingerprint=", "sha256:", "sha256="}) {
    if (rest.starts_with(prefix)) {
      rest.remove_prefix(prefix.size());
      break;
    }
  }
  std::string hex;
  for (char c : rest) {
    if (c == ':' || std::isspace(static_cast<unsigned char>(c))) continue;
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0 || hex.size() == 64) {
      return fail(ErrorCode::kInvalidArgument, "malformed certificate fingerprint '" + text + "'",
                  "ca_fingerprint", "expected sha256: followed by 64 hex digits (colons allowed)");
    }
    hex += c;
  }
  if (hex.size() != 64) {
    return fail(ErrorCode::kInvalidArgument,
                "certificate fingerprint '" + text + "' has " + std::to_string(hex.size()) +
                    " hex digits, expected 64 (SHA-256)",
                "ca_fingerprint", "copy the fingerprint printed by 'foundryd' or 'openssl x509 -fingerprint -sha256'");
  }
  return "sha256:" + hex;
}

}  // namespace foundry::pki
