#include "client/tls.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "pki/certs.h"
#include "pki/ossl.h"
#include "pki/pki.h"

namespace foundry::client {

namespace {

using pki::X509StoreCtxPtr;
using pki::X509StorePtr;

std::string namesOf(X509* cert) {
  std::string out;
  for (const auto& name : pki::subjectAltNames(cert)) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "no subjectAltNames" : out;
}

std::string describe(int err, X509* leaf, const TlsVerifier& v) {
  switch (err) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return "server certificate is not valid for '" + v.host + "' (it names " +
             (leaf != nullptr ? namesOf(leaf) : std::string("nothing")) +
             "); connect using one of those names or add '" + v.host +
             "' to the server's TLS names";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "server certificate has expired; renew it on the server or check this machine's clock";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "server certificate is not valid yet; check the clocks of this machine and the server";
    default:
      break;
  }
  const std::string reason = X509_verify_cert_error_string(err);
  switch (v.mode) {
    case TlsVerifier::Mode::kPinned:
      return "server certificate chain does not verify up to the CA with fingerprint " + v.pin +
             " (" + reason + "); check --ca-fingerprint or use --ca-file";
    case TlsVerifier::Mode::kCaFile:
      return "server certificate is not signed by a CA in " + v.caFile + " (" + reason +
             "); check --ca-file or use --ca-fingerprint";
    default:
      return "server certificate is not trusted by the system CA store (" + reason +
             "); pass --ca-file or --ca-fingerprint for a Foundry-issued certificate";
  }
}

// Finds the certificate with the pinned fingerprint among those presented.
X509* findPinned(X509* leaf, STACK_OF(X509)* chain, const std::string& pin, std::string& seen) {
  auto matches = [&](X509* cert) {
    auto fp = pki::fingerprintOf(cert);
    if (!fp) return false;
    seen += (seen.empty() ? "" : ", ") + *fp;
    return *fp == pin;
  };
  if (leaf != nullptr && matches(leaf)) return leaf;
  const int n = chain != nullptr ? sk_X509_num(chain) : 0;
  for (int i = 0; i < n; ++i) {
    X509* cert = sk_X509_value(chain, i);
    if (matches(cert)) return cert;
  }
  return nullptr;
}

int verifyPinned(X509_STORE_CTX* ctx, TlsVerifier& v) {
  X509* leaf = X509_STORE_CTX_get0_cert(ctx);
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_untrusted(ctx);
  std::string seen;
  X509* anchor = findPinned(leaf, chain, v.pin, seen);
  if (anchor == nullptr) {
    v.failure = "server certificate is not signed by the CA with fingerprint " + v.pin +
                " (the server presented " + (seen.empty() ? "no certificates" : seen) +
                "); check --ca-fingerprint or use --ca-file";
    X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_UNTRUSTED);
    return 0;
  }
  // Verify again with the pinned certificate as the only trust anchor;
  // PARTIAL_CHAIN lets the anchor be an intermediate or the leaf itself.
  X509StorePtr store(X509_STORE_new());
  X509StoreCtxPtr pinned(X509_STORE_CTX_new());
  if (!store || !pinned || X509_STORE_add_cert(store.get(), anchor) != 1 ||
      X509_STORE_CTX_init(pinned.get(), store.get(), leaf, chain) != 1 ||
      X509_STORE_CTX_set_default(pinned.get(), "ssl_server") != 1) {
    v.failure = "cannot set up certificate verification: " + pki::opensslErrors();
    X509_STORE_CTX_set_error(ctx, X509_V_ERR_UNSPECIFIED);
    return 0;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(pinned.get());
  X509_VERIFY_PARAM_set1(param, X509_STORE_CTX_get0_param(ctx));  // host/IP check, purpose
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_verify_cert(pinned.get()) == 1) return 1;
  const int err = X509_STORE_CTX_get_error(pinned.get());
  v.failure = describe(err, leaf, v);
  X509_STORE_CTX_set_error(ctx, err);
  return 0;
}

// SSL_CTX_set_cert_verify_callback hook: replaces OpenSSL's chain check so
// that failures carry a message a user can act on.
int verifyCallback(X509_STORE_CTX* ctx, void* arg) {
  auto& v = *static_cast<TlsVerifier*>(arg);
  v.failure.clear();
  if (v.mode == TlsVerifier::Mode::kInsecure) return 1;
  if (v.mode == TlsVerifier::Mode::kPinned) return verifyPinned(ctx, v);
  if (X509_verify_cert(ctx) == 1) return 1;
  v.failure = describe(X509_STORE_CTX_get_error(ctx), X509_STORE_CTX_get0_cert(ctx), v);
  return 0;
}

}  // namespace

Result<TlsVerifier> makeVerifier(const std::string& caFile, const std::string& caFingerprint,
                                 bool insecure, const std::string& host) {
  TlsVerifier v;
  v.host = host;
  if (insecure) {
    v.mode = TlsVerifier::Mode::kInsecure;
    return v;
  }
  if (!caFile.empty() && !caFingerprint.empty()) {
    return fail(ErrorCode::kInvalidArgument, "both a CA file and a CA fingerprint were given",
                "ca_fingerprint", "use either --ca-file or --ca-fingerprint");
  }
  if (!caFingerprint.empty()) {
    auto pin = pki::normaliseFingerprint(caFingerprint);
    if (!pin) return tl::unexpected(pin.error());
    v.mode = TlsVerifier::Mode::kPinned;
    v.pin = *pin;
  } else if (!caFile.empty()) {
    v.mode = TlsVerifier::Mode::kCaFile;
    v.caFile = caFile;
  }
  return v;
}

Status configureTlsContext(SSL_CTX* ctx, TlsVerifier& verifier) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (verifier.mode == TlsVerifier::Mode::kCaFile &&
      SSL_CTX_load_verify_locations(ctx, verifier.caFile.c_str(), nullptr) != 1) {
    return fail(ErrorCode::kInvalidArgument,
                "cannot load CA file " + verifier.caFile + ": " + pki::opensslErrors(), "ca_file",
                "pass the PEM file with Foundry's CA certificate (ca.crt in the server's TLS directory)");
  }
  if (verifier.mode == TlsVerifier::Mode::kSystem && SSL_CTX_set_default_verify_paths(ctx) != 1) {
    return fail(ErrorCode::kInternal, "cannot load the system CA store: " + pki::opensslErrors());
  }
  SSL_CTX_set_verify(ctx,
                     verifier.mode == TlsVerifier::Mode::kInsecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
                     nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, &verifyCallback, &verifier);
  return {};
}

Status configureTlsConnection(SSL* ssl, const Endpoint& endpoint) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  int ok = 1;
  if (endpoint.hostIsIp) {
    ok = X509_VERIFY_PARAM_set1_ip_asc(param, endpoint.host.c_str());
  } else {
    // SNI (the macro SSL_set_tlsext_host_name spelled out, minus its C cast).
    ok = static_cast<int>(SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                   const_cast<char*>(endpoint.host.c_str()))) == 1 &&
                 SSL_set1_host(ssl, endpoint.host.c_str()) == 1
             ? 1
             : 0;
  }
  if (ok != 1) {
    return fail(ErrorCode::kInternal, "cannot set TLS peer name: " + pki::opensslErrors());
  }
  return {};
}

}  // namespace foundry::client
