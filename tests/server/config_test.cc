#include "server/config.h"

#include <gtest/gtest.h>

namespace foundry::server {
namespace {

TEST(Config, DefaultsAreDocumentedValues) {
  Config c;
  EXPECT_EQ(c.dataDir, "/var/lib/foundry");
  ASSERT_EQ(c.apiListen.size(), 1u);
  EXPECT_EQ(c.apiListen[0].text(), "0.0.0.0:8443");
  EXPECT_TRUE(c.apiPlainListen.empty());
  EXPECT_EQ(c.durability, store::Durability::kProcess);
  EXPECT_TRUE(validate(c));
}

TEST(Config, YamlOverridesDefaults) {
  Config c;
  auto ok = applyYaml(R"(
data_dir: /srv/foundry
log: {level: debug, format: json}
api:
  listen: ["10.0.0.1:9443", "[::1]:9443"]
  plain_listen: 127.0.0.1:8080
  tls: {names: [foundry.lab, 10.0.0.1]}
store: {durability: power-loss}
retention:
  events: {max_age: 7d, max_count: 5000}
tokens: {default_ttl: 2h}
)", c);
  ASSERT_TRUE(ok) << ok.error().describe();
  EXPECT_EQ(c.dataDir, "/srv/foundry");
  EXPECT_EQ(c.logLevel, log::Level::kDebug);
  EXPECT_EQ(c.logFormat, log::Format::kJson);
  ASSERT_EQ(c.apiListen.size(), 2u);
  EXPECT_EQ(c.apiListen[1].host, "::1");
  EXPECT_EQ(c.apiListen[1].text(), "[::1]:9443");
  EXPECT_EQ(c.apiPlainListen[0].port, 8080);
  EXPECT_EQ(c.durability, store::Durability::kPowerLoss);
  EXPECT_EQ(c.eventsMaxAgeMs, 7LL * 86'400'000);
  EXPECT_EQ(c.eventsMaxCount, 5000);
  EXPECT_EQ(c.tokenDefaultTtlMs, 2LL * 3'600'000);
  EXPECT_EQ(c.tlsNames, (std::vector<std::string>{"foundry.lab", "10.0.0.1"}));
}

TEST(Config, ErrorsNameTheKeyAndSayWhatToDo) {
  struct Case {
    const char* yaml;
    const char* field;
  };
  for (const auto& c : {Case{"api: {lisen: 1.2.3.4:1}", "api.lisen"},
                        Case{"log: {level: loud}", "log.level"},
                        Case{"store: {durability: maybe}", "store.durability"},
                        Case{"api: {listen: nohost}", "api.listen"},
                        Case{"api: {listen: 'a:99999'}", "api.listen"},
                        Case{"retention: {events: {max_age: soon}}", "retention.events.max_age"},
                        Case{"colour: blue", "colour"}}) {
    Config cfg;
    auto ok = applyYaml(c.yaml, cfg);
    ASSERT_FALSE(ok) << c.yaml;
    EXPECT_EQ(ok.error().field, c.field) << c.yaml;
    EXPECT_FALSE(ok.error().hint.empty()) << c.yaml;
  }
  Config cfg;
  auto syntax = applyYaml("api: [unclosed", cfg);
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().message.find("line"), std::string::npos);
  auto type = applyYaml("api: {threads: many}", cfg);
  EXPECT_FALSE(type);
}

TEST(Config, PlainHttpOffLoopbackNeedsExplicitOptIn) {
  Config c;
  ASSERT_TRUE(applyYaml("api: {plain_listen: 0.0.0.0:8080}", c));
  auto refused = validate(c);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "api.plain_listen");
  c.allowPlainHttp = true;
  EXPECT_TRUE(validate(c));
  Config half;
  half.tlsCert = "/x.pem";
  EXPECT_FALSE(validate(half));
  Config ttl;
  ASSERT_TRUE(applyYaml("tokens: {default_ttl: 90d, max_ttl: 1h}", ttl));
  EXPECT_FALSE(validate(ttl));
  Config off;
  ASSERT_TRUE(applyYaml("api: {enabled: false}", off));
  EXPECT_FALSE(validate(off)) << "a disabled API must not be silently served";
}

TEST(Config, EffectiveYamlRoundTrips) {
  Config c;
  ASSERT_TRUE(applyYaml("api: {listen: 127.0.0.1:1234}\nretention: {events: {max_count: 9}}", c));
  Config again;
  auto ok = applyYaml(toYaml(c), again);
  ASSERT_TRUE(ok) << ok.error().describe() << "\n" << toYaml(c);
  EXPECT_EQ(toYaml(again), toYaml(c));
  EXPECT_EQ(again.eventsMaxCount, 9);
}

}  // namespace
}  // namespace foundry::server
