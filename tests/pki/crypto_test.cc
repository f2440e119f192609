#include "pki/crypto.h"

#include <gtest/gtest.h>

#include <set>

#include "pki/pki.h"

namespace foundry::pki {
namespace {

TEST(Crypto, Base64UrlMatchesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64UrlEncode(""), "");
  EXPECT_EQ(base64UrlEncode("f"), "Zg");
  EXPECT_EQ(base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64UrlEncode("\xfb\xff\xfe"), "-__-");
}

TEST(Crypto, RandomTokenHasExpectedLengthAlphabetAndIsUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto token = randomToken(32);
    ASSERT_TRUE(token) << token.error().describe();
    EXPECT_EQ(token->size(), 43u);
    EXPECT_EQ(token->find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    seen.insert(*token);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_FALSE(randomToken(0));
  EXPECT_FALSE(randomToken(1 << 20));
}

TEST(Crypto, Sha256HexKnownAnswer) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Crypto, ConstantTimeEquals) {
  EXPECT_TRUE(constantTimeEquals("", ""));
  EXPECT_TRUE(constantTimeEquals("secret", "secret"));
  EXPECT_FALSE(constantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(constantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(constantTimeEquals("", "x"));
}

TEST(Fingerprint, NormalisesCommonSpellings) {
  const std::string hex = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";
  std::string colons;
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i) colons += ':';
    colons += hex.substr(i, 2);
  }
  std::string upper = colons;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& in : {hex, "sha256:" + hex, "SHA256:" + upper, upper,
                                "sha256 Fingerprint=" + upper, "  sha256=" + colons + "\n"}) {
    auto out = normaliseFingerprint(in);
    ASSERT_TRUE(out) << in << ": " << out.error().describe();
    EXPECT_EQ(*out, "sha256:" + hex) << in;
  }
}

TEST(Fingerprint, RejectsMalformed) {
  for (const std::string& in :
       {std::string(), std::string("sha256:"), std::string(63, 'a'), std::string(65, 'a'),
        "sha256:" + std::string(63, 'a') + "g", "md5:" + std::string(64, 'a')}) {
    auto out = normaliseFingerprint(in);
    ASSERT_FALSE(out) << in;
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace foundry::pki
