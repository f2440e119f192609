// Online backup while writes continue, and restore (with its validation).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>

#include "store/raw_sqlite.h"
#include "store/test_support.h"

namespace foundry::store::testing {
namespace {

class SqliteStoreBackupTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<Store>> open(const std::string& path) {
    return openSqliteStore({path, Durability::kProcess, &clock_});
  }
  TempDir dir_;
  std::string dbPath_ = dir_.file("foundry.db");
  std::string backupPath_ = dir_.file("backup.db");
  ManualClock clock_;
};

TEST_F(SqliteStoreBackupTest, BackupWhileWritingIsConsistent) {
  auto store = open(dbPath_);
  ASSERT_TRUE(store);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE((*store)->create(makeObject("Machine", "pre" + std::to_string(i)), "t"));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      if ((*store)->create(makeObject("Machine", "live" + std::to_string(i)), "t")) {
        ++written;
      }
    }
  });
  while (written < 50) {
    std::this_thread::yield();
  }
  auto ok = (*store)->backup(backupPath_);
  const int writtenAtBackup = written;
  while (written < writtenAtBackup + 50) {
    std::this_thread::yield();
  }
  stop = true;
  writer.join();
  ASSERT_TRUE(ok) << ok.error().describe();

  // The copy is one snapshot: objects, events and the sequencer agree.
  const long long lastSeq = rawQueryInt(backupPath_, "SELECT last_seq FROM meta");
  EXPECT_GE(lastSeq, 250);
  EXPECT_LT(lastSeq, (*store)->lastSeq());
  EXPECT_EQ(rawQueryInt(backupPath_, "SELECT count(*) FROM objects"), lastSeq);
  EXPECT_EQ(rawQueryInt(backupPath_, "SELECT count(*) FROM events"), lastSeq);
  EXPECT_EQ(rawQueryInt(backupPath_, "SELECT max(seq) FROM events"), lastSeq);
  EXPECT_FALSE(std::filesystem::exists(backupPath_ + ".tmp"));

  // Restore it somewhere else and serve from it.
  const std::string restored = dir_.file("restored.db");
  auto restoredOk = restoreSqliteBackup(backupPath_, restored);
  ASSERT_TRUE(restoredOk) << restoredOk.error().describe();
  auto reopened = open(restored);
  ASSERT_TRUE(reopened) << reopened.error().describe();
  EXPECT_EQ((*reopened)->lastSeq(), lastSeq);
  EXPECT_TRUE((*reopened)->get("Machine", "pre199"));
  EXPECT_EQ((*reopened)->create(makeObject("Machine", "next"), "t")->rev, lastSeq + 1);
}

TEST_F(SqliteStoreBackupTest, RestoreReplacesTheDatabaseAndItsWal) {
  {
    auto store = open(dbPath_);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->create(makeObject("Machine", "kept"), "t"));
    ASSERT_TRUE((*store)->backup(backupPath_));
    ASSERT_TRUE((*store)->create(makeObject("Machine", "after-backup"), "t"));
  }
  // A stale WAL from the old database must not be replayed onto the restore.
  std::ofstream(dbPath_ + "-wal") << "stale";
  auto ok = restoreSqliteBackup(backupPath_, dbPath_);
  ASSERT_TRUE(ok) << ok.error().describe();
  EXPECT_FALSE(std::filesystem::exists(dbPath_ + "-wal"));
  auto store = open(dbPath_);
  ASSERT_TRUE(store) << store.error().describe();
  EXPECT_TRUE((*store)->get("Machine", "kept"));
  EXPECT_EQ((*store)->get("Machine", "after-backup").error().code, ErrorCode::kNotFound);
  EXPECT_EQ((*store)->lastSeq(), 1);
}

TEST_F(SqliteStoreBackupTest, RestoreRefusesBadBackupsAndLeavesTheDatabase) {
  {
    auto store = open(dbPath_);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->create(makeObject("Machine", "live"), "t"));
    ASSERT_TRUE((*store)->backup(backupPath_));
  }
  const std::string notSqlite = dir_.file("not-sqlite.db");
  std::ofstream(notSqlite) << "definitely not a database";
  const std::string foreign = dir_.file("foreign.db");
  rawExec(foreign, "CREATE TABLE other (x INTEGER)");
  const std::string future = dir_.file("future.db");
  std::filesystem::copy_file(backupPath_, future);
  rawExec(future, "UPDATE foundry_schema SET version = version + 1");
  const std::string truncated = dir_.file("truncated.db");
  std::filesystem::copy_file(backupPath_, truncated);
  std::filesystem::resize_file(truncated, 4096);

  for (const auto& bad : {notSqlite, foreign, future, truncated, dir_.file("missing.db")}) {
    auto ok = restoreSqliteBackup(bad, dbPath_);
    EXPECT_FALSE(ok) << bad;
  }
  EXPECT_EQ(restoreSqliteBackup(future, dbPath_).error().code, ErrorCode::kConflict);
  auto store = open(dbPath_);
  ASSERT_TRUE(store);
  EXPECT_TRUE((*store)->get("Machine", "live"));
}

}  // namespace
}  // namespace foundry::store::testing
