// Test helper for the kill -9 durability test: writes objects to a store and
// reports each acknowledged write on stdout as "<key> <rev>\n", until killed.
// Usage: store_crash_writer DB_PATH
#include <unistd.h>

#include <cstdio>
#include <string>

#include "common/clock.h"
#include "store/store.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DB_PATH\n", argv[0]);
    return 2;
  }
  foundry::SystemClock clock;
  auto store = foundry::store::openSqliteStore(
      {argv[1], foundry::store::Durability::kProcess, &clock});
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().describe().c_str());
    return 1;
  }
  for (int i = 0;; ++i) {
    foundry::store::Object obj;
    obj.kind = "Machine";
    obj.key = "k" + std::to_string(i);
    obj.labels = {{"rack", "r" + std::to_string(i % 10)}};
    obj.spec = {{"serial", "SN" + std::to_string(i)}, {"padding", std::string(512, 'x')}};
    auto created = (*store)->create(obj, "crash-writer");
    if (!created) {
      std::fprintf(stderr, "create: %s\n", created.error().describe().c_str());
      return 1;
    }
    // One write(2) per line: the parent never sees half a report.
    const std::string line = obj.key + " " + std::to_string(created->rev) + "\n";
    if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      return 1;
    }
  }
}
