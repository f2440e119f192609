// Contract tests every Store backend must pass: CRUD, revisions, list
// filtering/sorting/paging. Events and concurrency: store_contract_events_test.cc.
#include <string>
#include <vector>

#include <gmock/gmock.h>

#include "store/contract_fixture.h"

namespace foundry::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_P(StoreContractTest, CreateThenGetRoundTrips) {
  Object created = mustCreate(makeObject("Machine", "m1", {{"rack", "r1"}},
                                         {{"arch", "x86_64"}, {"cpus", 8}}));
  EXPECT_EQ(created.rev, 1);
  EXPECT_EQ(created.createdMs, clock_.nowMs());
  EXPECT_EQ(created.updatedMs, clock_.nowMs());
  auto got = store_->get("Machine", "m1");
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_EQ(got->rev, 1);
  EXPECT_EQ(got->labels, (LabelMap{{"rack", "r1"}}));
  EXPECT_EQ(got->spec["arch"], "x86_64");
  EXPECT_EQ(got->spec["cpus"], 8);
  EXPECT_EQ(store_->lastSeq(), 1);
}

TEST_P(StoreContractTest, CreateExistingIsAlreadyExists) {
  mustCreate(makeObject("Machine", "m1"));
  auto again = store_->create(makeObject("Machine", "m1"), "tester");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  // Same key in another kind is a different object.
  EXPECT_TRUE(store_->create(makeObject("Subnet", "m1"), "tester"));
  EXPECT_EQ(store_->lastSeq(), 2);  // the failed create took no sequence number
}

TEST_P(StoreContractTest, MissingObjectsAreNotFound) {
  EXPECT_EQ(store_->get("Machine", "nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->update(makeObject("Machine", "nope"), std::nullopt, "t").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->remove("Machine", "nope", std::nullopt, "t").error().code,
            ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, InvalidInputIsRejected) {
  EXPECT_EQ(store_->create(makeObject("Machine", ""), "t").error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->create(makeObject("Machine", "m", {}, nlohmann::json::array()), "t").error().code,
            ErrorCode::kInvalidArgument);
  // Invalid UTF-8 cannot be encoded as JSON: an error, not an exception.
  EXPECT_EQ(store_->create(makeObject("Machine", "m", {}, {{"x", std::string("\xff\xfe")}}), "t")
                .error()
                .code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->lastSeq(), 0);
}

TEST_P(StoreContractTest, UpdateChecksExpectedRev) {
  mustCreate(makeObject("Machine", "m1", {}, {{"v", 1}}));
  clock_.advanceMs(1000);
  auto updated = store_->update(makeObject("Machine", "m1", {{"a", "b"}}, {{"v", 2}}), 1, "t");
  ASSERT_TRUE(updated) << updated.error().describe();
  EXPECT_EQ(updated->rev, 2);
  EXPECT_EQ(updated->updatedMs, updated->createdMs + 1000);
  auto stale = store_->update(makeObject("Machine", "m1", {}, {{"v", 3}}), 1, "t");
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kPreconditionFailed);
  auto unconditional = store_->update(makeObject("Machine", "m1", {}, {{"v", 4}}), std::nullopt, "t");
  ASSERT_TRUE(unconditional);
  EXPECT_EQ(unconditional->rev, 3);
  auto got = store_->get("Machine", "m1");
  EXPECT_EQ(got->spec["v"], 4);
  EXPECT_TRUE(got->labels.empty());
}

TEST_P(StoreContractTest, RemoveReturnsLastStateAndChecksRev) {
  mustCreate(makeObject("Machine", "m1", {{"rack", "r1"}}, {{"v", 1}}));
  EXPECT_EQ(store_->remove("Machine", "m1", 7, "t").error().code, ErrorCode::kPreconditionFailed);
  auto removed = store_->remove("Machine", "m1", 1, "t");
  ASSERT_TRUE(removed) << removed.error().describe();
  EXPECT_EQ(removed->spec["v"], 1);
  EXPECT_EQ(removed->labels.at("rack"), "r1");
  EXPECT_EQ(store_->get("Machine", "m1").error().code, ErrorCode::kNotFound);
  EXPECT_THAT(keysOf({{{"labels.rack", FilterOp::kEq, {"r1"}}}, {}, 0, 0}), IsEmpty());
  EXPECT_EQ(store_->lastSeq(), 2);
  // The key can be reused after deletion.
  EXPECT_EQ(mustCreate(makeObject("Machine", "m1")).rev, 3);
}

// m00..m19: rack r0..r2 (by i % 3), spec.cpus = i, spec.name = "node-i",
// spec.hw.ok = (i even), spec.opt only on multiples of 5, spec.tag text "0i".
class StoreListTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    for (int i = 0; i < 20; ++i) {
      char key[8];
      std::snprintf(key, sizeof key, "m%02d", i);
      nlohmann::json spec = {{"cpus", i},
                             {"name", "node-" + std::to_string(i)},
                             {"hw", {{"ok", i % 2 == 0}}},
                             {"tag", "0" + std::to_string(i)}};
      if (i % 5 == 0) {
        spec["opt"] = "x";
      }
      mustCreate(makeObject("Machine", key, {{"rack", "r" + std::to_string(i % 3)}}, spec));
      clock_.advanceMs(10);
    }
    mustCreate(makeObject("Switch", "s1", {{"rack", "r0"}}));
  }

  std::vector<std::string> keysWhere(const std::string& field, FilterOp op,
                                     std::vector<std::string> values) {
    return keysOf(ListQuery{{{field, op, std::move(values)}}, {}, 0, 0});
  }
};

TEST_P(StoreListTest, EqAndNe) {
  EXPECT_THAT(keysWhere("labels.rack", FilterOp::kEq, {"r2"}),
              ElementsAre("m02", "m05", "m08", "m11", "m14", "m17"));
  EXPECT_THAT(keysWhere("key", FilterOp::kEq, {"m03"}), ElementsAre("m03"));
  EXPECT_THAT(keysWhere("spec.name", FilterOp::kEq, {"node-4"}), ElementsAre("m04"));
  EXPECT_THAT(keysWhere("spec.cpus", FilterOp::kEq, {"7"}), ElementsAre("m07"));
  EXPECT_THAT(keysWhere("spec.cpus", FilterOp::kEq, {"7.0"}), ElementsAre("m07"));
  EXPECT_THAT(keysWhere("rev", FilterOp::kEq, {"3"}), ElementsAre("m02"));
  EXPECT_EQ(keysWhere("spec.hw.ok", FilterOp::kEq, {"true"}).size(), 10u);
  EXPECT_EQ(keysWhere("labels.rack", FilterOp::kNe, {"r0"}).size(), 13u);
  // Ne matches objects that lack the field.
  EXPECT_EQ(keysWhere("spec.opt", FilterOp::kNe, {"x"}).size(), 16u);
  EXPECT_EQ(keysWhere("labels.missing", FilterOp::kNe, {"x"}).size(), 20u);
}

TEST_P(StoreListTest, OrderingComparesNumbersNumerically) {
  // As text "10" < "9"; numerically it is not.
  EXPECT_THAT(keysWhere("spec.cpus", FilterOp::kGt, {"17"}), ElementsAre("m18", "m19"));
  EXPECT_THAT(keysWhere("spec.cpus", FilterOp::kGe, {"18"}), ElementsAre("m18", "m19"));
  EXPECT_THAT(keysWhere("spec.cpus", FilterOp::kLt, {"2"}), ElementsAre("m00", "m01"));
  EXPECT_THAT(keysWhere("spec.cpus", FilterOp::kLe, {"1.5"}), ElementsAre("m00", "m01"));
  // Numeric text in spec compares numerically too: "010" is 10.
  EXPECT_THAT(keysWhere("spec.tag", FilterOp::kGe, {"18"}), ElementsAre("m18", "m19"));
  EXPECT_THAT(keysWhere("key", FilterOp::kLt, {"m02"}), ElementsAre("m00", "m01"));
  EXPECT_THAT(keysWhere("spec.name", FilterOp::kGt, {"node-7"}), ElementsAre("m08", "m09"));
  EXPECT_EQ(keysWhere("createdMs", FilterOp::kLt, {std::to_string(clock_.nowMs() - 185)}).size(), 2u);
  EXPECT_EQ(keysWhere("updatedMs", FilterOp::kGe, {std::to_string(clock_.nowMs() - 20)}).size(), 2u);
}

TEST_P(StoreListTest, InRegexExists) {
  EXPECT_THAT(keysWhere("key", FilterOp::kIn, {"m01", "m03", "zz"}), ElementsAre("m01", "m03"));
  EXPECT_EQ(keysWhere("labels.rack", FilterOp::kIn, {"r0", "r1"}).size(), 14u);
  EXPECT_THAT(keysWhere("spec.cpus", FilterOp::kIn, {"1", "19", "node-2"}), ElementsAre("m01", "m19"));
  EXPECT_THAT(keysWhere("spec.name", FilterOp::kRegex, {"^node-1[89]$"}), ElementsAre("m18", "m19"));
  EXPECT_THAT(keysWhere("key", FilterOp::kRegex, {"0[12]"}), ElementsAre("m01", "m02"));
  EXPECT_EQ(keysWhere("labels.rack", FilterOp::kRegex, {"r[12]"}).size(), 13u);
  EXPECT_THAT(keysWhere("spec.opt", FilterOp::kExists, {}), ElementsAre("m00", "m05", "m10", "m15"));
  EXPECT_EQ(keysWhere("labels.rack", FilterOp::kExists, {}).size(), 20u);
  EXPECT_THAT(keysWhere("labels.nope", FilterOp::kExists, {}), IsEmpty());
  EXPECT_EQ(keysWhere("spec.hw.ok", FilterOp::kExists, {}).size(), 20u);
}

TEST_P(StoreListTest, FiltersCombineWithAnd) {
  ListQuery query{{{"labels.rack", FilterOp::kEq, {"r1"}}, {"spec.cpus", FilterOp::kGt, {"10"}}},
                  {},
                  0,
                  0};
  EXPECT_THAT(keysOf(query), ElementsAre("m13", "m16", "m19"));
}

TEST_P(StoreListTest, SortLimitOffsetTotal) {
  ListQuery query{{{"labels.rack", FilterOp::kEq, {"r0"}}}, {{"spec.cpus", true}}, 3, 1};
  auto result = store_->list("Machine", query);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->total, 7);
  ASSERT_EQ(result->items.size(), 3u);
  EXPECT_EQ(result->items[0].key, "m15");
  EXPECT_EQ(result->items[2].key, "m09");
  // Default order is key ascending; secondary order is key for ties.
  EXPECT_EQ(keysOf({{}, {}, 2, 0}), (std::vector<std::string>{"m00", "m01"}));
  EXPECT_EQ(keysOf({{}, {{"key", true}}, 2, 0}), (std::vector<std::string>{"m19", "m18"}));
  EXPECT_EQ(keysOf({{}, {{"labels.rack", true}}, 2, 0}), (std::vector<std::string>{"m02", "m05"}));
  auto beyond = store_->list("Machine", {{}, {}, 10, 100});
  ASSERT_TRUE(beyond);
  EXPECT_TRUE(beyond->items.empty());
  EXPECT_EQ(beyond->total, 20);
}

TEST_P(StoreListTest, BadQueriesAreInvalidArgumentNamingTheField) {
  const std::vector<Filter> bad = {
      {"labels.x') OR 1=1 --", FilterOp::kEq, {"a"}},
      {"spec.a..b", FilterOp::kEq, {"a"}},
      {"spec.", FilterOp::kExists, {}},
      {"status", FilterOp::kEq, {"a"}},
      {"spec.name", FilterOp::kRegex, {"(unclosed"}},
      {"spec.name", FilterOp::kRegex, {std::string(300, 'a')}},
      {"rev", FilterOp::kGt, {"abc"}},
      {"key", FilterOp::kEq, {}},
      {"key", FilterOp::kExists, {"x"}},
  };
  for (const Filter& filter : bad) {
    auto result = store_->list("Machine", {{filter}, {}, 0, 0});
    ASSERT_FALSE(result) << filter.field;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument) << filter.field;
    EXPECT_EQ(result.error().field, filter.field);
  }
  auto badSort = store_->list("Machine", {{}, {{"spec.$x", false}}, 0, 0});
  ASSERT_FALSE(badSort);
  EXPECT_EQ(badSort.error().code, ErrorCode::kInvalidArgument);
  // Hostile values are just values.
  EXPECT_THAT(keysWhere("key", FilterOp::kEq, {"' OR 1=1 --"}), IsEmpty());
  EXPECT_THAT(keysWhere("labels.rack", FilterOp::kEq, {"r0' OR '1'='1"}), IsEmpty());
}

TEST_P(StoreContractTest, LargeListPagesThroughEveryObject) {
  constexpr int kCount = 5000;
  for (int i = 0; i < kCount; ++i) {
    mustCreate(makeObject("Machine", "m" + std::to_string(100000 + i),
                          {{"rack", "r" + std::to_string(i % 50)}}, {{"i", i}}));
  }
  int64_t seen = 0;
  std::string previous;
  for (int64_t offset = 0;; offset += 1000) {
    auto page = store_->list("Machine", {{}, {}, 1000, offset});
    ASSERT_TRUE(page) << page.error().describe();
    EXPECT_EQ(page->total, kCount);
    if (page->items.empty()) {
      break;
    }
    for (const auto& obj : page->items) {
      EXPECT_LT(previous, obj.key);
      previous = obj.key;
      ++seen;
    }
  }
  EXPECT_EQ(seen, kCount);
  auto rack = store_->list("Machine", {{{"labels.rack", FilterOp::kEq, {"r17"}}},
                                       {{"spec.i", true}}, 10, 0});
  ASSERT_TRUE(rack);
  EXPECT_EQ(rack->total, kCount / 50);
  EXPECT_EQ(rack->items.front().spec["i"], 4967);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest, ::testing::Values(sqliteBackend()),
                         [](const auto& param) { return param.param.name; });
INSTANTIATE_TEST_SUITE_P(Backends, StoreListTest, ::testing::Values(sqliteBackend()),
                         [](const auto& param) { return param.param.name; });

}  // namespace
}  // namespace foundry::store::testing
