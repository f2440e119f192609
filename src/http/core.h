#pragma once
// Internal: state shared by the Server and its connections (sessions).
// Included only by src/http/*.cc.

#include <utility>  // GCC 12 + Asio 1.74 coroutines need it first

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "http/server.h"

namespace foundry::http::detail {

namespace net = boost::asio;

// One accepted connection. The two post functions are the only entry points
// from other threads; everything else runs on the session's strand.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Makes an open stream call next() now. No-op when not streaming.
  virtual void postWake() = 0;
  // Graceful: idle keep-alive connections close, streams end, requests in
  // flight finish and then close. Forced: the socket closes now.
  virtual void postShutdown(bool force) = 0;
};

// Outlives every session: ioc_ is declared last, so when the core is
// destroyed, pending coroutine frames (which own their sessions) are destroyed
// while the registry and its mutex still exist.
class ServerCore {
 public:
  ServerCore(ServerOptions options, Handler handler);

  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }
  net::io_context& ioc() { return ioc_; }
  bool stopping() const;

  // Registers a session; nullopt once stop began (the session must close).
  std::optional<uint64_t> add(std::weak_ptr<SessionBase> session);
  void remove(uint64_t id);

  void wakeAll();
  // Marks the core as stopping and asks every session to shut down.
  void shutdownAll(bool force);
  // Blocks until no session is left or the deadline passes; true if none left.
  bool waitForNoSessions(std::chrono::steady_clock::time_point deadline);

 private:
  std::vector<std::shared_ptr<SessionBase>> snapshot();

  const ServerOptions options_;
  const Handler handler_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  bool stopping_ = false;                                           // GUARDED_BY(mutex_)
  uint64_t nextId_ = 1;                                             // GUARDED_BY(mutex_)
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions_;  // GUARDED_BY(mutex_)
  net::io_context ioc_;
};

// Take ownership of an accepted socket and serve it until it closes.
// REQUIRES: the socket's executor is a strand of core.ioc().
void startPlainSession(ServerCore& core, net::ip::tcp::socket socket);
void startTlsSession(ServerCore& core, net::ssl::context& tls, net::ip::tcp::socket socket);

}  // namespace foundry::http::detail
