// Unit tests of the pure parts: query parsing, If-Match, durations, names.

#include <gtest/gtest.h>

#include "api/kinds.h"
#include "api/resource.h"

namespace foundry::api {
namespace {

TEST(ListQuery, MapsApiFieldsAndOperatorsToTheStore) {
  std::multimap<std::string, std::string> p{{"name", "re:^gpu"},  {"labels.rack", "r1"},
                                            {"spec.gpus", "ge:8"}, {"createdAt", "lt:5"},
                                            {"spec.x", "eq:lt:3"}, {"sort", "-updatedAt,name"},
                                            {"limit", "10"}};
  auto q = parseListQuery(p);
  ASSERT_TRUE(q) << q.error().describe();
  EXPECT_EQ(q->limit, 10);
  ASSERT_EQ(q->sort.size(), 2u);
  EXPECT_EQ(q->sort[0].field, "updatedMs");
  EXPECT_TRUE(q->sort[0].descending);
  EXPECT_EQ(q->sort[1].field, "key");
  bool sawEscaped = false;
  for (const auto& f : q->filters) {
    if (f.field == "spec.x") {
      EXPECT_EQ(f.op, store::FilterOp::kEq);
      EXPECT_EQ(f.values, std::vector<std::string>{"lt:3"});
      sawEscaped = true;
    }
    if (f.field == "key") {
      EXPECT_EQ(f.op, store::FilterOp::kRegex);
    }
    if (f.field == "createdMs") {
      EXPECT_EQ(f.op, store::FilterOp::kLt);
    }
  }
  EXPECT_TRUE(sawEscaped);
}

TEST(ListQuery, DefaultLimitAndUnknownFields) {
  auto q = parseListQuery({});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->limit, kDefaultListLimit);
  auto bad = parseListQuery({{"colour", "red"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "colour");
}

TEST(IfMatch, AcceptsQuotedWeakAndBareRevisions) {
  EXPECT_EQ(parseIfMatch("\"42\"").value(), 42);
  EXPECT_EQ(parseIfMatch("W/\"42\"").value(), 42);
  EXPECT_EQ(parseIfMatch("42").value(), 42);
  EXPECT_FALSE(parseIfMatch("").value().has_value());
  EXPECT_FALSE(parseIfMatch("\"-1\""));
  EXPECT_FALSE(parseIfMatch("*x"));
}

TEST(Durations, ParseUnitsAndRejectGarbage) {
  EXPECT_EQ(parseDurationMs("90s").value(), 90'000);
  EXPECT_EQ(parseDurationMs("24h").value(), 86'400'000);
  EXPECT_EQ(parseDurationMs("30d").value(), 30LL * 86'400'000);
  EXPECT_EQ(parseDurationMs("15").value(), 15'000);
  EXPECT_FALSE(parseDurationMs("soon"));
  EXPECT_FALSE(parseDurationMs("5y"));
  EXPECT_FALSE(parseDurationMs("99999999999999999d"));
}

TEST(Names, AcceptMachineNamesAndRejectPathTricks) {
  EXPECT_TRUE(validateName("gpu-r17-u05"));
  EXPECT_TRUE(validateName("52:54:00:aa:bb:cc"));
  EXPECT_FALSE(validateName(".."));
  EXPECT_FALSE(validateName("a/b"));
  EXPECT_FALSE(validateName(""));
  EXPECT_FALSE(validateName(std::string(300, 'a')));
}

TEST(Uuid, IsVersion4AndUnique) {
  auto a = newUuid();
  auto b = newUuid();
  EXPECT_NE(a, b);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
}

}  // namespace
}  // namespace foundry::api
