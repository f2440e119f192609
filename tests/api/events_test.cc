// The event stream: SSE over real HTTP, resumable without gaps or duplicates.

#include <atomic>
#include <set>
#include <thread>

#include "api_fixture.h"

namespace foundry::testing {
namespace {

using nlohmann::json;

class EventsTest : public ApiFixture {};

TEST_F(EventsTest, ResumingWithLastEventIdSeesEveryChangeExactlyOnce) {
  constexpr int kWrites = 120;
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    auto c = clientWith(adminToken_);
    for (int i = 0; i < kWrites; ++i) {
      std::string name = "m" + std::to_string(i % 20);
      if (i < 20) {
        c->request("POST", "/api/v1/machines", json{{"name", name}, {"spec", json::object()}}.dump());
      } else {
        c->request("PATCH", "/api/v1/machines/" + name, json{{"spec", {{"n", i}}}}.dump());
      }
    }
    writing = false;
  });

  std::vector<int64_t> seen;
  std::string lastId;
  int reconnects = 0;
  while (true) {
    auto c = clientWith(adminToken_);
    int inThisConnection = 0;
    auto st = c->stream("/api/v1/events?kind=Machine", lastId,
                        [&](const std::string& id, const std::string& event, const std::string& data) {
                          auto j = json::parse(data);
                          EXPECT_EQ(std::to_string(j["seq"].get<int64_t>()), id);
                          EXPECT_EQ(event, "Machine." + j["action"].get<std::string>());
                          seen.push_back(j["seq"]);
                          lastId = id;
                          // Drop the connection every 17 events to force resumption.
                          return ++inThisConnection < 17 && static_cast<int>(seen.size()) < kWrites;
                        });
    ASSERT_TRUE(st) << st.error().describe();
    if (static_cast<int>(seen.size()) >= kWrites) break;
    ++reconnects;
    ASSERT_LT(reconnects, 100);
  }
  writer.join();
  EXPECT_GE(reconnects, 5);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kWrites));
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i], seen[i - 1] + 1) << "gap or duplicate at " << i;
  }
}

TEST_F(EventsTest, FiltersByKindActionAndKey) {
  call(admin(), "POST", "/api/v1/machines", R"({"name":"a","spec":{}})");
  call(admin(), "POST", "/api/v1/subnets", R"({"name":"s","spec":{"cidr":"10.0.0.0/24"}})");
  call(admin(), "PATCH", "/api/v1/machines/a", R"({"spec":{"x":1}})");
  call(admin(), "DELETE", "/api/v1/machines/a");
  auto all = jsonOf(call(admin(), "GET", "/api/v1/events?follow=false"));
  // The admin credential's own creation is the first event.
  EXPECT_EQ(all.size(), 5u);
  auto deletes = jsonOf(call(admin(), "GET", "/api/v1/events?follow=false&action=deleted"));
  ASSERT_EQ(deletes.size(), 1u);
  EXPECT_EQ(deletes[0]["key"], "a");
  EXPECT_EQ(deletes[0]["object"]["spec"]["x"], 1) << "a delete carries the last state";
  auto subnet = jsonOf(call(admin(), "GET", "/api/v1/events?follow=false&kind=Subnet"));
  ASSERT_EQ(subnet.size(), 1u);
  auto after = jsonOf(call(admin(), "GET",
                          "/api/v1/events?follow=false&key=a&after=" +
                              std::to_string(deletes[0]["seq"].get<int64_t>() - 1)));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(call(admin(), "GET", "/api/v1/events?action=exploded").status, 400);
  EXPECT_EQ(call(admin(), "GET", "/api/v1/events?bogus=1").status, 400);
  EXPECT_EQ(call(admin(), "GET", "/api/v1/events", {}, {{"Last-Event-ID", "abc"}}).status, 400);
}

TEST_F(EventsTest, ResumingFromPastTheEndOfHistoryIs410) {
  auto future = call(admin(), "GET", "/api/v1/events", {}, {{"Last-Event-ID", "1000"}});
  EXPECT_EQ(future.status, 410) << "e.g. after a restore: resuming would silently skip events";
  auto huge = call(admin(), "GET", "/api/v1/events?follow=false&after=9223372036854775807");
  EXPECT_EQ(huge.status, 410);
  EXPECT_NE(jsonOf(huge)["error"]["message"].get<std::string>().find("past"), std::string::npos);
}

TEST_F(EventsTest, ResumingFromPrunedHistoryIs410) {
  for (int i = 0; i < 10; ++i) {
    call(admin(), "POST", "/api/v1/machines", json{{"name", "m" + std::to_string(i)}, {"spec", json::object()}}.dump());
  }
  auto pruned = store_->pruneEvents({0, 3});
  ASSERT_TRUE(pruned);
  auto gone = call(admin(), "GET", "/api/v1/events", {}, {{"Last-Event-ID", "1"}});
  EXPECT_EQ(gone.status, 410);
  EXPECT_EQ(errorCode(gone), "gone");
  auto recent = jsonOf(call(admin(), "GET",
                           "/api/v1/events?follow=false&after=" + std::to_string(store_->lastSeq() - 3)));
  EXPECT_EQ(recent.size(), 3u);
}

}  // namespace
}  // namespace foundry::testing
