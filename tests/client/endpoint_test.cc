#include "client/endpoint.h"

#include <gtest/gtest.h>

#include "client/errors.h"

namespace foundry::client {
namespace {

TEST(Endpoint, ParsesSchemesHostsAndPorts) {
  auto a = parseEndpoint("https://127.0.0.1:8443");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, "8443");
  EXPECT_TRUE(a->hostIsIp);
  EXPECT_EQ(a->hostHeader, "127.0.0.1:8443");

  auto b = parseEndpoint("http://[::1]:8080/api/");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->tls);
  EXPECT_EQ(b->host, "::1");
  EXPECT_TRUE(b->hostIsIp);
  EXPECT_EQ(b->hostHeader, "[::1]:8080");
  EXPECT_EQ(b->basePath, "/api");
  EXPECT_EQ(b->text, "http://[::1]:8080/api");

  auto c = parseEndpoint("foundry.example");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->tls);  // no scheme: TLS, never cleartext by accident
  EXPECT_EQ(c->port, "443");
  EXPECT_FALSE(c->hostIsIp);

  auto d = parseEndpoint("http://localhost");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, "80");
}

TEST(Endpoint, RejectsMalformed) {
  for (const char* bad : {"", "ftp://x", "https://", "https://::1:80", "https://[::1", "https://[x]:1",
                          "https://h:0", "https://h:65536", "https://h:8a", "https://u@h:1",
                          "https://h o:1", "https://[::1]x"}) {
    auto r = parseEndpoint(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.error().field, "endpoint");
  }
}

TEST(ClientErrors, HttpErrorUsesFoundryErrorBody) {
  auto e = httpStatusFailure(
      "GET /x", 404, R"({"error":{"code":"not_found","message":"no machine m1","hint":"list"}})");
  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_EQ(e.message, "GET /x: HTTP 404: no machine m1");
  EXPECT_EQ(e.hint, "list");
  auto plain = httpStatusFailure("GET /x", 502, "bad gateway");
  EXPECT_EQ(plain.code, ErrorCode::kInternal);
  EXPECT_EQ(plain.message, "GET /x: HTTP 502: bad gateway");
}

}  // namespace
}  // namespace foundry::client
