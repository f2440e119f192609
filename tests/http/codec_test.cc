// Unit tests for percent-decoding, query parsing and request building from
// raw bytes (the same path the fuzz target drives).

#include <gtest/gtest.h>

#include "http/codec.h"
#include "http/server.h"
#include "http/wire.h"

namespace foundry::http {
namespace {

TEST(PercentDecode, DecodesEscapesInEitherCase) {
  EXPECT_EQ(percentDecode("a%20b%2fc%2F", false).value(), "a b/c/");
  EXPECT_EQ(percentDecode("%C3%A9", false).value(), "\xC3\xA9");
  EXPECT_EQ(percentDecode("", false).value(), "");
}

TEST(PercentDecode, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_EQ(percentDecode("a+b", true).value(), "a b");
  EXPECT_EQ(percentDecode("a+b", false).value(), "a+b");
  EXPECT_EQ(percentDecode("a%2Bb", true).value(), "a+b");
}

TEST(PercentDecode, RejectsMalformedEscapes) {
  for (const char* bad : {"%", "%4", "a%", "%zz", "%4g", "%%41", "%-1"}) {
    EXPECT_FALSE(percentDecode(bad, false).has_value()) << bad;
  }
}

TEST(PercentDecode, KeepsNulSoCallersCanRejectIt) {
  auto decoded = percentDecode("a%00b", false);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, std::string("a\0b", 3));
}

TEST(ParseQuery, SplitsDecodesAndKeepsRepeats) {
  auto q = parseQuery("a=1&b=x%20y&a=2&c=p+q");
  ASSERT_EQ(q.size(), 4U);
  auto [first, last] = q.equal_range("a");
  ASSERT_EQ(std::distance(first, last), 2);
  EXPECT_EQ(first->second, "1");
  EXPECT_EQ(std::next(first)->second, "2");
  EXPECT_EQ(q.find("b")->second, "x y");
  EXPECT_EQ(q.find("c")->second, "p q");
}

TEST(ParseQuery, EdgeCases) {
  EXPECT_TRUE(parseQuery("").empty());
  EXPECT_TRUE(parseQuery("&&&").empty());
  auto q = parseQuery("flag&empty=&eq=a=b&=v");
  EXPECT_EQ(q.find("flag")->second, "");
  EXPECT_EQ(q.find("empty")->second, "");
  EXPECT_EQ(q.find("eq")->second, "a=b");
  EXPECT_EQ(q.find("")->second, "v");
}

TEST(ParseQuery, MalformedEscapeKeepsRawTextButStrictRejects) {
  auto q = parseQuery("k=%zz&j=%41");
  EXPECT_EQ(q.find("k")->second, "%zz");
  EXPECT_EQ(q.find("j")->second, "A");
  EXPECT_FALSE(parseQueryStrict("k=%zz").has_value());
  EXPECT_FALSE(parseQueryStrict("%zz=1").has_value());
  EXPECT_TRUE(parseQueryStrict("k=%41").has_value());
}

TEST(ErrorResponse, IsJsonWithStableCode) {
  auto r = errorResponse(ErrorCode::kTooLarge, "say \"no\"\n");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, R"({"error":{"code":"too_large","message":"say \"no\"\n"}})");
  EXPECT_EQ(errorResponse(ErrorCode::kTooLarge, "x", 431).status, 431);
}

constexpr size_t kBody = 64;

TEST(ParseRequestBytes, BuildsRequest) {
  auto r = wire::parseRequestBytes(
      "POST /a%20b/c?x=1&x=2&y=%2B HTTP/1.1\r\nHost: h\r\nX-Thing: One\r\nx-thing: Two\r\n"
      "Content-Length: 3\r\n\r\nabc",
      kBody);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->target, "/a%20b/c?x=1&x=2&y=%2B");
  EXPECT_EQ(r->path, "/a b/c");
  EXPECT_EQ(r->query.count("x"), 2U);
  EXPECT_EQ(r->query.find("y")->second, "+");
  EXPECT_EQ(r->header("x-thing"), "One, Two");
  EXPECT_EQ(r->header("host"), "h");
  EXPECT_EQ(r->body, "abc");
}

TEST(ParseRequestBytes, AbsoluteFormTargetYieldsPath) {
  auto r = wire::parseRequestBytes("GET http://example.com/x%41?q=1 HTTP/1.1\r\nHost: e\r\n\r\n", kBody);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->path, "/xA");
  EXPECT_EQ(r->query.find("q")->second, "1");
}

TEST(ParseRequestBytes, RejectsBadInput) {
  const char* bad[] = {
      "GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n",        // malformed escape in path
      "GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n",       // NUL in path
      "GET /a?q=%z HTTP/1.1\r\nHost: h\r\n\r\n",      // malformed escape in query
      "GET /a HTTP/1.1\r\n\r\n",                      // HTTP/1.1 without Host
      "GET relative HTTP/1.1\r\nHost: h\r\n\r\n",     // not origin-form
      "GARBAGE\r\n\r\n",                              // not HTTP
      "GET /a HTTP/1.1\r\nHost: h\r\n",               // incomplete
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 65\r\n\r\n",  // over the body limit
  };
  for (const char* raw : bad) EXPECT_FALSE(wire::parseRequestBytes(raw, kBody)) << raw;
}

TEST(ParseRequestBytes, Http10WithoutHostIsFine) {
  auto r = wire::parseRequestBytes("GET /x HTTP/1.0\r\n\r\n", kBody);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->path, "/x");
}

TEST(ParseRequestBytes, HeaderLimitApplies) {
  std::string raw = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(wire::kMaxHeaderBytes, 'a') +
                    "\r\n\r\n";
  EXPECT_FALSE(wire::parseRequestBytes(raw, kBody));
}

}  // namespace
}  // namespace foundry::http
