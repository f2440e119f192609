#pragma once
// foundryd's lifecycle: lock the data directory, open the store, make sure
// TLS material and the admin credential exist, serve, and on SIGTERM/SIGINT
// drain and flush before exiting 0.

#include <memory>
#include <string>

#include "common/error.h"
#include "server/config.h"

namespace foundry::server {

// An exclusive lock on <data_dir>/foundryd.lock held for the process's life.
class DataDirLock {
 public:
  static Result<DataDirLock> acquire(const std::string& path);
  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Creates the data directory (0700) if missing.
Status ensureDataDir(const std::string& dir);

// Runs the server until SIGTERM/SIGINT. Returns the process exit code.
// REQUIRES: called from main before any other thread starts (it blocks the
// signals for every thread it creates).
int runDaemon(const Config& config);

// Offline admin-credential rotation (the server must not be running).
int rotateAdminToken(const Config& config);

}  // namespace foundry::server
