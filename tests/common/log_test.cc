#include "common/log.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace foundry::log {
namespace {

TEST(LogFormat, TextQuotesValuesWithSpacesAndEscapesControlCharacters) {
  std::string line = formatLine(Format::kText, Level::kInfo, "api.request",
                                {{"path", "/api/v1/machines"}, {"msg", "two words"}, {"n", 3}},
                                "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(line,
            "2026-01-01T00:00:00.000Z info api.request path=/api/v1/machines msg=\"two words\" n=3");
  std::string injected =
      formatLine(Format::kText, Level::kWarn, "x", {{"v", "a\nfake=1"}}, "T");
  EXPECT_EQ(injected.find('\n'), std::string::npos) << "a newline in a value must not split the log line";
}

TEST(LogFormat, JsonLineIsOneParseableObject) {
  std::string line = formatLine(Format::kJson, Level::kError, "store.open",
                                {{"path", "/var/lib/foundry"}, {"bad", "\xff"}}, "T");
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["event"], "store.open");
  EXPECT_EQ(j["level"], "error");
  EXPECT_EQ(j["path"], "/var/lib/foundry");
}

TEST(LogFormat, ParsesLevelsAndRejectsUnknown) {
  EXPECT_EQ(parseLevel("debug").value(), Level::kDebug);
  auto bad = parseLevel("loud");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "log.level");
}

}  // namespace
}  // namespace foundry::log
