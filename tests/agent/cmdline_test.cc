#include "agent/cmdline.h"

#include <gtest/gtest.h>

namespace foundry::agent {
namespace {

TEST(AgentCmdline, ReadsSettingsAndBootifMac) {
  auto s = settingsFromCmdline(
      "BOOT_IMAGE=/vmlinuz quiet foundry.url=https://10.0.0.1:8443 foundry.ca=sha256:ab "
      "foundry.token=fdy_x_y BOOTIF=01-52-54-00-AB-cd-ef console=ttyS0\n");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->url, "https://10.0.0.1:8443");
  EXPECT_EQ(s->caFingerprint, "sha256:ab");
  EXPECT_EQ(s->bootMac, "52:54:00:ab:cd:ef");
}

TEST(AgentCmdline, MissingUrlAndBadBootifAreNamed) {
  auto none = settingsFromCmdline("quiet");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().field, "foundry.url");
  auto bad = settingsFromCmdline("foundry.url=x BOOTIF=01-zz");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "BOOTIF");
}

TEST(AgentCmdline, QuotedValuesKeepSpaces) {
  auto kv = splitCmdline("a=\"x y\" b");
  EXPECT_EQ(kv["a"], "x y");
  EXPECT_TRUE(kv.count("b"));
}

}  // namespace
}  // namespace foundry::agent
