#pragma once
// Building blocks for Foundry's CA (internal to pki; tests may use them):
// P-256 keys, CA and server certificates, PEM conversion and inspection.
// All functions are thread-safe; none touch the filesystem.

#include <ctime>
#include <string>
#include <vector>

#include "common/error.h"
#include "pki/ossl.h"

namespace foundry::pki {

inline constexpr int kCaValidityDays = 3650;
inline constexpr int kServerValidityDays = 730;

// A subjectAltName in canonical text form: "IP:127.0.0.1", "IP:::1" or
// "DNS:foundry.example" (DNS names lower-cased).
using SanName = std::string;

// Classifies and canonicalises a user-given name; kInvalidArgument when it is
// neither an IP address nor a plausible DNS name (letters, digits, '-', '.',
// a leading "*." wildcard).
Result<SanName> canonicalSanName(const std::string& name);

Result<EvpPkeyPtr> generateP256Key();

// Self-signed CA: CA:TRUE (critical), keyCertSign|cRLSign, random serial.
Result<X509Ptr> issueCaCertificate(EVP_PKEY* caKey, const std::string& commonName);

// Server certificate for `serverKey`, signed by ca/caKey: CA:FALSE,
// digitalSignature, serverAuth, SANs from `sans` (canonical form).
Result<X509Ptr> issueServerCertificate(EVP_PKEY* serverKey, X509* ca, EVP_PKEY* caKey,
                                       const std::vector<SanName>& sans);

Result<std::string> certificatePem(X509* cert);
Result<std::string> privateKeyPem(EVP_PKEY* key);  // unencrypted PKCS#8

// Parse the first certificate / private key in `pem`; `what` names the
// source in error messages (usually the file path).
Result<X509Ptr> parseCertificatePem(const std::string& pem, const std::string& what);
Result<EvpPkeyPtr> parsePrivateKeyPem(const std::string& pem, const std::string& what);

// subjectAltNames (DNS and IP entries) of `cert`, canonical form, sorted.
std::vector<SanName> subjectAltNames(X509* cert);

// "sha256:<64 lowercase hex>" of the DER encoding.
Result<std::string> fingerprintOf(X509* cert);

// True when cert's notAfter is before `when`.
bool expiresBefore(X509* cert, std::time_t when);

// True when `cert` was signed by `ca`'s key and names it as issuer.
bool issuedBy(X509* cert, X509* ca);

}  // namespace foundry::pki
