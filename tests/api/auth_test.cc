// Authentication and roles over real HTTP.

#include <sys/stat.h>

#include "api_fixture.h"

namespace foundry::testing {
namespace {

using nlohmann::json;

class AuthTest : public ApiFixture {};

TEST_F(AuthTest, EveryApiRouteRefusesAnonymousCalls) {
  auto anon = clientWith("");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v1/machines"}, {"POST", "/api/v1/machines"}, {"GET", "/api/v1/machines/x"},
           {"PUT", "/api/v1/machines/x"}, {"PATCH", "/api/v1/machines/x"},
           {"DELETE", "/api/v1/machines/x"}, {"GET", "/api/v1/events"}, {"GET", "/metrics"},
           {"POST", "/api/v1/tokens"}, {"POST", "/api/v1/admin/backup"},
           {"POST", "/api/v1/machines/x/actions/power-on"}}) {
    auto r = call(*anon, method, path, "{}");
    EXPECT_EQ(r.status, 401) << method << " " << path;
    EXPECT_EQ(errorCode(r), "unauthenticated") << method << " " << path;
    EXPECT_NE(r.header("www-authenticate").find("Bearer"), std::string::npos);
  }
  EXPECT_EQ(call(*anon, "GET", "/api/v1/info").status, 200);
  EXPECT_EQ(call(*anon, "GET", "/healthz").status, 200);
  EXPECT_EQ(call(*anon, "GET", "/api/v1/openapi.json").status, 200);
}

TEST_F(AuthTest, BadTokensAreRefusedWithAReason) {
  auto wrongSecret = adminToken_.substr(0, adminToken_.size() - 2) + "xx";
  for (const std::string& token :
       {std::string("garbage"), std::string("fdy_nosuchid_aaaaaaaaaaaaaaaaaaaaaaaa"), wrongSecret}) {
    auto c = clientWith(token);
    auto r = call(*c, "GET", "/api/v1/machines");
    EXPECT_EQ(r.status, 401) << token;
  }
  auto basic = clientWith("");
  auto r = call(*basic, "GET", "/api/v1/machines", {}, {{"Authorization", "Basic YWRtaW46YWRtaW4="}});
  EXPECT_EQ(r.status, 401);
}

TEST_F(AuthTest, IssuedTokensWorkExpireAndCanBeRevoked) {
  auto issued = call(admin(), "POST", "/api/v1/tokens", R"({"ttl":"1h","description":"ci"})");
  ASSERT_EQ(issued.status, 201) << issued.body;
  std::string token = jsonOf(issued)["token"];
  std::string id = jsonOf(issued)["name"];
  auto c = clientWith(token);
  EXPECT_EQ(call(*c, "GET", "/api/v1/machines").status, 200);

  auto listed = call(admin(), "GET", "/api/v1/tokens/" + id);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.find(token.substr(token.find('_', 4) + 1)), std::string::npos);
  EXPECT_EQ(jsonOf(listed)["spec"]["hash"], "<redacted>");

  clock_.advanceMs(3'600'001);
  auto expired = call(*c, "GET", "/api/v1/machines");
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(jsonOf(expired)["error"]["message"].get<std::string>().find("expired"), std::string::npos);

  auto second = jsonOf(call(admin(), "POST", "/api/v1/tokens", R"({"ttl":"1h"})"));
  auto c2 = clientWith(second["token"]);
  EXPECT_EQ(call(*c2, "GET", "/api/v1/machines").status, 200);
  EXPECT_EQ(call(admin(), "DELETE", "/api/v1/tokens/" + second["name"].get<std::string>()).status, 200);
  EXPECT_EQ(call(*c2, "GET", "/api/v1/machines").status, 401);
  EXPECT_EQ(call(admin(), "DELETE", "/api/v1/tokens/admin").status, 409);
  EXPECT_EQ(call(admin(), "POST", "/api/v1/tokens", R"({"ttl":"9999d"})").status, 400);
  EXPECT_EQ(call(admin(), "POST", "/api/v1/tokens", R"({"role":"god"})").status, 400);
}

TEST_F(AuthTest, ViewerMayReadButNotWrite) {
  auto issued = jsonOf(call(admin(), "POST", "/api/v1/tokens", R"({"role":"viewer"})"));
  auto viewer = clientWith(issued["token"]);
  EXPECT_EQ(call(*viewer, "GET", "/api/v1/machines").status, 200);
  auto denied = call(*viewer, "POST", "/api/v1/machines", R"({"name":"m","spec":{}})");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(errorCode(denied), "permission_denied");
  EXPECT_EQ(call(*viewer, "POST", "/api/v1/tokens", "{}").status, 403);
}

TEST_F(AuthTest, EventsRecordThePrincipal) {
  auto issued = jsonOf(call(admin(), "POST", "/api/v1/tokens", R"({"description":"x"})"));
  auto other = clientWith(issued["token"]);
  call(*other, "POST", "/api/v1/machines", R"({"name":"m1","spec":{}})");
  auto events = jsonOf(call(admin(), "GET", "/api/v1/events?follow=false&kind=Machine"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["principal"], "token:" + issued["name"].get<std::string>());
  EXPECT_EQ(events[0]["action"], "created");
}

TEST_F(AuthTest, AdminCredentialFileIsPrivateAndOnlyHashed) {
  struct stat st {};
  ASSERT_EQ(::stat(dir_.file("admin.token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto obj = store_->get("Token", "admin");
  ASSERT_TRUE(obj);
  std::string secret = adminToken_.substr(adminToken_.find('_', 4) + 1);
  EXPECT_EQ(obj->spec.dump().find(secret), std::string::npos);
  auto again = api_->authenticator().ensureAdminCredential(dir_.file("admin.token"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again) << "second start keeps the credential";
}

}  // namespace
}  // namespace foundry::testing
