#include "cli/events.h"

#include <gtest/gtest.h>

#include <sstream>

#include "test_support.h"

namespace foundry::cli {
namespace {

using nlohmann::json;
using testing::FakeServer;

TEST(Events, QueryCarriesFiltersAndOnlyNoFollowPaging) {
  EventsArgs args;
  args.kinds = "Machine,Subnet";
  args.actions = "created";
  args.after = 5;
  EXPECT_EQ(encodeQuery(eventsQuery(args)), "?kind=Machine,Subnet&action=created");
  args.follow = false;
  args.limit = 10;
  EXPECT_EQ(encodeQuery(eventsQuery(args)),
            "?kind=Machine,Subnet&action=created&follow=false&after=5&limit=10");
}

TEST(Events, ReconnectsResumingFromTheLastSeqAndStopsOnFatalErrors) {
  FakeServer server;
  server.streamEvents = {json{{"seq", 7}, {"kind", "Machine"}}, json{{"seq", 8}, {"kind", "Machine"}}};
  server.streamResults = {Status{},  // server closed after two events
                          tl::unexpected(Error{ErrorCode::kIo, "connection reset", {}, {}}),
                          tl::unexpected(Error{ErrorCode::kGone, "pruned", {}, {}})};
  EventsArgs args;
  args.after = 6;
  std::vector<int64_t> seen;
  std::vector<std::chrono::milliseconds> sleeps;
  std::ostringstream notes;
  Status status = followEvents(
      server, args, [&](const json& e) { seen.push_back(e["seq"].get<int64_t>()); },
      [&](std::chrono::milliseconds d) { sleeps.push_back(d); }, notes);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kGone);
  EXPECT_EQ(seen, (std::vector<int64_t>{7, 8}));
  EXPECT_EQ(server.streamLastIds, (std::vector<std::string>{"6", "8", "8"}));
  EXPECT_EQ(sleeps, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(500),
                                                           std::chrono::milliseconds(1000)}));
  EXPECT_NE(notes.str().find("reconnecting after seq 8"), std::string::npos);
}

TEST(Events, NoFollowPrintsTheArray) {
  class OneShot final : public Transport {
   public:
    std::string target;
    Result<client::HttpResponse> request(const std::string&, const std::string& t,
                                         const std::string&, const Headers&) override {
      target = t;
      return FakeServer::reply(200, json::array({{{"seq", 1}}, {{"seq", 2}}}));
    }
    Status stream(const std::string&, const std::string&, const EventCallback&) override { return {}; }
  } transport;
  ApiClient api(transport);
  EventsArgs args;
  args.follow = false;
  args.after = 0;
  int count = 0;
  ASSERT_TRUE(listEvents(api, args, [&](const json&) { ++count; }));
  EXPECT_EQ(count, 2);
  EXPECT_EQ(transport.target, "/api/v1/events?follow=false&after=0");
}

}  // namespace
}  // namespace foundry::cli
