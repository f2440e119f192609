#include "client/sse.h"

#include <gtest/gtest.h>

namespace foundry::client {
namespace {

std::vector<SseEvent> parseWhole(std::string_view input, SseParser& parser) {
  std::vector<SseEvent> out;
  EXPECT_TRUE(parser.feed(input, out));
  return out;
}

std::vector<SseEvent> parseWhole(std::string_view input) {
  SseParser parser;
  return parseWhole(input, parser);
}

std::vector<SseEvent> parseInPieces(std::string_view input, const std::vector<size_t>& cuts) {
  SseParser parser;
  std::vector<SseEvent> out;
  size_t from = 0;
  for (size_t cut : cuts) {
    EXPECT_TRUE(parser.feed(input.substr(from, cut - from), out));
    from = cut;
  }
  EXPECT_TRUE(parser.feed(input.substr(from), out));
  return out;
}

const std::string kTricky =
    "\xEF\xBB\xBF"
    ": comment\r\n"
    "id: 1\r\n"
    "event: add\r\n"
    "data: first\r\n"
    "data:  second with leading space\r\n"
    "\r\n"
    "data\n"
    "\n"
    "id: 7\rdata: cr only\r\r"
    "data: keeps id 7\n\n"
    "data: no colon field follows\nunknown\nretry: 2500\n\n"
    "id\ndata: id cleared\n\n"
    "event: ignored because no data\n\n"
    "data: x:y: z\n\n"
    "data: incomplete at end";

TEST(SseParser, ParsesTheFormat) {
  SseParser parser;
  auto events = parseWhole(kTricky, parser);
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(events[0], (SseEvent{"1", "add", "first\n second with leading space"}));
  EXPECT_EQ(events[1], (SseEvent{"1", "message", ""}));
  EXPECT_EQ(events[2], (SseEvent{"7", "message", "cr only"}));
  EXPECT_EQ(events[3], (SseEvent{"7", "message", "keeps id 7"}));
  EXPECT_EQ(events[4], (SseEvent{"7", "message", "no colon field follows"}));
  EXPECT_EQ(events[5], (SseEvent{"", "message", "id cleared"}));
  EXPECT_EQ(events[6], (SseEvent{"", "message", "x:y: z"}));
  ASSERT_TRUE(parser.retry().has_value());
  EXPECT_EQ(parser.retry()->count(), 2500);
  EXPECT_EQ(parser.lastEventId(), "");
}

TEST(SseParser, EverySingleSplitGivesTheSameEvents) {
  const auto whole = parseWhole(kTricky);
  for (size_t cut = 0; cut <= kTricky.size(); ++cut) {
    EXPECT_EQ(parseInPieces(kTricky, {cut}), whole) << "cut at " << cut;
  }
}

TEST(SseParser, EveryPairOfSplitsGivesTheSameEvents) {
  const auto whole = parseWhole(kTricky);
  for (size_t a = 0; a <= kTricky.size(); ++a) {
    for (size_t b = a; b <= kTricky.size(); ++b) {
      ASSERT_EQ(parseInPieces(kTricky, {a, b}), whole) << "cuts at " << a << "," << b;
    }
  }
}

TEST(SseParser, ByteByByteGivesTheSameEvents) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < kTricky.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(parseInPieces(kTricky, cuts), parseWhole(kTricky));
}

TEST(SseParser, BomOnlyStrippedAtStart) {
  auto events = parseWhole("data: a\n\n\xEF\xBB\xBF" "data: b\n\n");
  ASSERT_EQ(events.size(), 1u);  // the second line's field name is "\xEF\xBB\xBFdata"
  EXPECT_EQ(events[0].data, "a");
  // A partial BOM is ordinary text: the field name is not "data".
  EXPECT_TRUE(parseWhole("\xEF\xBB" "data: a\n\n").empty());
  EXPECT_EQ(parseWhole("\xEF\xBB\xBF\xEF\xBB\xBF" "data: a\n\n").size(), 0u);
}

TEST(SseParser, CrLfSplitAcrossChunksIsOneLineEnd) {
  SseParser parser;
  std::vector<SseEvent> out;
  ASSERT_TRUE(parser.feed("data: a\r", out));
  ASSERT_TRUE(parser.feed("\n\r", out));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(parser.feed("\n", out));  // LF after the blank line's CR: not another line
  ASSERT_TRUE(parser.feed("data: b\n\n", out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].data, "b");
}

TEST(SseParser, IdWithNulIsIgnoredAndRetryMustBeDigits) {
  SseParser parser;
  std::string input = "id: 5\ndata: a\n\nid: 6";
  input += '\0';
  input += "x\nretry: 12a\ndata: b\n\n";
  auto events = parseWhole(input, parser);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].id, "5");
  EXPECT_FALSE(parser.retry().has_value());
}

TEST(SseParser, LongLineIsRejectedAndParserStaysFailed) {
  SseParser parser(SseLimits{16, 1024});
  std::vector<SseEvent> out;
  EXPECT_TRUE(parser.feed("data: 0123456789", out));  // exactly 16 bytes, unterminated
  auto st = parser.feed("X", out);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kTooLarge);
  EXPECT_FALSE(parser.feed("\n\n", out));
  EXPECT_TRUE(out.empty());
}

TEST(SseParser, LargeEventDataIsRejected) {
  SseParser parser(SseLimits{64, 20});
  std::vector<SseEvent> out;
  EXPECT_TRUE(parser.feed("data: 0123456789\n", out));
  auto st = parser.feed("data: 0123456789\n", out);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kTooLarge);
}

TEST(SseParser, MemoryIsBoundedForEndlessInputWithoutNewlines) {
  SseParser parser(SseLimits{1024, 1024});
  std::vector<SseEvent> out;
  std::string chunk(100, 'a');
  Status st;
  for (int i = 0; i < 100 && st; ++i) st = parser.feed(chunk, out);
  EXPECT_FALSE(st);
}

}  // namespace
}  // namespace foundry::client
