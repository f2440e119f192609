// Schema migrations at open: from empty, from every shipped version (one
// fixture per version), reopen at the current version, and refusal of a
// database newer than this binary.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>

#include "store/raw_sqlite.h"
#include "store/test_support.h"

namespace foundry::store::testing {
namespace {

using ::testing::HasSubstr;

class SqliteStoreMigrationTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<Store>> open() {
    return openSqliteStore({dbPath_, Durability::kProcess, &clock_});
  }
  TempDir dir_;
  std::string dbPath_ = dir_.file("foundry.db");
  ManualClock clock_;
};

TEST_F(SqliteStoreMigrationTest, EmptyDatabaseIsMigratedToCurrent) {
  auto store = open();
  ASSERT_TRUE(store) << store.error().describe();
  EXPECT_EQ(rawQueryInt(dbPath_, "SELECT version FROM foundry_schema"), sqliteSchemaVersion());
  EXPECT_EQ(rawQueryInt(dbPath_, "SELECT last_seq FROM meta"), 0);
  EXPECT_EQ((*store)->lastSeq(), 0);
}

TEST_F(SqliteStoreMigrationTest, ReopenAtCurrentVersionKeepsData) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->create(makeObject("Machine", "m1", {{"rack", "r1"}}), "t"));
    ASSERT_TRUE((*store)->create(makeObject("Machine", "m2"), "t"));
  }
  auto store = open();
  ASSERT_TRUE(store) << store.error().describe();
  EXPECT_EQ((*store)->lastSeq(), 2);
  EXPECT_EQ((*store)->get("Machine", "m1")->labels.at("rack"), "r1");
  EXPECT_EQ((*store)->create(makeObject("Machine", "m3"), "t")->rev, 3);
}

TEST_F(SqliteStoreMigrationTest, FutureVersionIsRefusedAndLeftUntouched) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->create(makeObject("Machine", "m1"), "t"));
  }
  const int future = sqliteSchemaVersion() + 1;
  rawExec(dbPath_, "UPDATE foundry_schema SET version = " + std::to_string(future));
  auto store = open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kConflict);
  EXPECT_THAT(store.error().message, HasSubstr("newer"));
  EXPECT_THAT(store.error().hint, HasSubstr("upgrade foundryd"));
  EXPECT_EQ(rawQueryInt(dbPath_, "SELECT version FROM foundry_schema"), future);
  EXPECT_EQ(rawQueryInt(dbPath_, "SELECT count(*) FROM objects"), 1);
}

TEST_F(SqliteStoreMigrationTest, ForeignDatabasesAreRefused) {
  rawExec(dbPath_, "CREATE TABLE something_else (x INTEGER)");
  auto store = open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kInvalidArgument);

  const std::string garbage = dir_.file("garbage.db");
  std::ofstream(garbage) << std::string(8192, 'g');
  auto bad = openSqliteStore({garbage, Durability::kProcess, &clock_});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kIo);
}

// One fixture per shipped schema version: a database exactly as that version
// wrote it. Adding schema v2 means adding fixtures/schema_v2.sql; this suite
// then checks that both v1 and v2 databases migrate to the current version.
class SqliteStoreMigrationFromFixtureTest : public SqliteStoreMigrationTest,
                                       public ::testing::WithParamInterface<int> {};

TEST_P(SqliteStoreMigrationFromFixtureTest, MigratesToCurrentAndKeepsData) {
  const std::string fixture =
      std::string(STORE_FIXTURE_DIR) + "/schema_v" + std::to_string(GetParam()) + ".sql";
  std::ifstream in(fixture);
  ASSERT_TRUE(in) << "missing fixture " << fixture << " for a shipped schema version";
  std::stringstream sql;
  sql << in.rdbuf();
  rawExec(dbPath_, sql.str());

  auto store = open();
  ASSERT_TRUE(store) << store.error().describe();
  EXPECT_EQ(rawQueryInt(dbPath_, "SELECT version FROM foundry_schema"), sqliteSchemaVersion());
  EXPECT_EQ((*store)->lastSeq(), 3);
  auto m2 = (*store)->get("Machine", "m2");
  ASSERT_TRUE(m2) << m2.error().describe();
  EXPECT_EQ(m2->rev, 3);
  EXPECT_EQ(m2->spec["cpus"], 64);
  auto rack = (*store)->list("Machine", {{{"labels.rack", FilterOp::kEq, {"r1"}}}, {}, 0, 0});
  ASSERT_TRUE(rack);
  ASSERT_EQ(rack->items.size(), 1u);
  EXPECT_EQ(rack->items[0].key, "m1");
  auto events = (*store)->events({});
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 3u);
  EXPECT_EQ((*store)->create(makeObject("Machine", "m3"), "t")->rev, 4);
}

INSTANTIATE_TEST_SUITE_P(ShippedVersions, SqliteStoreMigrationFromFixtureTest,
                         ::testing::Range(1, sqliteSchemaVersion() + 1));

}  // namespace
}  // namespace foundry::store::testing
