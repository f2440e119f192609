// Operations endpoints: health, metrics, info, OpenAPI, backup.

#include <fstream>

#include "api_fixture.h"
#include "api/routes.h"

namespace foundry::testing {
namespace {

using nlohmann::json;

class OpsTest : public ApiFixture {};

TEST_F(OpsTest, HealthReflectsReadiness) {
  auto anon = clientWith("");
  EXPECT_EQ(jsonOf(call(*anon, "GET", "/healthz")), (json{{"live", true}, {"ready", true}}));
  EXPECT_EQ(call(*anon, "GET", "/healthz/ready").status, 200);
  api_->setReady(false);
  EXPECT_EQ(call(*anon, "GET", "/healthz/ready").status, 503);
  EXPECT_EQ(call(*anon, "GET", "/healthz/live").status, 200);
}

TEST_F(OpsTest, MetricsCountRequestsObjectsAndStoreSize) {
  call(admin(), "POST", "/api/v1/machines", R"({"name":"a","spec":{}})");
  call(admin(), "POST", "/api/v1/machines", R"({"name":"b","spec":{}})");
  call(admin(), "GET", "/api/v1/machines/missing");
  auto r = call(admin(), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(r.body.find("foundry_http_requests_total{code=\"201\",method=\"POST\",route=\"create\"} 2"),
            std::string::npos) << r.body;
  EXPECT_NE(r.body.find("foundry_http_requests_total{code=\"404\",method=\"GET\",route=\"get\"} 1"),
            std::string::npos);
  EXPECT_NE(r.body.find("foundry_http_request_duration_seconds_count{route=\"create\"} 2"),
            std::string::npos);
  EXPECT_NE(r.body.find("foundry_objects{kind=\"Machine\"} 2"), std::string::npos);
  EXPECT_NE(r.body.find("foundry_store_size_bytes "), std::string::npos);
}

TEST_F(OpsTest, InfoShowsVersionAndServices) {
  auto j = jsonOf(call(admin(), "GET", "/api/v1/info"));
  EXPECT_EQ(j["version"], FOUNDRY_VERSION);
  EXPECT_EQ(j["services"], (json{"api"}));
  EXPECT_TRUE(j["uptimeSeconds"].is_number());
}

TEST_F(OpsTest, OpenApiDescribesEveryRouteOfTheTableForEveryKind) {
  auto doc = jsonOf(call(admin(), "GET", "/api/v1/openapi.json"));
  ASSERT_EQ(doc["openapi"], "3.0.3");
  const auto& paths = doc["paths"];
  for (const auto& kind : api_->kinds().all()) {
    std::string base = "/api/v1/" + kind.plural;
    ASSERT_TRUE(paths.contains(base)) << base;
    EXPECT_TRUE(paths[base].contains("get")) << base;
    // Tokens are issued by their own route, POST /api/v1/tokens.
    EXPECT_EQ(paths[base].contains("post"), !kind.readOnly || kind.name == "Token") << base;
    EXPECT_TRUE(paths[base + "/{name}"].contains("get")) << base;
    EXPECT_TRUE(doc["components"]["schemas"].contains(kind.name));
  }
  for (const auto& route : api::buildRoutes()) {
    if (route.pattern.find('{') != std::string::npos) continue;
    std::string method = route.method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(ch));
    EXPECT_TRUE(paths[route.pattern].contains(method)) << route.pattern;
  }
  EXPECT_EQ(doc["components"]["schemas"]["Subnet"]["properties"]["spec"]["required"], (json{"cidr"}));
}

TEST_F(OpsTest, OnlineBackupIsAConsistentSqliteStore) {
  for (int i = 0; i < 50; ++i) {
    call(admin(), "POST", "/api/v1/machines", json{{"name", "m" + std::to_string(i)}, {"spec", json::object()}}.dump());
  }
  auto r = call(admin(), "POST", "/api/v1/admin/backup");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 200);
  ASSERT_GT(r.body.size(), 16u);
  EXPECT_EQ(r.body.substr(0, 15), "SQLite format 3");
  std::string path = dir_.file("copy.db");
  std::ofstream(path, std::ios::binary) << r.body;
  auto copy = store::openSqliteStore({path, store::Durability::kProcess, &clock_});
  ASSERT_TRUE(copy) << copy.error().describe();
  auto listed = (*copy)->list("Machine", {});
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->total, 50);
  EXPECT_EQ((*copy)->lastSeq(), store_->lastSeq());
}

}  // namespace
}  // namespace foundry::testing
