#include "pki/pki.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pki/certs.h"

namespace foundry::pki {
namespace {

struct CommandResult {
  int rc = -1;
  std::string output;
};

// Runs a shell command (stdout and stderr captured). Test-only.
CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.output.append(buf, n);
  int status = ::pclose(pipe);
  result.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class PkiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/foundry-pki-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/tls";  // not yet existing: ensureServerCertificates creates it
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  ServerTlsPaths ensure(const std::vector<std::string>& names) {
    auto paths = ensureServerCertificates(dir_, names);
    EXPECT_TRUE(paths) << paths.error().describe();
    return paths.value_or(ServerTlsPaths{});
  }

  std::string root_;
  std::string dir_;
};

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST_F(PkiTest, GeneratedChainVerifiesWithOpensslCli) {
  auto p = ensure({"127.0.0.1", "localhost", "::1", "Foundry.Example"});
  auto verify = run("openssl verify -CAfile " + p.caCert + " " + p.serverCert);
  EXPECT_EQ(verify.rc, 0) << verify.output;
  EXPECT_NE(verify.output.find(": OK"), std::string::npos) << verify.output;
  auto verifyPurpose =
      run("openssl verify -purpose sslserver -CAfile " + p.caCert + " " + p.serverCert);
  EXPECT_EQ(verifyPurpose.rc, 0) << verifyPurpose.output;
  // The private key belongs to the leaf (first) certificate of the chain file.
  auto certPub = run("openssl x509 -in " + p.serverCert + " -noout -pubkey");
  auto keyPub = run("openssl pkey -in " + p.serverKey + " -pubout");
  EXPECT_EQ(certPub.output, keyPub.output);
}

TEST_F(PkiTest, CertificatesCarryTheRequiredExtensions) {
  auto p = ensure({"127.0.0.1", "localhost", "::1"});
  auto server = run("openssl x509 -in " + p.serverCert + " -noout -text");
  ASSERT_EQ(server.rc, 0) << server.output;
  EXPECT_NE(server.output.find("IP Address:127.0.0.1"), std::string::npos) << server.output;
  EXPECT_NE(server.output.find("IP Address:0:0:0:0:0:0:0:1"), std::string::npos) << server.output;
  EXPECT_NE(server.output.find("DNS:localhost"), std::string::npos) << server.output;
  EXPECT_NE(server.output.find("TLS Web Server Authentication"), std::string::npos);
  EXPECT_NE(server.output.find("CA:FALSE"), std::string::npos);
  EXPECT_NE(server.output.find("ASN1 OID: prime256v1"), std::string::npos);
  auto ca = run("openssl x509 -in " + p.caCert + " -noout -text");
  EXPECT_NE(ca.output.find("CA:TRUE"), std::string::npos) << ca.output;
  EXPECT_NE(ca.output.find("Certificate Sign"), std::string::npos) << ca.output;
  EXPECT_NE(ca.output.find("Subject: CN = Foundry CA "), std::string::npos) << ca.output;
  auto serial = run("openssl x509 -in " + p.caCert + " -noout -serial");
  EXPECT_GE(serial.output.size(), std::string("serial=\n").size() + 32) << serial.output;
}

TEST_F(PkiTest, KeysArePrivateAndDirectoryIs0700) {
  auto p = ensure({"127.0.0.1"});
  EXPECT_EQ(modeOf(dir_), 0700u);
  EXPECT_EQ(modeOf(p.caKey), 0600u);
  EXPECT_EQ(modeOf(p.serverKey), 0600u);
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

TEST_F(PkiTest, SecondCallReusesEverything) {
  auto first = ensure({"127.0.0.1", "localhost"});
  auto caFp = certificateFingerprint(first.caCert);
  auto serverFp = certificateFingerprint(first.serverCert);
  ASSERT_TRUE(caFp && serverFp);
  // Same set of names in another order and spelling is not a change.
  auto second = ensure({"LOCALHOST", "127.0.0.1", "localhost"});
  EXPECT_EQ(certificateFingerprint(second.caCert).value(), *caFp);
  EXPECT_EQ(certificateFingerprint(second.serverCert).value(), *serverFp);
}

TEST_F(PkiTest, ChangedNamesReissueServerFromSameCa) {
  auto first = ensure({"127.0.0.1"});
  auto caFp = certificateFingerprint(first.caCert).value();
  auto serverFp = certificateFingerprint(first.serverCert).value();
  auto second = ensure({"127.0.0.1", "foundry.example"});
  EXPECT_EQ(certificateFingerprint(second.caCert).value(), caFp);
  EXPECT_NE(certificateFingerprint(second.serverCert).value(), serverFp);
  auto text = run("openssl x509 -in " + second.serverCert + " -noout -text");
  EXPECT_NE(text.output.find("DNS:foundry.example"), std::string::npos) << text.output;
  EXPECT_EQ(run("openssl verify -CAfile " + second.caCert + " " + second.serverCert).rc, 0);
}

TEST_F(PkiTest, MismatchedServerKeyIsRepaired) {
  auto first = ensure({"127.0.0.1"});
  // Simulates a crash between writing the new key and the new certificate.
  auto otherKey = generateP256Key().value();
  std::ofstream(first.serverKey, std::ios::trunc) << privateKeyPem(otherKey.get()).value();
  auto second = ensure({"127.0.0.1"});
  auto certPub = run("openssl x509 -in " + second.serverCert + " -noout -pubkey");
  auto keyPub = run("openssl pkey -in " + second.serverKey + " -pubout");
  EXPECT_EQ(certPub.output, keyPub.output);
}

TEST_F(PkiTest, FingerprintMatchesOpensslCli) {
  auto p = ensure({"127.0.0.1"});
  auto cli = run("openssl x509 -in " + p.caCert + " -noout -fingerprint -sha256");
  ASSERT_EQ(cli.rc, 0) << cli.output;
  auto expected = normaliseFingerprint(cli.output);
  ASSERT_TRUE(expected) << cli.output;
  EXPECT_EQ(certificateFingerprint(p.caCert).value(), *expected);
}

TEST_F(PkiTest, CorruptCaIsAnErrorAndNotRegenerated) {
  auto p = ensure({"127.0.0.1"});
  std::ofstream(p.caCert, std::ios::trunc) << "-----BEGIN CERTIFICATE-----\ngarbage\n";
  auto again = ensureServerCertificates(dir_, {"127.0.0.1"});
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find(p.caCert), std::string::npos) << again.error().describe();
  EXPECT_NE(again.error().hint.find("restore"), std::string::npos) << again.error().describe();
  EXPECT_EQ(slurp(p.caCert), "-----BEGIN CERTIFICATE-----\ngarbage\n");
}

TEST_F(PkiTest, MissingCaKeyIsAnError) {
  auto p = ensure({"127.0.0.1"});
  const std::string caPem = slurp(p.caCert);
  std::filesystem::remove(p.caKey);
  auto again = ensureServerCertificates(dir_, {"127.0.0.1"});
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find(p.caKey), std::string::npos) << again.error().describe();
  EXPECT_EQ(slurp(p.caCert), caPem);
}

TEST_F(PkiTest, CorruptServerCertIsAnErrorNamingTheFile) {
  auto p = ensure({"127.0.0.1"});
  std::ofstream(p.serverCert, std::ios::trunc) << "not a certificate";
  auto again = ensureServerCertificates(dir_, {"127.0.0.1"});
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find(p.serverCert), std::string::npos);
  EXPECT_NE(again.error().hint.find("remove"), std::string::npos);
}

TEST_F(PkiTest, InvalidNamesAreRejected) {
  for (std::string bad : {"", "foo bar", "a,DNS:evil", "-x", "foundry.example."}) {
    auto r = ensureServerCertificates(dir_, {bad});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(ensureServerCertificates(dir_, {}));
}

}  // namespace
}  // namespace foundry::pki
