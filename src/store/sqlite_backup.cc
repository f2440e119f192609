// SQLite store: online backup, checkpoint, and offline restore.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "store/schema.h"
#include "store/sqlite_store.h"

namespace foundry::store {
namespace {

template <class T>
tl::unexpected<Error> errorOf(const Result<T>& result) {
  return tl::unexpected(result.error());
}

tl::unexpected<Error> ioError(const std::string& what, const std::string& path) {
  return fail(ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno));
}

Status fsyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return ioError("open", path);
  }
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) {
    return ioError("fsync", path);
  }
  return {};
}

std::string parentDir(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// Copies `from` to `to` byte for byte and fsyncs it.
Status copyFile(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    return fail(ErrorCode::kIo, "copy " + from + " to " + to + ": " + ec.message());
  }
  return fsyncPath(to, false);
}

// The backup must be a SQLite file holding a Foundry schema this binary can
// open; a damaged file is refused before it replaces anything.
Status validateBackup(const std::string& path) {
  char header[16] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in || !in.read(header, sizeof header) ||
      std::memcmp(header, "SQLite format 3", sizeof header) != 0) {
    return fail(ErrorCode::kInvalidArgument, path + " is not a SQLite database", "backup",
                "pass a file written by `foundry backup`");
  }
  auto conn = Connection::open(path, SQLITE_OPEN_READONLY);
  if (!conn) {
    return errorOf(conn);
  }
  auto check = conn->prepare("PRAGMA quick_check");
  if (!check) {
    return errorOf(check);
  }
  auto row = check->step();
  if (!row || !*row || check->columnText(0) != "ok") {
    return fail(ErrorCode::kInvalidArgument, path + " fails SQLite's integrity check", "backup");
  }
  check = Statement();
  auto version = readSchemaVersion(*conn);
  if (!version) {
    return errorOf(version);
  }
  if (*version == 0) {
    return fail(ErrorCode::kInvalidArgument, path + " holds no Foundry schema", "backup");
  }
  return checkSchemaVersion(*version, path);
}

}  // namespace

Status SqliteStore::backup(const std::string& path) {
  // Written under a temporary name so a partial backup never looks complete.
  const std::string tmp = path + ".tmp";
  std::remove(tmp.c_str());
  auto dest = Connection::open(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!dest) {
    return errorOf(dest);
  }
  {
    auto reader = readers_.acquire();
    sqlite3_backup* copy = sqlite3_backup_init(dest->handle(), "main", reader->conn.handle(), "main");
    if (copy == nullptr) {
      return tl::unexpected(sqliteError(dest->handle(), sqlite3_errcode(dest->handle()), "backup"));
    }
    // One step copies every page under a single read snapshot: consistent,
    // and WAL lets writers continue meanwhile.
    const int stepRc = sqlite3_backup_step(copy, -1);
    const int finishRc = sqlite3_backup_finish(copy);
    if (stepRc != SQLITE_DONE || finishRc != SQLITE_OK) {
      std::remove(tmp.c_str());
      return tl::unexpected(sqliteError(dest->handle(), stepRc != SQLITE_DONE ? stepRc : finishRc,
                                        "backup to " + path));
    }
  }
  // A self-contained rollback-journal file: it can be validated read-only and
  // copied without companions.
  if (auto ok = dest->exec("PRAGMA journal_mode = DELETE"); !ok) {
    return ok;
  }
  *dest = Connection();
  if (auto ok = fsyncPath(tmp, false); !ok) {
    return ok;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return ioError("rename to", path);
  }
  return fsyncPath(parentDir(path), true);
}

Status SqliteStore::flush() {
  std::lock_guard lock(writeMu_);
  const int rc = sqlite3_wal_checkpoint_v2(writer_.conn.handle(), nullptr,
                                           SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return tl::unexpected(sqliteError(writer_.conn.handle(), rc, "wal checkpoint"));
  }
  return {};
}

Status restoreSqliteBackup(const std::string& backupPath, const std::string& dbPath) {
  if (auto ok = validateBackup(backupPath); !ok) {
    return ok;
  }
  const std::string tmp = dbPath + ".restore.tmp";
  if (auto ok = copyFile(backupPath, tmp); !ok) {
    std::remove(tmp.c_str());
    return ok;
  }
  // The old WAL belongs to the old database; left behind it would be replayed
  // onto the restored file. Remove it before the rename makes the new file live.
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    const std::string stale = dbPath + suffix;
    if (std::remove(stale.c_str()) != 0 && errno != ENOENT) {
      return ioError("remove", stale);
    }
  }
  if (std::rename(tmp.c_str(), dbPath.c_str()) != 0) {
    return ioError("rename to", dbPath);
  }
  return fsyncPath(parentDir(dbPath), true);
}

}  // namespace foundry::store
