#include "cli/admin.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "test_support.h"

#ifdef FOUNDRY_CLI_HAVE_STORE
#include "common/clock.h"
#include "store/store.h"
#endif

namespace foundry::cli {
namespace {

using testing::TempDir;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string s;
  char c;
  while (in.get(c)) s += c;
  return s;
}

TEST(Admin, SqliteHeader) {
  EXPECT_TRUE(hasSqliteHeader(std::string(kSqliteHeader) + "rest"));
  EXPECT_FALSE(hasSqliteHeader("SQLite format 3"));
  EXPECT_FALSE(hasSqliteHeader("not a database at all"));
}

TEST(Admin, AtomicWriteReplacesTheWholeFile) {
  TempDir dir;
  std::string path = dir.file("out.db", "old contents that are longer");
  ASSERT_TRUE(writeFileAtomically(path, "new"));
  EXPECT_EQ(slurp(path), "new");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1u);  // no temp file left behind
  EXPECT_FALSE(writeFileAtomically((dir.path() / "no/such/dir/x").string(), "x"));
}

TEST(Admin, RestoreRefusesNonSqliteFilesAndRunningServers) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "data");
  std::string data = (dir.path() / "data").string();
  std::string notDb = dir.file("notdb", "hello");
  auto bad = restoreBackup(notDb, data);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);

  std::string backup = dir.file("backup.db", std::string(kSqliteHeader) + "payload");
  int fd = ::open((dir.path() / "data" / "foundryd.lock").c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);  // what a running foundryd holds
  auto locked = restoreBackup(backup, data);
  ::close(fd);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, ErrorCode::kConflict);
  EXPECT_NE(locked.error().message.find("server is running"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "data" / "foundry.db"));
}

// A backup the restore accepts: a real store's backup when restore goes
// through the store (it checks the schema), else any SQLite-headed file.
std::string makeBackup(const TempDir& dir) {
#ifdef FOUNDRY_CLI_HAVE_STORE
  ManualClock clock;
  std::filesystem::create_directories(dir.path() / "src");
  auto store = store::openSqliteStore({(dir.path() / "src" / "s.db").string(),
                                       store::Durability::kProcess, &clock});
  EXPECT_TRUE(store);
  std::string path = (dir.path() / "backup.db").string();
  EXPECT_TRUE((*store)->backup(path));
  return path;
#else
  return dir.file("backup.db", std::string(kSqliteHeader) + "payload");
#endif
}

TEST(Admin, RestoreReplacesTheDatabaseAndDropsStaleWalAndShm) {
  TempDir dir;
  dir.file("data/foundry.db", "old");
  dir.file("data/foundry.db-wal", "stale wal");
  dir.file("data/foundry.db-shm", "stale shm");
  std::string backup = makeBackup(dir);
  auto restored = restoreBackup(backup, (dir.path() / "data").string());
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_EQ(slurp(dir.path() / "data" / "foundry.db"), slurp(backup));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "data" / "foundry.db-wal"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "data" / "foundry.db-shm"));
}

TEST(Admin, RestoreNeedsAnExistingDataDir) {
  TempDir dir;
  std::string backup = dir.file("backup.db", std::string(kSqliteHeader) + "payload");
  EXPECT_FALSE(restoreBackup(backup, (dir.path() / "nope").string()));
}

}  // namespace
}  // namespace foundry::cli
