#include "cli/api.h"

#include <gtest/gtest.h>

#include "cli/failure.h"
#include "test_support.h"

namespace foundry::cli {
namespace {

using nlohmann::json;
using testing::FakeServer;

TEST(Query, FiltersSortAndPaging) {
  ListArgs args;
  args.filters = {"labels.rack=r17", "spec.gpus=ge:8", "name=re:^gpu-"};
  args.sort = "-updatedAt";
  args.limit = 10;
  auto q = listQuery(args);
  ASSERT_TRUE(q);
  EXPECT_EQ(encodeQuery(*q),
            "?labels.rack=r17&spec.gpus=ge:8&name=re:%5Egpu-&sort=-updatedAt&limit=10");
  EXPECT_EQ(encodeQuery({}), "");
}

TEST(Query, ValuesWithReservedCharactersAreEscaped) {
  EXPECT_EQ(encodeQuery({{"spec.x", "a&b=c d+e#%"}}), "?spec.x=a%26b%3Dc%20d%2Be%23%25");
  EXPECT_EQ(encodeQuery({{"name", "in:a,b"}}), "?name=in:a,b");
  EXPECT_EQ(escapeSegment("a b/c"), "a%20b%2Fc");
}

TEST(Query, BadFiltersAreRejected) {
  EXPECT_FALSE(parseFilter("rack"));
  EXPECT_FALSE(parseFilter("=r17"));
  EXPECT_FALSE(parseFilter("limit=5"));
  auto f = parseFilter("labels.x=a=b");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->second, "a=b");
}

TEST(Errors, ServerJsonErrorBecomesOneLine) {
  Error e = errorFromResponse(400, R"({"error":{"code":"invalid_argument","message":"spec.arch must be a string","field":"spec.arch","hint":"use one of x86_64, arm64"}})");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(errorLine(e),
            "foundry: spec.arch must be a string (invalid_argument) — use one of x86_64, arm64");
  Error other = errorFromResponse(412, R"({"error":{"code":"precondition_failed","message":"stale","field":"rev"}})");
  EXPECT_EQ(errorLine(other), "foundry: stale [field: rev] (precondition_failed)");
}

TEST(Errors, NonJsonErrorsFallBackToTheStatus) {
  Error e = errorFromResponse(503, "<html>busy</html>");
  EXPECT_EQ(e.code, ErrorCode::kUnavailable);
  EXPECT_EQ(e.message, "HTTP 503");
  ErrorCode code{};
  EXPECT_TRUE(parseErrorCode("method_not_allowed", &code));
  EXPECT_FALSE(parseErrorCode("nope", &code));
}

TEST(ApiClient, SendsIfMatchAndPatchContentTypes) {
  FakeServer server;
  ApiClient api(server);
  const KindInfo& machines = **findKind("machine");
  ASSERT_TRUE(api.create(machines, json{{"name", "m 1"}, {"spec", {{"a", 1}}}}));
  auto patched = api.patch(machines, "m 1", json{{"spec", {{"a", 2}}}}, "application/merge-patch+json", 7);
  ASSERT_FALSE(patched);
  const auto& last = server.requests.back();
  EXPECT_EQ(last.method, "PATCH");
  EXPECT_EQ(last.target, "/api/v1/machines/m%201");
  EXPECT_EQ(last.headers.at("Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(last.headers.at("If-Match"), "\"7\"");
  EXPECT_EQ(server.requests.front().headers.at("Content-Type"), "application/json");

  auto stale = api.remove(machines, "m 1", 99);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kPreconditionFailed);
  EXPECT_TRUE(api.remove(machines, "m 1", 1));
}

}  // namespace
}  // namespace foundry::cli
