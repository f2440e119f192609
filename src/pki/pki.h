#pragma once
// Foundry's own certificate authority: at first start foundryd creates a CA
// and a server certificate signed by it (ECDSA P-256), unless the operator
// configured their own. Clients pin the CA by file or by fingerprint.

#include <string>
#include <vector>

#include "common/error.h"

namespace foundry::pki {

struct ServerTlsPaths {
  std::string caCert;      // <dir>/ca.crt
  std::string caKey;       // <dir>/ca.key (0600)
  std::string serverCert;  // <dir>/server.crt (chain: server then CA)
  std::string serverKey;   // <dir>/server.key (0600)
};

// Creates the CA and server certificate in `dir` if absent; reuses them when
// present. `names` are subjectAltNames for the server cert: IP addresses and
// DNS names (e.g. "127.0.0.1", "localhost", "foundry.example"). If existing
// server cert lacks one of names, a new server cert is issued by the same CA.
Result<ServerTlsPaths> ensureServerCertificates(const std::string& dir,
                                                const std::vector<std::string>& names);

// "sha256:" + lowercase hex of the SHA-256 of the certificate's DER encoding.
Result<std::string> certificateFingerprint(const std::string& pemPath);

// Normalises a user-typed fingerprint ("SHA256:AB:CD..." or "abcd...") to the
// form certificateFingerprint returns; kInvalidArgument if malformed.
Result<std::string> normaliseFingerprint(const std::string& text);

}  // namespace foundry::pki
