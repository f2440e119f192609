// Server: listeners, worker threads and the stop protocol. Connections are
// served by session.cc; the Beast glue for messages is in wire.cc.

#include <utility>  // before Asio's awaitable headers (GCC 12)

#include "http/server.h"

#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fcntl.h>
#include <openssl/ssl.h>

#include "common/log.h"
#include "http/core.h"

namespace foundry::http {
namespace {

namespace net = boost::asio;
using net::ip::tcp;
using ErrorCodeT = boost::system::error_code;

// Mozilla "intermediate" TLS 1.2 suites (forward secrecy, AEAD only); TLS 1.3
// suites are OpenSSL's defaults, which are all fine.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr std::chrono::milliseconds kAcceptBackoff{100};
constexpr std::chrono::seconds kForcedCloseWait{2};

struct Listener {
  explicit Listener(net::io_context& ioc) : acceptor(net::make_strand(ioc)) {}
  tcp::acceptor acceptor;
  std::unique_ptr<net::ssl::context> tls;  // null: plain HTTP
  std::string where;                        // "127.0.0.1:8080", for messages
  uint16_t port = 0;
};

std::string hostPort(const net::ip::address& address, uint16_t port) {
  std::string host = address.to_string();
  if (address.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(port);
}

tl::unexpected<Error> bindError(const ErrorCodeT& ec, const std::string& where) {
  std::string message = "cannot listen on " + where + ": " + ec.message();
  std::string hint = "check the listen address and port";
  if (ec == net::error::address_in_use) {
    hint = "another process is already listening there; stop it or choose another port";
  } else if (ec == net::error::access_denied) {
    hint = "ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a port above 1023";
  } else if (ec == boost::system::errc::address_not_available) {
    hint = "the address is not assigned to any interface here; use one that is, or 0.0.0.0";
  }
  return fail(ErrorCode::kIo, std::move(message), "listen", std::move(hint));
}

Result<std::unique_ptr<net::ssl::context>> makeTlsContext(const TlsFiles& files) {
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                   net::ssl::context::no_tlsv1_1 | net::ssl::context::no_compression |
                   net::ssl::context::single_dh_use);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    return fail(ErrorCode::kInternal, "OpenSSL rejected the TLS 1.2 cipher list");
  }
  ErrorCodeT ec;
  ctx->use_certificate_chain_file(files.certChainPath, ec);
  if (ec) {
    return fail(ErrorCode::kInvalidArgument,
                "cannot load TLS certificate chain from " + files.certChainPath + ": " + ec.message(),
                "tls.certChainPath", "give a readable PEM file with the server certificate first");
  }
  ctx->use_private_key_file(files.privateKeyPath, net::ssl::context::pem, ec);
  if (ec) {
    return fail(ErrorCode::kInvalidArgument,
                "cannot load TLS private key from " + files.privateKeyPath + ": " + ec.message(),
                "tls.privateKeyPath", "give a readable, unencrypted PEM private key");
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return fail(ErrorCode::kInvalidArgument,
                "TLS private key " + files.privateKeyPath + " does not match the certificate " +
                    files.certChainPath,
                "tls.privateKeyPath", "use the key the certificate was issued for");
  }
  return ctx;
}

// Asio does not open sockets close-on-exec; without it every child process
// (curl in tests, tools the daemon runs) would keep our listening socket open
// and stop() could not refuse new connections while that child lives.
void setCloseOnExec(int fd) {
  int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

void logFailure(std::string_view event, std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    log::error(event, {{"error", e.what()}});
  } catch (...) {
    log::error(event, {{"error", "unknown exception"}});
  }
}

net::awaitable<void> acceptLoop(detail::ServerCore& core, Listener& listener) {
  net::steady_timer backoff(listener.acceptor.get_executor());
  for (;;) {
    ErrorCodeT ec;
    auto socket = co_await listener.acceptor.async_accept(
        net::make_strand(core.ioc()), net::redirect_error(net::use_awaitable, ec));
    if (ec == net::error::operation_aborted || !listener.acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: keep serving the open connections.
      log::warn("http.accept_failed", {{"listen", listener.where}, {"error", ec.message()}});
      backoff.expires_after(kAcceptBackoff);
      co_await backoff.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    setCloseOnExec(socket.native_handle());
    socket.set_option(tcp::no_delay(true), ec);
    if (listener.tls) {
      detail::startTlsSession(core, *listener.tls, tcp::socket(std::move(socket)));
    } else {
      detail::startPlainSession(core, tcp::socket(std::move(socket)));
    }
  }
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions options, Handler handler) : core(std::move(options), std::move(handler)) {}

  void spawnAccept(Listener& listener) {
    net::co_spawn(listener.acceptor.get_executor(), acceptLoop(core, listener),
                  [](std::exception_ptr e) { logFailure("http.accept_loop_failed", e); });
  }

  // Closing happens on each acceptor's strand; waits (bounded) for it so that
  // new connections are refused when stop() moves on.
  void closeListeners(std::chrono::steady_clock::time_point deadline) {
    std::vector<std::future<void>> closed;
    for (auto& listener : listeners) {
      auto done = std::make_shared<std::promise<void>>();
      closed.push_back(done->get_future());
      net::post(listener->acceptor.get_executor(), [&acceptor = listener->acceptor, done] {
        ErrorCodeT ignored;
        acceptor.close(ignored);
        done->set_value();
      });
    }
    for (auto& f : closed) f.wait_until(deadline);
  }

  detail::ServerCore core;  // first member: destroyed last
  std::mutex stopMutex;     // serializes stop() callers
  mutable std::mutex mutex;
  std::vector<std::unique_ptr<Listener>> listeners;  // GUARDED_BY(mutex)
  std::vector<std::thread> threads;                  // GUARDED_BY(mutex)
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  bool started = false;  // GUARDED_BY(mutex)
  bool stopped = false;  // GUARDED_BY(mutex)
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() { stop(); }

Result<uint16_t> Server::listen(const ListenerOptions& options) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->stopped) return fail(ErrorCode::kUnavailable, "the HTTP server is stopped");
  ErrorCodeT ec;
  auto address = net::ip::make_address(options.address, ec);
  if (ec) {
    return fail(ErrorCode::kInvalidArgument, "invalid listen address '" + options.address + "'",
                "address", "use an IPv4 or IPv6 literal such as 127.0.0.1 or ::");
  }
  tcp::endpoint endpoint(address, options.port);
  auto listener = std::make_unique<Listener>(impl_->core.ioc());
  listener->where = hostPort(address, options.port);
  if (options.tls) {
    auto tls = makeTlsContext(*options.tls);
    if (!tls) return tl::unexpected(tls.error());
    listener->tls = std::move(*tls);
  }
  auto& acceptor = listener->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) setCloseOnExec(acceptor.native_handle());
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return bindError(ec, listener->where);
  listener->port = acceptor.local_endpoint(ec).port();
  listener->where = hostPort(address, listener->port);
  log::info("http.listening", {{"listen", listener->where}, {"tls", options.tls ? "yes" : "no"}});
  uint16_t port = listener->port;
  impl_->listeners.push_back(std::move(listener));
  if (impl_->started) impl_->spawnAccept(*impl_->listeners.back());
  return port;
}

void Server::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->started || impl_->stopped) return;
  impl_->started = true;
  auto& ioc = impl_->core.ioc();
  impl_->work.emplace(net::make_work_guard(ioc));
  for (auto& listener : impl_->listeners) impl_->spawnAccept(*listener);
  int threads = std::max(1, impl_->core.options().threads);
  for (int i = 0; i < threads; ++i) {
    impl_->threads.emplace_back([&ioc] {
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (const std::exception& e) {  // a bug: keep the worker alive
          log::error("http.worker_exception", {{"error", e.what()}});
        }
      }
    });
  }
}

void Server::wakeStreams() { impl_->core.wakeAll(); }

void Server::stop(std::chrono::milliseconds grace) {
  std::lock_guard stopLock(impl_->stopMutex);
  bool started = false;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
    started = impl_->started;
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  if (!started) {
    for (auto& listener : impl_->listeners) listener->acceptor.close();
    impl_->core.shutdownAll(true);
    return;
  }
  impl_->closeListeners(deadline);
  impl_->core.shutdownAll(false);
  if (!impl_->core.waitForNoSessions(deadline)) {
    log::warn("http.stop_forced", {{"grace_ms", grace.count()}});
    impl_->core.shutdownAll(true);
    impl_->core.waitForNoSessions(std::chrono::steady_clock::now() + kForcedCloseWait);
  }
  impl_->work.reset();
  impl_->core.ioc().stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  log::info("http.stopped");
}

std::vector<uint16_t> Server::ports() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<uint16_t> out;
  for (const auto& listener : impl_->listeners) out.push_back(listener->port);
  return out;
}

}  // namespace foundry::http
