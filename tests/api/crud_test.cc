// Every verb of the uniform resource API, over real HTTP.

#include "api_fixture.h"

namespace foundry::testing {
namespace {

using nlohmann::json;

class CrudTest : public ApiFixture {};

const char* kMachine = R"({"name":"gpu-01","labels":{"rack":"r17"},
  "spec":{"arch":"x86_64","macs":["52:54:00:00:00:01"],"gpus":8}})";

TEST_F(CrudTest, CreateReturns201WithEtagLocationAndServerFields) {
  auto r = call(admin(), "POST", "/api/v1/machines", kMachine);
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = jsonOf(r);
  EXPECT_EQ(j["kind"], "Machine");
  EXPECT_EQ(j["name"], "gpu-01");
  EXPECT_EQ(j["labels"]["rack"], "r17");
  EXPECT_EQ(j["spec"]["gpus"], 8);
  EXPECT_GT(j["rev"].get<int64_t>(), 0);
  EXPECT_EQ(r.header("etag"), "\"" + std::to_string(j["rev"].get<int64_t>()) + "\"");
  EXPECT_EQ(r.header("location"), "/api/v1/machines/gpu-01");
  EXPECT_EQ(j["createdAt"], j["updatedAt"]);

  auto dup = call(admin(), "POST", "/api/v1/machines", kMachine);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(errorCode(dup), "already_exists");
}

TEST_F(CrudTest, UuidKeyedKindGetsAGeneratedName) {
  auto r = call(admin(), "POST", "/api/v1/machines", R"({"spec":{"arch":"arm64"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string name = jsonOf(r)["name"];
  EXPECT_EQ(name.size(), 36u);
  EXPECT_EQ(name[14], '4') << "a version-4 UUID";
  auto named = call(admin(), "POST", "/api/v1/subnets", R"({"spec":{"cidr":"10.0.0.0/24"}})");
  EXPECT_EQ(named.status, 400);
  EXPECT_EQ(jsonOf(named)["error"]["field"], "name");
}

TEST_F(CrudTest, GetHonoursEtagsAndReportsMissingObjects) {
  auto created = call(admin(), "POST", "/api/v1/machines", kMachine);
  auto g = call(admin(), "GET", "/api/v1/machines/gpu-01");
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(jsonOf(g)["spec"], jsonOf(created)["spec"]);
  auto notModified = call(admin(), "GET", "/api/v1/machines/gpu-01", {},
                          {{"If-None-Match", g.header("etag")}});
  EXPECT_EQ(notModified.status, 304);
  auto missing = call(admin(), "GET", "/api/v1/machines/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errorCode(missing), "not_found");
  auto badKind = call(admin(), "GET", "/api/v1/frobs");
  EXPECT_EQ(badKind.status, 404);
  EXPECT_FALSE(jsonOf(badKind)["error"]["hint"].get<std::string>().empty());
}

TEST_F(CrudTest, ReplaceWithIfMatchGives412WhenStale) {
  auto created = jsonOf(call(admin(), "POST", "/api/v1/machines", kMachine));
  std::string rev = "\"" + std::to_string(created["rev"].get<int64_t>()) + "\"";
  auto ok = call(admin(), "PUT", "/api/v1/machines/gpu-01",
                 R"({"labels":{"rack":"r18"},"spec":{"arch":"x86_64"}})", {{"If-Match", rev}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(jsonOf(ok)["labels"]["rack"], "r18");
  EXPECT_FALSE(jsonOf(ok)["spec"].contains("gpus")) << "PUT replaces the whole spec";
  auto stale = call(admin(), "PUT", "/api/v1/machines/gpu-01", R"({"spec":{}})", {{"If-Match", rev}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(errorCode(stale), "precondition_failed");
  auto staleBody = call(admin(), "PUT", "/api/v1/machines/gpu-01",
                        R"({"rev":)" + std::to_string(created["rev"].get<int64_t>()) + R"(,"spec":{}})");
  EXPECT_EQ(staleBody.status, 412);
  auto renamed = call(admin(), "PUT", "/api/v1/machines/gpu-01", R"({"name":"other","spec":{}})");
  EXPECT_EQ(renamed.status, 400);
  auto missing = call(admin(), "PUT", "/api/v1/machines/ghost", R"({"spec":{}})");
  EXPECT_EQ(missing.status, 404);
  auto badIfMatch = call(admin(), "PUT", "/api/v1/machines/gpu-01", R"({"spec":{}})",
                         {{"If-Match", "yesterday"}});
  EXPECT_EQ(badIfMatch.status, 400);
}

TEST_F(CrudTest, MergePatchAndJsonPatch) {
  call(admin(), "POST", "/api/v1/machines", kMachine);
  auto merge = call(admin(), "PATCH", "/api/v1/machines/gpu-01",
                    R"({"labels":{"state":"burn-in","rack":null},"spec":{"gpus":7}})",
                    {{"Content-Type", "application/merge-patch+json"}});
  ASSERT_EQ(merge.status, 200) << merge.body;
  auto m = jsonOf(merge);
  EXPECT_EQ(m["labels"], (json{{"state", "burn-in"}}));
  EXPECT_EQ(m["spec"]["gpus"], 7);
  EXPECT_EQ(m["spec"]["arch"], "x86_64");

  auto jp = call(admin(), "PATCH", "/api/v1/machines/gpu-01",
                 R"([{"op":"test","path":"/spec/gpus","value":7},
                     {"op":"add","path":"/spec/macs/-","value":"52:54:00:00:00:02"}])",
                 {{"Content-Type", "application/json-patch+json"},
                  {"If-Match", merge.header("etag")}});
  ASSERT_EQ(jp.status, 200) << jp.body;
  EXPECT_EQ(jsonOf(jp)["spec"]["macs"].size(), 2u);

  auto failedTest = call(admin(), "PATCH", "/api/v1/machines/gpu-01",
                         R"([{"op":"test","path":"/spec/gpus","value":8}])",
                         {{"Content-Type", "application/json-patch+json"}});
  EXPECT_EQ(failedTest.status, 400);
  auto invalid = call(admin(), "PATCH", "/api/v1/machines/gpu-01",
                      R"({"spec":{"macs":["not-a-mac"]}})",
                      {{"Content-Type", "application/merge-patch+json"}});
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(jsonOf(invalid)["error"]["field"], "spec.macs.0");
  auto stale = call(admin(), "PATCH", "/api/v1/machines/gpu-01", R"({"spec":{"gpus":1}})",
                    {{"Content-Type", "application/merge-patch+json"}, {"If-Match", merge.header("etag")}});
  EXPECT_EQ(stale.status, 412);
  auto wrongType = call(admin(), "PATCH", "/api/v1/machines/gpu-01", "{}",
                        {{"Content-Type", "text/plain"}});
  EXPECT_EQ(wrongType.status, 400);
}

TEST_F(CrudTest, DeleteReturnsLastStateAndHonoursIfMatch) {
  auto created = call(admin(), "POST", "/api/v1/machines", kMachine);
  call(admin(), "PATCH", "/api/v1/machines/gpu-01", R"({"spec":{"gpus":6}})");
  auto stale = call(admin(), "DELETE", "/api/v1/machines/gpu-01", {}, {{"If-Match", created.header("etag")}});
  EXPECT_EQ(stale.status, 412);
  auto del = call(admin(), "DELETE", "/api/v1/machines/gpu-01");
  ASSERT_EQ(del.status, 200);
  EXPECT_EQ(jsonOf(del)["spec"]["gpus"], 6);
  EXPECT_EQ(call(admin(), "GET", "/api/v1/machines/gpu-01").status, 404);
  EXPECT_EQ(call(admin(), "DELETE", "/api/v1/machines/gpu-01").status, 404);
}

TEST_F(CrudTest, ValidationErrorsNameTheFieldAndSayWhatToDo) {
  struct Case {
    const char* kind;
    const char* body;
    const char* field;
  };
  const Case cases[] = {
      {"subnets", R"({"name":"s","spec":{}})", "spec.cidr"},
      {"subnets", R"({"name":"s","spec":{"cidr":"10.0.0.0/33"}})", "spec.cidr"},
      {"subnets", R"({"name":"s","spec":{"cidr":"10.0.0.0/24","pool":{"start":"10.0.0.300"}}})", "spec.pool.start"},
      {"machines", R"({"name":"m","spec":{"arch":"sparc"}})", "spec.arch"},
      {"machines", R"({"name":"m","spec":{"macs":"52:54:00:00:00:01"}})", "spec.macs"},
      {"machines", R"({"name":"bad name","spec":{}})", "name"},
      {"machines", R"({"name":"m","labels":{"rack":5},"spec":{}})", "labels.rack"},
      {"machines", R"({"name":"m","spec":[]})", "spec"},
      {"workflows", R"({"name":"w","spec":{"stages":"one"}})", "spec.stages"},
  };
  for (const auto& c : cases) {
    auto r = call(admin(), "POST", std::string("/api/v1/") + c.kind, c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    auto j = jsonOf(r);
    EXPECT_EQ(j["error"]["code"], "invalid_argument") << c.body;
    EXPECT_EQ(j["error"]["field"], c.field) << c.body;
    EXPECT_FALSE(j["error"].value("hint", "").empty()) << c.body;
  }
  auto notJson = call(admin(), "POST", "/api/v1/machines", "{\"name\":");
  EXPECT_EQ(notJson.status, 400);
  std::string deep(200, '[');
  EXPECT_EQ(call(admin(), "POST", "/api/v1/machines", deep).status, 400);
}

TEST_F(CrudTest, DerivedKindsAreReadOnlyThroughGenericRoutes) {
  for (const char* kind : {"leases", "inventories", "qualificationreports", "issues", "jobs"}) {
    auto r = call(admin(), "POST", std::string("/api/v1/") + kind, R"({"name":"x","spec":{}})");
    EXPECT_EQ(r.status, 405) << kind;
    EXPECT_EQ(errorCode(r), "read_only") << kind;
    EXPECT_EQ(call(admin(), "GET", std::string("/api/v1/") + kind).status, 200) << kind;
  }
  EXPECT_EQ(call(admin(), "PUT", "/api/v1/leases/x", R"({"spec":{}})").status, 405);
  EXPECT_EQ(call(admin(), "DELETE", "/api/v1/issues/x").status, 405);
}

TEST_F(CrudTest, SecretsAreRedactedOnOutput) {
  auto r = call(admin(), "POST", "/api/v1/bmcs",
                R"({"name":"b1","spec":{"address":"10.0.0.9","password":"calvin"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.body.find("calvin"), std::string::npos);
  EXPECT_EQ(call(admin(), "GET", "/api/v1/bmcs/b1").body.find("calvin"), std::string::npos);
  auto events = call(admin(), "GET", "/api/v1/events?follow=false&kind=Bmc");
  EXPECT_EQ(events.body.find("calvin"), std::string::npos);
  auto stored = store_->get("Bmc", "b1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->spec["password"], "calvin") << "redaction is for output only";
}

TEST_F(CrudTest, UnknownRoutesAndMethodsGiveJsonErrors) {
  auto r = call(admin(), "GET", "/api/v2/machines");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorCode(r), "not_found");
  auto m = call(admin(), "POST", "/api/v1/machines/x");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(errorCode(m), "method_not_allowed");
  call(admin(), "POST", "/api/v1/machines", kMachine);
  auto action = call(admin(), "POST", "/api/v1/machines/gpu-01/actions/levitate");
  EXPECT_EQ(action.status, 404);
}

}  // namespace
}  // namespace foundry::testing

namespace foundry::testing {
namespace {

TEST_F(CrudTest, ReplacingWithTheRedactedCopyKeepsTheStoredSecret) {
  ASSERT_EQ(call(admin(), "POST", "/api/v1/bmcs",
                 R"({"name":"b1","spec":{"address":"10.0.0.9","password":"calvin"}})").status, 201);
  auto read = jsonOf(call(admin(), "GET", "/api/v1/bmcs/b1"));
  ASSERT_EQ(read["spec"]["password"], "<redacted>");
  read["spec"]["address"] = "10.0.0.10";
  ASSERT_EQ(call(admin(), "PUT", "/api/v1/bmcs/b1", read.dump()).status, 200);
  auto stored = store_->get("Bmc", "b1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->spec["password"], "calvin");
  EXPECT_EQ(stored->spec["address"], "10.0.0.10");
}

TEST_F(CrudTest, AWriteThatChangesNothingKeepsTheRevAndMakesNoEvent) {
  auto created = jsonOf(call(admin(), "POST", "/api/v1/machines", kMachine));
  int64_t seq = store_->lastSeq();
  auto same = call(admin(), "PUT", "/api/v1/machines/gpu-01", created.dump());
  ASSERT_EQ(same.status, 200);
  EXPECT_EQ(jsonOf(same)["rev"], created["rev"]);
  auto samePatch = call(admin(), "PATCH", "/api/v1/machines/gpu-01", R"({"spec":{"gpus":8}})");
  ASSERT_EQ(samePatch.status, 200);
  EXPECT_EQ(jsonOf(samePatch)["rev"], created["rev"]);
  EXPECT_EQ(store_->lastSeq(), seq);
  auto body = created;
  body.erase("rev");
  auto stale = call(admin(), "PUT", "/api/v1/machines/gpu-01", body.dump(), {{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 412) << "a stale If-Match is refused even when nothing would change";
}

}  // namespace
}  // namespace foundry::testing

namespace foundry::testing {
namespace {

// Found by trying to break it: a JSON Patch that copies a value into itself
// grows the document exponentially (depth and size) and crashed the server.
TEST_F(CrudTest, JsonPatchCannotGrowADocumentPastTheBounds) {
  call(admin(), "POST", "/api/v1/machines", kMachine);
  std::string deep = "1";
  for (int i = 0; i < 40; ++i) deep = "{\"a\":" + deep + "}";
  std::string ops = R"([{"op":"add","path":"/spec/d","value":)" + deep + "}";
  for (int i = 0; i < 30; ++i) ops += R"(,{"op":"copy","from":"/spec/d","path":"/spec/d/a"})";
  ops += "]";
  auto r = call(admin(), "PATCH", "/api/v1/machines/gpu-01", ops,
                {{"Content-Type", "application/json-patch+json"}});
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
  std::string big(300 * 1024, 'x');
  std::string grow = R"([{"op":"add","path":"/spec/b","value":")" + big + R"("},
      {"op":"copy","from":"/spec/b","path":"/spec/c"}])";
  auto tooBig = call(admin(), "PATCH", "/api/v1/machines/gpu-01", grow,
                     {{"Content-Type", "application/json-patch+json"}});
  EXPECT_EQ(tooBig.status, 413);
  EXPECT_EQ(errorCode(tooBig), "too_large");
  EXPECT_EQ(call(admin(), "GET", "/api/v1/machines/gpu-01").status, 200) << "still serving";
  EXPECT_EQ(jsonOf(call(admin(), "GET", "/api/v1/machines/gpu-01"))["spec"].contains("d"), false);
}

TEST_F(CrudTest, SecretsAnywhereInTheSpecAreRedactedAndNotFilterable) {
  ASSERT_EQ(call(admin(), "POST", "/api/v1/bmcs",
                 R"({"name":"b2","spec":{"address":"10.0.0.9","password":"top1",
                     "accounts":[{"username":"ops","Password":"ArrayPw123"}],"apiToken":"tok9"}})")
                .status,
            201);
  auto body = call(admin(), "GET", "/api/v1/bmcs/b2").body;
  for (const char* secret : {"top1", "ArrayPw123", "tok9"}) {
    EXPECT_EQ(body.find(secret), std::string::npos) << secret;
  }
  for (const char* q : {"?spec.password=re:%5Et", "?spec.accounts.0.Password=x", "?sort=spec.password"}) {
    auto r = call(admin(), "GET", std::string("/api/v1/bmcs") + q);
    EXPECT_EQ(r.status, 400) << q;
  }
  EXPECT_EQ(call(admin(), "GET", "/api/v1/tokens?spec.hash=re:a").status, 400);
}

}  // namespace
}  // namespace foundry::testing
