#include "cli/apply.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "test_support.h"

namespace foundry::cli {
namespace {

using nlohmann::json;
using testing::FakeServer;

std::vector<Document> docs(const std::string& yaml) { return *parseDocuments(yaml, "t.yaml"); }

TEST(ApplyDecision, CreateUpdateOrUnchanged) {
  ObjectDoc d;
  d.name = "m1";
  d.labels = {{"rack", "r17"}};
  d.spec = {{"gpus", 8}};
  EXPECT_EQ(decideApply(d, nullptr), ApplyDecision::kCreate);
  json same = json::parse(R"({"name":"m1","rev":4,"labels":{"rack":"r17"},"spec":{"gpus":8.0}})");
  EXPECT_EQ(decideApply(d, &same), ApplyDecision::kUnchanged);
  json other = json::parse(R"({"name":"m1","rev":4,"labels":{"rack":"r18"},"spec":{"gpus":8}})");
  EXPECT_EQ(decideApply(d, &other), ApplyDecision::kUpdate);
  ObjectDoc bare;
  bare.name = "m1";
  json empty = json::parse(R"({"name":"m1","rev":4,"labels":null})");
  EXPECT_EQ(decideApply(bare, &empty), ApplyDecision::kUnchanged);
}

TEST(ApplyPlan, RejectsMissingKindNameUnknownKindAndDuplicates) {
  EXPECT_FALSE(planApply(docs("name: a\n")));
  EXPECT_FALSE(planApply(docs("kind: Machine\n")));
  auto unknown = planApply(docs("kind: Gizmo\nname: a\n"));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().hint.find("machine"), std::string::npos);
  EXPECT_FALSE(planApply(docs("kind: Machine\nname: a\n---\nkind: machines\nname: a\n")));
  EXPECT_TRUE(planApply(docs("kind: Machine\nname: a\n---\nkind: Subnet\nname: a\n")));
}

TEST(Apply, IsIdempotentAndUpdatesWithIfMatch) {
  FakeServer server;
  ApiClient api(server);
  auto items = planApply(docs(
      "kind: Machine\nname: m1\nlabels: {rack: r17}\nspec: {gpus: 8}\n---\n"
      "kind: Subnet\nname: s1\nspec: {cidr: 10.0.0.0/24}\n"));
  ASSERT_TRUE(items);
  std::ostringstream out;
  ApplyCounts first = runApply(api, *items, false, out);
  EXPECT_EQ(first.created, 2u);
  EXPECT_EQ(out.str(),
            "created Machine/m1\ncreated Subnet/s1\n"
            "2 objects: 2 created, 0 updated, 0 unchanged, 0 failed\n");

  std::ostringstream again;
  ApplyCounts second = runApply(api, *items, false, again);
  EXPECT_EQ(second.unchanged, 2u);
  EXPECT_EQ(again.str(), "unchanged Machine/m1\nunchanged Subnet/s1\n"
                         "2 objects: 0 created, 0 updated, 2 unchanged, 0 failed\n");

  (*items)[0].doc.spec["gpus"] = 4;
  std::ostringstream third;
  ApplyCounts changed = runApply(api, *items, false, third);
  EXPECT_EQ(changed.updated, 1u);
  auto put = std::find_if(server.requests.begin(), server.requests.end(),
                          [](const testing::Request& r) { return r.method == "PUT"; });
  ASSERT_NE(put, server.requests.end());
  EXPECT_EQ(put->target, "/api/v1/machines/m1");
  EXPECT_EQ(put->headers.at("If-Match"), "\"1\"");
  EXPECT_EQ(server.objects["machines/m1"]["spec"]["gpus"], 4);
}

TEST(Apply, DryRunWritesNothingAndFailuresDoNotStopTheRest) {
  FakeServer server;
  ApiClient api(server);
  auto items = planApply(docs("kind: Machine\nname: m1\n---\nkind: Lease\nname: l1\n"));
  ASSERT_TRUE(items);
  std::ostringstream dry;
  ApplyCounts counts = runApply(api, *items, true, dry);
  EXPECT_EQ(counts.created, 2u);
  EXPECT_TRUE(server.objects.empty());
  EXPECT_NE(dry.str().find("created Machine/m1 (dry run)"), std::string::npos);

  // A transport-level failure on the first object; the second still goes.
  class Failing final : public Transport {
   public:
    FakeServer inner;
    Result<client::HttpResponse> request(const std::string& m, const std::string& t,
                                         const std::string& b, const Headers& h) override {
      if (t.find("machines") != std::string::npos) return fail(ErrorCode::kIo, "connection reset");
      return inner.request(m, t, b, h);
    }
    Status stream(const std::string&, const std::string&, const EventCallback&) override { return {}; }
  } failing;
  ApiClient api2(failing);
  std::ostringstream out;
  ApplyCounts mixed = runApply(api2, *items, false, out);
  EXPECT_EQ(mixed.failed, 1u);
  EXPECT_EQ(mixed.created, 1u);
  EXPECT_NE(out.str().find("failed Machine/m1: connection reset (io_error)"), std::string::npos);
}

}  // namespace
}  // namespace foundry::cli
