#include "pki/certs.h"

#include <arpa/inet.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace foundry::pki {

namespace {

constexpr int kSerialBytes = 16;
constexpr long kBackdateSeconds = 3600;  // tolerate clients whose clock is a little behind
constexpr std::string_view kHex = "0123456789abcdef";

Result<std::string> textOfIp(const unsigned char* data, int len) {
  std::array<char, INET6_ADDRSTRLEN> buf{};
  int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
  if (family == 0 || ::inet_ntop(family, data, buf.data(), buf.size()) == nullptr) {
    return fail(ErrorCode::kInvalidArgument, "bad IP address length in certificate");
  }
  return std::string(buf.data());
}

// Letters, digits and '-' in dot-separated labels of 1..63 characters that do
// not start or end with '-'; an optional leading "*." wildcard label.
bool plausibleDnsName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  std::string_view rest = name;
  if (rest.starts_with("*.")) rest.remove_prefix(2);
  while (true) {
    std::size_t dot = rest.find('.');
    std::string_view label = rest.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    if (!std::all_of(label.begin(), label.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
        })) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    rest.remove_prefix(dot + 1);
  }
}

Status fromOpenssl(int ok, const std::string& what) {
  if (ok == 1) return {};
  return fail(ErrorCode::kInternal, what + " failed: " + opensslErrors());
}

Status setRandomSerial(X509* cert) {
  std::array<unsigned char, kSerialBytes> raw{};
  if (RAND_bytes(raw.data(), kSerialBytes) != 1) {
    return fail(ErrorCode::kInternal, "random serial: " + opensslErrors());
  }
  raw[0] = static_cast<unsigned char>((raw[0] & 0x7f) | 0x40);  // positive, full length
  BignumPtr bn(BN_bin2bn(raw.data(), kSerialBytes, nullptr));
  if (!bn) return fail(ErrorCode::kInternal, "serial: " + opensslErrors());
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial) return fail(ErrorCode::kInternal, "serial: " + opensslErrors());
  return fromOpenssl(X509_set_serialNumber(cert, serial.get()), "set serial");
}

// New v3 certificate for `key` with subject CN=commonName, a random serial
// and validity [now - backdate, now + days].
Result<X509Ptr> newCertificate(EVP_PKEY* key, const std::string& commonName, int days) {
  X509Ptr cert(X509_new());
  if (!cert) return fail(ErrorCode::kInternal, "X509_new: " + opensslErrors());
  if (auto st = fromOpenssl(X509_set_version(cert.get(), X509_VERSION_3), "set version"); !st) {
    return tl::unexpected(st.error());
  }
  if (auto st = setRandomSerial(cert.get()); !st) return tl::unexpected(st.error());
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr) == nullptr) {
    return fail(ErrorCode::kInternal, "set validity: " + opensslErrors());
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  const std::string cn = commonName.substr(0, 64);
  if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.data()),
                                 static_cast<int>(cn.size()), -1, 0) != 1) {
    return fail(ErrorCode::kInternal, "set subject: " + opensslErrors());
  }
  if (auto st = fromOpenssl(X509_set_pubkey(cert.get(), key), "set public key"); !st) {
    return tl::unexpected(st.error());
  }
  return cert;
}

// Adds extension `nid` with OpenSSL config-syntax `value` (a fixed literal,
// never user input), in the context of issuer/subject.
Status addExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx{};
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  if (!ext) return fail(ErrorCode::kInternal, std::string("extension ") + value + ": " + opensslErrors());
  return fromOpenssl(X509_add_ext(cert, ext.get(), -1), "add extension");
}

Status addSubjectAltNames(X509* cert, const std::vector<SanName>& sans) {
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) return fail(ErrorCode::kInternal, "GENERAL_NAMES_new: " + opensslErrors());
  for (const auto& san : sans) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    if (gn == nullptr) return fail(ErrorCode::kInternal, "GENERAL_NAME_new: " + opensslErrors());
    if (sk_GENERAL_NAME_push(names.get(), gn) == 0) {
      GENERAL_NAME_free(gn);
      return fail(ErrorCode::kInternal, "SAN push: " + opensslErrors());
    }
    if (san.starts_with("IP:")) {
      ASN1_OCTET_STRING* ip = a2i_IPADDRESS(san.c_str() + 3);
      if (ip == nullptr) return fail(ErrorCode::kInvalidArgument, "bad IP address " + san.substr(3));
      GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
    } else {
      const std::string dns = san.substr(4);
      ASN1_IA5STRING* s = ASN1_IA5STRING_new();
      if (s == nullptr) return fail(ErrorCode::kInternal, "ASN1_IA5STRING_new: " + opensslErrors());
      GENERAL_NAME_set0_value(gn, GEN_DNS, s);
      if (ASN1_STRING_set(s, dns.data(), static_cast<int>(dns.size())) != 1) {
        return fail(ErrorCode::kInternal, "SAN value: " + opensslErrors());
      }
    }
  }
  return fromOpenssl(
      X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT),
      "add subjectAltName");
}

Status sign(X509* cert, EVP_PKEY* issuerKey) {
  if (X509_sign(cert, issuerKey, EVP_sha256()) <= 0) {
    return fail(ErrorCode::kInternal, "sign certificate: " + opensslErrors());
  }
  return {};
}

Result<std::string> drain(BIO* bio) {
  std::string out(BIO_ctrl_pending(bio), '\0');
  if (!out.empty() && BIO_read(bio, out.data(), static_cast<int>(out.size())) !=
                          static_cast<int>(out.size())) {
    return fail(ErrorCode::kInternal, "BIO_read: " + opensslErrors());
  }
  return out;
}

}  // namespace

Result<SanName> canonicalSanName(const std::string& name) {
  std::array<unsigned char, 16> addr{};
  if (::inet_pton(AF_INET, name.c_str(), addr.data()) == 1) return "IP:" + *textOfIp(addr.data(), 4);
  if (::inet_pton(AF_INET6, name.c_str(), addr.data()) == 1) {
    return "IP:" + *textOfIp(addr.data(), 16);
  }
  if (!plausibleDnsName(name)) {
    return fail(ErrorCode::kInvalidArgument, "'" + name + "' is neither an IP address nor a DNS name",
                "tls.names", "use names like 192.0.2.10, ::1 or foundry.example");
  }
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return "DNS:" + lower;
}

Result<EvpPkeyPtr> generateP256Key() {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256") != 1 ||
      EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return fail(ErrorCode::kInternal, "generate P-256 key: " + opensslErrors());
  }
  return EvpPkeyPtr(raw);
}

Result<X509Ptr> issueCaCertificate(EVP_PKEY* caKey, const std::string& commonName) {
  auto cert = newCertificate(caKey, commonName, kCaValidityDays);
  if (!cert) return cert;
  X509* c = cert->get();
  if (auto st = fromOpenssl(X509_set_issuer_name(c, X509_get_subject_name(c)), "set issuer"); !st) {
    return tl::unexpected(st.error());
  }
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                            std::pair{NID_subject_key_identifier, "hash"},
                            std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (auto st = addExtension(c, c, nid, value); !st) return tl::unexpected(st.error());
  }
  if (auto st = sign(c, caKey); !st) return tl::unexpected(st.error());
  return cert;
}

Result<X509Ptr> issueServerCertificate(EVP_PKEY* serverKey, X509* ca, EVP_PKEY* caKey,
                                       const std::vector<SanName>& sans) {
  if (sans.empty()) return fail(ErrorCode::kInvalidArgument, "server certificate needs a name");
  const std::string& first = sans.front();
  auto cert = newCertificate(serverKey, first.substr(first.find(':') + 1), kServerValidityDays);
  if (!cert) return cert;
  X509* c = cert->get();
  if (auto st = fromOpenssl(X509_set_issuer_name(c, X509_get_subject_name(ca)), "set issuer"); !st) {
    return tl::unexpected(st.error());
  }
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                            std::pair{NID_key_usage, "critical,digitalSignature"},
                            std::pair{NID_ext_key_usage, "serverAuth"},
                            std::pair{NID_subject_key_identifier, "hash"},
                            std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (auto st = addExtension(c, ca, nid, value); !st) return tl::unexpected(st.error());
  }
  if (auto st = addSubjectAltNames(c, sans); !st) return tl::unexpected(st.error());
  if (auto st = sign(c, caKey); !st) return tl::unexpected(st.error());
  return cert;
}

Result<std::string> certificatePem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return fail(ErrorCode::kInternal, "encode certificate: " + opensslErrors());
  }
  return drain(bio.get());
}

Result<std::string> privateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail(ErrorCode::kInternal, "encode private key: " + opensslErrors());
  }
  return drain(bio.get());
}

Result<X509Ptr> parseCertificatePem(const std::string& pem, const std::string& what) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    std::string detail = opensslErrors();
    return fail(ErrorCode::kIo, what + " is not a valid PEM certificate" +
                                    (detail.empty() ? "" : " (" + detail + ")"));
  }
  return cert;
}

Result<EvpPkeyPtr> parsePrivateKeyPem(const std::string& pem, const std::string& what) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    std::string detail = opensslErrors();
    return fail(ErrorCode::kIo, what + " is not a valid unencrypted PEM private key" +
                                    (detail.empty() ? "" : " (" + detail + ")"));
  }
  return key;
}

std::vector<SanName> subjectAltNames(X509* cert) {
  std::vector<SanName> out;
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    int type = 0;
    const auto* value = static_cast<const ASN1_STRING*>(GENERAL_NAME_get0_value(gn, &type));
    if (value == nullptr) continue;
    const unsigned char* data = ASN1_STRING_get0_data(value);
    int len = ASN1_STRING_length(value);
    if (type == GEN_IPADD) {
      if (auto text = textOfIp(data, len)) out.push_back("IP:" + *text);
    } else if (type == GEN_DNS) {
      std::string dns(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len));
      if (auto canon = canonicalSanName(dns); canon && canon->starts_with("DNS:")) {
        out.push_back(*canon);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> fingerprintOf(X509* cert) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md.data(), &len) != 1) {
    return fail(ErrorCode::kInternal, "certificate digest: " + opensslErrors());
  }
  std::string out = "sha256:";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0x0f];
  }
  return out;
}

bool expiresBefore(X509* cert, std::time_t when) {
  return X509_cmp_time(X509_get0_notAfter(cert), &when) < 0;
}

bool issuedBy(X509* cert, X509* ca) {
  EVP_PKEY* caPub = X509_get0_pubkey(ca);
  return caPub != nullptr && X509_check_issued(ca, cert) == X509_V_OK &&
         X509_verify(cert, caPub) == 1;
}

}  // namespace foundry::pki
