#pragma once
// How a Client decides to trust a server. Plain OpenSSL (no Asio), so the
// policy can be read and tested on its own.
//
// Modes:
//  - kCaFile: standard chain verification against the PEM bundle in caFile.
//  - kPinned: accept only if some certificate the server presented has the
//    pinned SHA-256 fingerprint and the chain verifies up to it.
//  - kSystem: standard verification against the system trust store (no CA
//    file or fingerprint given).
//  - kInsecure: no verification (only when ClientOptions::insecure is set).
// In every verifying mode the certificate must name the endpoint host (DNS
// name or IP address).

#include <openssl/ssl.h>

#include <string>

#include "client/endpoint.h"
#include "common/error.h"

namespace foundry::client {

struct TlsVerifier {
  enum class Mode { kCaFile, kPinned, kSystem, kInsecure };
  Mode mode = Mode::kSystem;
  std::string caFile;
  std::string pin;   // normalised "sha256:<hex>"
  std::string host;  // endpoint host, for messages
  // Written by the verification callback during a handshake: why the server
  // was rejected, in words a user can act on. Empty when not rejected.
  std::string failure;
};

// Chooses the mode from the options; kInvalidArgument for a malformed
// fingerprint or when both a CA file and a fingerprint are given.
Result<TlsVerifier> makeVerifier(const std::string& caFile, const std::string& caFingerprint,
                                 bool insecure, const std::string& host);

// Loads trust anchors and installs the verification callback. REQUIRES:
// `verifier` outlives every connection made with `ctx` (the callback keeps a
// pointer to it).
Status configureTlsContext(SSL_CTX* ctx, TlsVerifier& verifier);

// Per connection: SNI for DNS names and the host/IP identity check.
Status configureTlsConnection(SSL* ssl, const Endpoint& endpoint);

}  // namespace foundry::client
