// kill -9 in the middle of writes: every write the store acknowledged must be
// there after reopening (Durability::kProcess).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "store/test_support.h"

namespace foundry::store::testing {
namespace {

// Reads "<key> <rev>\n" reports; a trailing partial line is ignored.
void parseReports(const std::string& text, std::map<std::string, int64_t>& acked) {
  size_t start = 0;
  for (size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    std::istringstream line(text.substr(start, end - start));
    std::string key;
    int64_t rev = 0;
    if (line >> key >> rev) {
      acked[key] = rev;
    }
    start = end + 1;
  }
}

TEST(SqliteStoreDurabilityTest, AcknowledgedWritesSurviveSigkill) {
  TempDir dir;
  const std::string dbPath = dir.file("foundry.db");
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execl(STORE_CRASH_WRITER, STORE_CRASH_WRITER, dbPath.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);

  std::string received;
  char buffer[4096];
  size_t lines = 0;
  constexpr size_t kKillAfter = 500;
  while (lines < kKillAfter) {
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n <= 0) {
      break;
    }
    received.append(buffer, static_cast<size_t>(n));
    lines = static_cast<size_t>(std::count(received.begin(), received.end(), '\n'));
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  // Reports already in the pipe were acknowledged before the kill.
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
    received.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited early: status " << status;
  ASSERT_EQ(WTERMSIG(status), SIGKILL);

  std::map<std::string, int64_t> acked;
  parseReports(received, acked);
  ASSERT_GE(acked.size(), kKillAfter);

  ManualClock clock;
  auto store = openSqliteStore({dbPath, Durability::kProcess, &clock});
  ASSERT_TRUE(store) << store.error().describe();
  for (const auto& [key, rev] : acked) {
    auto obj = (*store)->get("Machine", key);
    ASSERT_TRUE(obj) << "acknowledged " << key << " lost: " << obj.error().describe();
    EXPECT_EQ(obj->rev, rev) << key;
  }
  // Nothing after the last acknowledged write is half there: seqs stay gap-free.
  const int64_t last = (*store)->lastSeq();
  EXPECT_GE(last, static_cast<int64_t>(acked.size()));
  auto events = (*store)->events({.afterSeq = 0, .kinds = {}, .actions = {}, .keys = {}, .limit = 1'000'000});
  ASSERT_TRUE(events);
  ASSERT_EQ(static_cast<int64_t>(events->size()), last);
  EXPECT_EQ(events->back().seq, last);
}

}  // namespace
}  // namespace foundry::store::testing
