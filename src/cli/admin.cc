#include "cli/admin.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/fd.h"
#ifdef FOUNDRY_CLI_HAVE_STORE
#include "store/store.h"
#endif

namespace foundry::cli {
namespace {

namespace fs = std::filesystem;

using Fd = UniqueFd;

tl::unexpected<Error> ioFail(const std::string& what, int err) {
  return fail(ErrorCode::kIo, what + ": " + std::strerror(err));
}

Status writeAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioFail("cannot write " + path, errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status fsyncDir(const fs::path& dir) {
  Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) return ioFail("cannot sync " + dir.string(), errno);
  return {};
}

Status checkBackupFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kInvalidArgument, "cannot open backup " + path);
  char header[16] = {};
  in.read(header, sizeof header);
  if (!hasSqliteHeader(std::string_view(header, static_cast<size_t>(in.gcount())))) {
    return fail(ErrorCode::kInvalidArgument, path + " is not a SQLite database", "",
                "pass a file written by 'foundry admin backup'");
  }
  return {};
}

#ifndef FOUNDRY_CLI_HAVE_STORE
Status removeIfPresent(const fs::path& path) {
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) return fail(ErrorCode::kIo, "cannot remove " + path.string() + ": " + ec.message());
  return {};
}

Status copyIntoPlace(const std::string& from, const fs::path& to) {
  std::error_code ec;
  uintmax_t size = fs::file_size(from, ec);
  std::ifstream in(from, std::ios::binary);
  if (ec || !in) return fail(ErrorCode::kIo, "cannot read " + from);
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size) return fail(ErrorCode::kIo, "short read on " + from);
  // A WAL left by the old database would be replayed onto the restored one.
  for (const char* suffix : {"-wal", "-shm"}) {
    fs::path side = to;
    side += suffix;
    if (Status ok = removeIfPresent(side); !ok) return ok;
  }
  return writeFileAtomically(to.string(), bytes);
}
#endif

}  // namespace

bool hasSqliteHeader(std::string_view bytes) {
  return bytes.size() >= kSqliteHeader.size() && bytes.substr(0, kSqliteHeader.size()) == kSqliteHeader;
}

Status writeFileAtomically(const std::string& path, std::string_view bytes) {
  fs::path target(path);
  std::random_device rd;
  fs::path tmp = target;
  tmp += ".tmp." + std::to_string(rd());
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) return ioFail("cannot create " + tmp.string(), errno);
    Status written = writeAll(fd.get(), bytes, tmp.string());
    if (written && ::fsync(fd.get()) != 0) written = ioFail("cannot sync " + tmp.string(), errno);
    if (!written) {
      ::unlink(tmp.c_str());
      return written;
    }
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ioFail("cannot rename to " + path, err);
  }
  return fsyncDir(target.parent_path());
}

Status restoreBackup(const std::string& backupPath, const std::string& dataDir) {
  fs::path dir(dataDir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return fail(ErrorCode::kInvalidArgument, "data dir " + dataDir + " does not exist");
  }
  if (Status ok = checkBackupFile(backupPath); !ok) return ok;
  fs::path lockPath = dir / "foundryd.lock";
  Fd lock(::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (lock.get() < 0) return ioFail("cannot open " + lockPath.string(), errno);
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return ioFail("cannot lock " + lockPath.string(), errno);
    return fail(ErrorCode::kConflict,
                "a server is running on " + dataDir + " (" + lockPath.string() + " is locked)", "",
                "stop foundryd first; restore works offline only");
  }
  fs::path db = dir / "foundry.db";
#ifdef FOUNDRY_CLI_HAVE_STORE
  // Validates the schema, then swaps the file and drops the old WAL/SHM.
  return store::restoreSqliteBackup(backupPath, db.string());
#else
  return copyIntoPlace(backupPath, db);
#endif
}

}  // namespace foundry::cli
