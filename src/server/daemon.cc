#include "server/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "api/api.h"
#include "common/log.h"
#include "common/metrics.h"
#include "http/server.h"
#include "pki/files.h"
#include "pki/pki.h"

namespace foundry::server {
namespace {

// Periodic retention of events; job logs join when the engine adds Job logs.
class RetentionWorker {
 public:
  RetentionWorker(store::Store& store, const Config& config) : store_(store), config_(config) {
    thread_ = std::thread([this] { run(); });
  }
  ~RetentionWorker() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      auto pruned = store_.pruneEvents({config_.eventsMaxAgeMs, config_.eventsMaxCount});
      if (!pruned) {
        log::warn("retention.failed", {{"error", pruned.error().describe()}});
      } else if (*pruned > 0) {
        log::info("retention.events_pruned", {{"count", *pruned}});
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(config_.retentionIntervalMs),
                   [this] { return stop_; });
    }
  }

  store::Store& store_;
  const Config& config_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

Result<std::optional<http::TlsFiles>> tlsFiles(const Config& c) {
  if (c.apiListen.empty()) return std::optional<http::TlsFiles>{};
  if (!c.tlsCert.empty()) return std::optional<http::TlsFiles>{http::TlsFiles{c.tlsCert, c.tlsKey}};
  auto paths = pki::ensureServerCertificates(c.tlsDir(), c.tlsNames);
  if (!paths) return tl::unexpected(paths.error());
  return std::optional<http::TlsFiles>{http::TlsFiles{paths->serverCert, paths->serverKey}};
}

std::string urlHost(const std::string& host) {
  if (host == "0.0.0.0") return "127.0.0.1";
  if (host == "::") return "[::1]";
  if (host.find(':') != std::string::npos) return "[" + host + "]";
  return host;
}

// Binds every listener; returns the URL clients on this host should use.
Result<std::string> bindListeners(http::Server& server, const Config& c,
                                  const std::optional<http::TlsFiles>& tls) {
  std::string url;
  for (const auto& e : c.apiListen) {
    auto port = server.listen({e.host, e.port, tls});
    if (!port) return tl::unexpected(port.error());
    log::info("api.listening", {{"address", e.host}, {"port", *port}, {"tls", "true"}});
    if (url.empty()) url = "https://" + urlHost(e.host) + ":" + std::to_string(*port);
  }
  for (const auto& e : c.apiPlainListen) {
    auto port = server.listen({e.host, e.port, std::nullopt});
    if (!port) return tl::unexpected(port.error());
    log::info("api.listening", {{"address", e.host}, {"port", *port}, {"tls", "false"}});
    if (url.empty()) url = "http://" + urlHost(e.host) + ":" + std::to_string(*port);
  }
  return url;
}

struct OpenedDataDir {
  DataDirLock lock;
  std::unique_ptr<store::Store> store;
};

// Creates and locks the data directory, then opens (and migrates) the store.
Result<OpenedDataDir> openDataDir(const Config& config, const Clock& clock) {
  if (auto ok = ensureDataDir(config.dataDir); !ok) return tl::unexpected(ok.error());
  auto lock = DataDirLock::acquire(config.lockPath());
  if (!lock) return tl::unexpected(lock.error());
  auto store = store::openSqliteStore({config.dbPath(), config.durability, &clock});
  if (!store) return tl::unexpected(store.error());
  return OpenedDataDir{std::move(*lock), std::move(*store)};
}

int fatal(const Error& e) {
  log::error("foundryd.fatal", {{"error", e.describe()}});
  return 1;
}

}  // namespace

Result<DataDirLock> DataDirLock::acquire(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(ErrorCode::kIo, "cannot open lock file " + path + ": " + std::strerror(errno), {},
                "check the data directory's permissions");
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {};
    ssize_t n = ::pread(fd, pid, sizeof(pid) - 1, 0);
    ::close(fd);
    std::string holder = n > 0 ? std::string(pid, static_cast<size_t>(n)) : "unknown";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return fail(ErrorCode::kConflict,
                "another foundryd (pid " + holder + ") is using this data directory (" + path + ")",
                {}, "stop it first, or start this one with a different --data-dir");
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    log::warn("lock.pid_write_failed", {{"path", path}});
  }
  return DataDirLock(fd);
}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

Status ensureDataDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(ErrorCode::kIo, "cannot create data directory " + dir + ": " + std::strerror(errno),
                "data_dir", "create it, or choose another with --data-dir");
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return fail(ErrorCode::kIo, dir + " is not a directory", "data_dir");
  }
  return {};
}

int runDaemon(const Config& config) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread we start
  ::signal(SIGPIPE, SIG_IGN);

  SystemClock clock;
  auto opened = openDataDir(config, clock);
  if (!opened) return fatal(opened.error());
  auto* store = &opened->store;
  log::info("store.opened", {{"path", config.dbPath()}, {"last_seq", (*store)->lastSeq()}});

  MetricsRegistry metrics;
  api::ApiOptions apiOptions;
  apiOptions.services = {"api"};
  apiOptions.backupDir = config.dataDir;
  apiOptions.defaultTokenTtlMs = config.tokenDefaultTtlMs;
  apiOptions.maxTokenTtlMs = config.tokenMaxTtlMs;
  api::Api api(**store, clock, metrics, apiOptions);
  auto created = api.authenticator().ensureAdminCredential(config.adminTokenPath());
  if (!created) return fatal(created.error());
  if (*created) log::info("auth.admin_created", {{"file", config.adminTokenPath()}});

  auto tls = tlsFiles(config);
  if (!tls) return fatal(tls.error());

  http::ServerOptions httpOptions;
  httpOptions.threads = config.threads;
  httpOptions.onRequest = [](const http::Request& r, int status, size_t bytes, double secs) {
    log::debug("api.access", {{"client", r.remoteAddress}, {"method", r.method},
                              {"path", r.path}, {"status", status}, {"bytes", bytes},
                              {"ms", static_cast<int64_t>(secs * 1000)}});
  };
  http::Server server(httpOptions, [&api](const http::Request& r) { return api.handle(r); });
  (*store)->setCommitListener([&server](int64_t) { server.wakeStreams(); });
  auto url = bindListeners(server, config, *tls);
  if (!url) return fatal(url.error());
  server.start();
  if (auto ok = pki::writeFileAtomic(config.endpointPath(), *url + "\n", 0644); !ok) {
    return fatal(ok.error());
  }
  RetentionWorker retention(**store, config);
  log::info("foundryd.ready", {{"endpoint", *url}, {"data_dir", config.dataDir}});

  int sig = 0;
  sigwait(&signals, &sig);
  log::info("foundryd.stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  api.setReady(false);
  ::unlink(config.endpointPath().c_str());
  server.stop(std::chrono::milliseconds(10'000));
  (*store)->setCommitListener(nullptr);
  if (auto ok = (*store)->flush(); !ok) {
    log::error("store.flush_failed", {{"error", ok.error().describe()}});
    return 1;
  }
  log::info("foundryd.stopped", {});
  return 0;
}

int rotateAdminToken(const Config& config) {
  SystemClock clock;
  auto opened = openDataDir(config, clock);
  if (!opened) return fatal(opened.error());
  api::Authenticator auth(*opened->store, clock);
  if (auto ok = auth.rotateAdmin(config.adminTokenPath()); !ok) return fatal(ok.error());
  log::info("auth.admin_rotated", {{"file", config.adminTokenPath()}});
  return 0;
}

}  // namespace foundry::server
