#include "cli/settings.h"

#include <gtest/gtest.h>

#include <map>

#include "test_support.h"

namespace foundry::cli {
namespace {

using testing::TempDir;

EnvLookup fakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// A data dir as foundryd writes it.
void writeDataDir(const TempDir& dir) {
  dir.file("data/api.endpoint", "https://127.0.0.1:9443\n");
  dir.file("data/admin.token", "fdy_data_token\n");
  dir.file("data/tls/ca.crt", "PEM");
}

TEST(Settings, DefaultsWhenNothingIsSet) {
  TempDir dir;
  auto s = resolveSettings({}, fakeEnv({{"HOME", dir.path().string()}}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->endpoint, "https://127.0.0.1:8443");
  EXPECT_EQ(s->token, "");
  EXPECT_EQ(s->configPath, "");
}

TEST(Settings, DataDirSuppliesEndpointTokenAndCa) {
  TempDir dir;
  writeDataDir(dir);
  ConnectionFlags flags;
  flags.dataDir = (dir.path() / "data").string();
  auto s = resolveSettings(flags, fakeEnv({}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->endpoint, "https://127.0.0.1:9443");
  EXPECT_EQ(s->token, "fdy_data_token");
  EXPECT_EQ(s->caFile, (dir.path() / "data" / "tls" / "ca.crt").string());
}

TEST(Settings, DataDirFromEnvironment) {
  TempDir dir;
  writeDataDir(dir);
  auto s = resolveSettings({}, fakeEnv({{"FOUNDRY_DATA_DIR", (dir.path() / "data").string()}}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->token, "fdy_data_token");
}

TEST(Settings, PrecedenceFlagsOverEnvOverConfigOverDataDir) {
  TempDir dir;
  writeDataDir(dir);
  dir.file("xdg/foundry/config.yaml",
           "endpoint: https://config:1\ntoken: fdy_config\nca_fingerprint: sha256:aa\n");
  auto env = fakeEnv({{"XDG_CONFIG_HOME", (dir.path() / "xdg").string()},
                      {"FOUNDRY_DATA_DIR", (dir.path() / "data").string()},
                      {"FOUNDRY_TOKEN", "fdy_env"}});
  ConnectionFlags flags;
  auto s = resolveSettings(flags, env);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->endpoint, "https://config:1");  // config beats data dir
  EXPECT_EQ(s->token, "fdy_env");              // env beats config
  EXPECT_EQ(s->caFingerprint, "sha256:aa");    // config's trust, not the data dir's file
  EXPECT_EQ(s->caFile, "");

  flags.token = "fdy_flag";
  flags.caFile = "/etc/ca.pem";
  s = resolveSettings(flags, env);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->token, "fdy_flag");
  EXPECT_EQ(s->caFile, "/etc/ca.pem");
  EXPECT_EQ(s->caFingerprint, "");  // trust comes from one layer only
}

TEST(Settings, HomeConfigIsTheFallbackPath) {
  TempDir dir;
  dir.file("home/.config/foundry/config.yaml", "endpoint: https://home:2\n");
  auto env = fakeEnv({{"HOME", (dir.path() / "home").string()}});
  EXPECT_EQ(defaultConfigPath(env), (dir.path() / "home/.config/foundry/config.yaml").string());
  auto s = resolveSettings({}, env);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->endpoint, "https://home:2");
}

TEST(Settings, ExplicitConfigMustExistAndParse) {
  TempDir dir;
  ConnectionFlags flags;
  flags.config = (dir.path() / "missing.yaml").string();
  EXPECT_FALSE(resolveSettings(flags, fakeEnv({})));
  flags.config = dir.file("bad.yaml", "endpoint: [unclosed\n");
  auto s = resolveSettings(flags, fakeEnv({}));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  flags.config = dir.file("list.yaml", "- a\n- b\n");
  EXPECT_FALSE(resolveSettings(flags, fakeEnv({})));
}

}  // namespace
}  // namespace foundry::cli
