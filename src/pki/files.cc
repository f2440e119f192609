#include "pki/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "common/fd.h"
#include "pki/crypto.h"

namespace foundry::pki {

namespace {

constexpr off_t kMaxFileSize = 1 << 20;

std::string errnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

using Fd = UniqueFd;

Status syncDirectory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    return fail(ErrorCode::kIo, "cannot sync directory " + dir + ": " + errnoText(errno));
  }
  return {};
}

Status writeAll(int fd, const std::string& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(ErrorCode::kIo, "cannot write " + path + ": " + errnoText(errno));
    done += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

Status ensurePrivateDirectory(const std::string& dir) {
  std::filesystem::path p(dir);
  std::error_code ec;
  if (p.has_parent_path() && !p.parent_path().empty()) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      return fail(ErrorCode::kIo, "cannot create directory " + p.parent_path().string() + ": " +
                                      ec.message());
    }
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(ErrorCode::kIo, "cannot create directory " + dir + ": " + errnoText(errno));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return fail(ErrorCode::kIo, dir + " exists but is not a directory", {},
                "choose another TLS directory or remove that file");
  }
  return {};
}

Result<bool> fileExists(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  return fail(ErrorCode::kIo, "cannot access " + path + ": " + errnoText(errno));
}

Result<std::string> readSmallFile(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail(ErrorCode::kIo, "cannot read " + path + ": " + errnoText(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return fail(ErrorCode::kIo, "cannot stat " + path + ": " + errnoText(errno));
  }
  if (st.st_size > kMaxFileSize) {
    return fail(ErrorCode::kTooLarge, path + " is larger than 1 MiB; not a certificate or key");
  }
  std::string out;
  std::array<char, 8192> buf{};
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(ErrorCode::kIo, "cannot read " + path + ": " + errnoText(errno));
    if (n == 0) break;
    out.append(buf.data(), static_cast<std::size_t>(n));
    if (out.size() > static_cast<std::size_t>(kMaxFileSize)) {
      return fail(ErrorCode::kTooLarge, path + " is larger than 1 MiB; not a certificate or key");
    }
  }
  return out;
}

Status writeFileAtomic(const std::string& path, const std::string& data, mode_t mode) {
  auto suffix = randomToken(6);
  if (!suffix) return tl::unexpected(suffix.error());
  const std::string tmp = path + ".tmp-" + *suffix;
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) return fail(ErrorCode::kIo, "cannot create " + tmp + ": " + errnoText(errno));
  auto cleanup = [&tmp] { ::unlink(tmp.c_str()); };
  if (auto st = writeAll(fd.get(), data, tmp); !st) {
    cleanup();
    return st;
  }
  if (::fsync(fd.get()) != 0) {
    int err = errno;
    cleanup();
    return fail(ErrorCode::kIo, "cannot sync " + tmp + ": " + errnoText(err));
  }
  if (int err = fd.release(); err != 0) {
    cleanup();
    return fail(ErrorCode::kIo, "cannot close " + tmp + ": " + errnoText(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    cleanup();
    return fail(ErrorCode::kIo, "cannot rename " + tmp + " to " + path + ": " + errnoText(err));
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  return syncDirectory(dir.empty() ? "." : dir);
}

}  // namespace foundry::pki
