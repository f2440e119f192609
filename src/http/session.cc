// One HTTP/1.1 connection, plain or TLS: read a request, call the handler,
// write the response (or pump a stream), repeat while keep-alive holds.
//
// Threading: each session lives on its own strand; the coroutine, the
// disconnect watcher and the handlers posted by wake/shutdown all run there,
// so the plain members below need no lock. The user handler runs on the
// strand too (it blocks only this connection).

#include <utility>  // before Asio's awaitable headers (GCC 12)

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <type_traits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/log.h"
#include "http/codec.h"
#include "http/core.h"
#include "http/wire.h"

namespace foundry::http::detail {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::asio::awaitable;
using Clock = std::chrono::steady_clock;

constexpr size_t kBufferLimit = wire::kMaxHeaderBytes + 64 * 1024;
constexpr size_t kWatchBytes = 4096;
constexpr size_t kLingerBytes = 1024 * 1024;
constexpr std::chrono::seconds kCloseTimeout{1};
constexpr std::chrono::seconds kHandshakeTimeout{10};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

auto ecToken(beast::error_code& ec) { return net::redirect_error(net::use_awaitable, ec); }

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool isPlainHttpOnTls(const beast::error_code& ec) {
  return ec.category() == net::error::get_ssl_category() &&
         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_HTTP_REQUEST;
}

std::string peerAddress(const net::ip::tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

enum class StreamEnd { kFinished, kShutdown, kFailed };

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  Session(ServerCore& core, Stream stream, std::string remote)
      : core_(core),
        stream_(std::move(stream)),
        buffer_(kBufferLimit),
        timer_(stream_.get_executor()),
        remote_(std::move(remote)) {}

  ~Session() override {
    if (id_) core_.remove(*id_);
  }

  net::any_io_executor executor() { return stream_.get_executor(); }

  // The coroutine frame holds `self`, so the session lives as long as it runs.
  static awaitable<void> run(std::shared_ptr<Session> self) { co_await self->serve(); }

  void postWake() override {
    if (!streaming_.load()) return;
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->wakePending_ = true;
      self->timer_.cancel();
    });
  }

  void postShutdown(bool force) override {
    net::post(stream_.get_executor(), [self = this->shared_from_this(), force] {
      self->shuttingDown_ = true;
      if (force) {
        self->lowest().close();
      } else if (self->state_ == State::kReading) {
        self->lowest().cancel();  // waiting for a request: nothing is in flight
      } else if (self->state_ == State::kStreaming) {
        self->timer_.cancel();
      }
    });
  }

 private:
  enum class State { kReading, kBusy, kStreaming };

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  awaitable<void> serve() {
    id_ = core_.add(this->weak_from_this());
    if (!id_) {
      lowest().close();  // stop() began before this connection registered
      co_return;
    }
    if constexpr (kTls) {
      if (!co_await handshake()) co_return;
    }
    bool keepAlive = true;
    bool graceful = true;
    while (keepAlive && !shuttingDown_) {
      auto outcome = co_await serveOne();
      keepAlive = outcome.keepAlive;
      graceful = outcome.graceful;
    }
    co_await closeConnection(graceful);
  }

  awaitable<bool> handshake() {
    beast::error_code ec;
    lowest().expires_after(std::min<Clock::duration>(core_.options().idleTimeout, kHandshakeTimeout));
    if constexpr (kTls) co_await stream_.async_handshake(net::ssl::stream_base::server, ecToken(ec));
    if (!ec) co_return true;
    log::debug("http.tls_handshake_failed", {{"remote", remote_}, {"error", ec.message()}});
    if (isPlainHttpOnTls(ec)) {
      // Say so in plain text: the usual cause is http:// instead of https://.
      auto response = errorResponse(ErrorCode::kInvalidArgument,
                                    "this port speaks TLS; use https://");
      std::string raw = "HTTP/1.1 400 Bad Request\r\nServer: foundry\r\nContent-Type: "
                        "application/json\r\nConnection: close\r\nContent-Length: " +
                        std::to_string(response.body.size()) + "\r\n\r\n" + response.body;
      lowest().expires_after(kCloseTimeout);
      co_await net::async_write(lowest(), net::buffer(raw), ecToken(ec));
    }
    lowest().close();
    co_return false;
  }

  struct Outcome {
    bool keepAlive = false;
    bool graceful = true;  // false: the peer is gone or misbehaved; skip TLS close_notify
  };

  awaitable<Outcome> serveOne() {
    const auto& options = core_.options();
    state_ = State::kReading;
    wire::RequestParser parser;
    wire::configureParser(parser, options.maxBodyBytes);
    beast::error_code ec;
    lowest().expires_after(options.idleTimeout);
    co_await bhttp::async_read_header(stream_, buffer_, parser, ecToken(ec));
    state_ = State::kBusy;
    auto start = Clock::now();
    if (!ec && !parser.is_done()) {
      if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
        lowest().expires_after(options.idleTimeout);
        co_await net::async_write(stream_, net::buffer(kContinue), ecToken(ec));
      }
      lowest().expires_after(options.idleTimeout);
      if (!ec) co_await bhttp::async_read(stream_, buffer_, parser, ecToken(ec));
    }
    if (ec) co_return co_await onReadError(ec, parser, start);

    wire::BeastRequest msg = parser.release();
    bool clientKeepAlive = msg.keep_alive();
    unsigned version = msg.version();
    auto built = wire::buildRequest(std::move(msg), remote_, kTls);  // msg untouched on error
    Request request = built ? std::move(*built) : wire::partialRequest(msg, remote_, kTls);
    Response response = built ? callHandler(request)
                              : errorResponse(ErrorCode::kInvalidArgument, built.error().message);
    if (response.stream && request.method == "HEAD") response.stream.reset();  // header only
    if (response.stream && built) {
      bool again = co_await streamBody(request, std::move(response), version, clientKeepAlive, start);
      co_return Outcome{again, !peerGone_};
    }
    bool keepAlive = built && clientKeepAlive && !shuttingDown_ && !core_.stopping();
    auto out = wire::toBeastResponse(std::move(response), request, keepAlive, version);
    size_t bytes = out.body().size();
    int status = static_cast<int>(out.result_int());
    lowest().expires_after(options.idleTimeout);
    co_await bhttp::async_write(stream_, out, ecToken(ec));
    report(request, status, bytes, start);
    if (ec) co_return Outcome{false, false};
    if (!built) co_await lingerPlain();
    co_return Outcome{keepAlive, true};
  }

  // A read failed: answer what deserves an answer (400, 413, 431), then close.
  awaitable<Outcome> onReadError(beast::error_code ec, wire::RequestParser& parser,
                                 Clock::time_point start) {
    Response response;
    if (ec == bhttp::error::body_limit) {
      response = errorResponse(ErrorCode::kTooLarge,
                               "request body exceeds " +
                                   std::to_string(core_.options().maxBodyBytes) + " bytes");
    } else if (ec == bhttp::error::header_limit) {
      response = errorResponse(ErrorCode::kTooLarge,
                               "request header exceeds " + std::to_string(wire::kMaxHeaderBytes) +
                                   " bytes",
                               431);
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
               ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      response = errorResponse(ErrorCode::kInvalidArgument, "malformed request: " + ec.message());
    } else {
      log::debug("http.read_closed", {{"remote", remote_}, {"error", ec.message()}});
      co_return Outcome{false, ec == bhttp::error::end_of_stream};
    }
    log::debug("http.bad_request", {{"remote", remote_}, {"error", ec.message()}});
    Request request = parser.is_header_done() ? wire::partialRequest(parser.get(), remote_, kTls)
                                              : Request{};
    request.remoteAddress = remote_;
    request.tls = kTls;
    auto out = wire::toBeastResponse(std::move(response), request, false, 11);
    size_t bytes = out.body().size();
    int status = static_cast<int>(out.result_int());
    lowest().expires_after(core_.options().idleTimeout);
    co_await bhttp::async_write(stream_, out, ecToken(ec));
    if (parser.is_header_done()) report(request, status, bytes, start);
    if (ec) co_return Outcome{false, false};
    co_await lingerPlain();
    co_return Outcome{false, true};
  }

  // The catch-all boundary for handler code: nothing it throws reaches Asio.
  Response callHandler(const Request& request) {
    try {
      return core_.handler()(request);
    } catch (const std::exception& e) {
      log::error("http.handler_failed",
                 {{"method", request.method}, {"path", request.path}, {"error", e.what()}});
    } catch (...) {
      log::error("http.handler_failed",
                 {{"method", request.method}, {"path", request.path}, {"error", "unknown exception"}});
    }
    return errorResponse(ErrorCode::kInternal, "internal error");
  }

  void report(const Request& request, int status, size_t bytes, Clock::time_point start) {
    const auto& onRequest = core_.options().onRequest;
    if (!onRequest) return;
    try {
      onRequest(request, status, bytes, secondsSince(start));
    } catch (const std::exception& e) {
      log::error("http.on_request_failed", {{"error", e.what()}});
    } catch (...) {
      log::error("http.on_request_failed", {{"error", "unknown exception"}});
    }
  }

  // After an error response on a plain connection: stop sending, then read and
  // drop what the client is still uploading (bounded), so that closing does not
  // reset the connection before the client has read our answer.
  awaitable<void> lingerPlain() {
    if constexpr (!kTls) {
      beast::error_code ec;
      lowest().socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
      lowest().expires_after(kCloseTimeout);
      std::array<char, 4096> sink{};
      size_t drained = 0;
      while (!ec && drained < kLingerBytes) {
        drained += co_await lowest().async_read_some(net::buffer(sink), ecToken(ec));
      }
    }
  }

  awaitable<void> closeConnection(bool graceful) {
    beast::error_code ec;
    if constexpr (kTls) {
      if (graceful && lowest().socket().is_open()) {
        lowest().expires_after(kCloseTimeout);  // close_notify; don't wait long for the reply
        co_await stream_.async_shutdown(ecToken(ec));
      }
    } else {
      lowest().socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    }
    lowest().close();
  }

  // --- streaming (Server-Sent Events and other long bodies) ---

  // Sends the header, then alternates between next() and waiting for a wake,
  // the poll interval or the heartbeat. Returns whether the connection may
  // serve another request.
  awaitable<bool> streamBody(const Request& request, Response response, unsigned version,
                             bool clientKeepAlive, Clock::time_point start) {
    bool chunked = version >= 11;  // HTTP/1.0: close-delimited body
    auto header = wire::streamHeader(response, chunked, chunked && clientKeepAlive, version);
    std::unique_ptr<BodyStream> body = std::move(response.stream);
    int status = static_cast<int>(header.result_int());
    bhttp::response_serializer<bhttp::empty_body> serializer(header);
    beast::error_code ec;
    lowest().expires_after(core_.options().idleTimeout);
    co_await bhttp::async_write_header(stream_, serializer, ecToken(ec));
    size_t bytes = 0;
    StreamEnd end = StreamEnd::kFailed;
    if (!ec) {
      state_ = State::kStreaming;
      streaming_ = true;
      lowest().expires_never();  // per-write deadlines below; the watcher waits forever
      startWatcher();
      end = co_await pumpStream(*body, chunked, bytes);
      streaming_ = false;
      state_ = State::kBusy;
    } else {
      peerGone_ = true;
    }
    body.reset();  // the producer learns now that the stream is over
    co_await stopWatcher();
    report(request, status, bytes, start);
    co_return end == StreamEnd::kFinished && chunked && clientKeepAlive && !peerGone_ &&
        !shuttingDown_ && !core_.stopping();
  }

  awaitable<StreamEnd> pumpStream(BodyStream& body, bool chunked, size_t& bytes) {
    const auto& options = core_.options();
    auto lastWrite = Clock::now();
    beast::error_code ec;
    for (;;) {
      if (peerGone_) co_return StreamEnd::kFailed;
      if (shuttingDown_ || core_.stopping()) {
        if (chunked) co_await writeStreamData({}, true);  // last chunk: a clean end
        co_return StreamEnd::kShutdown;
      }
      wakePending_ = false;
      auto data = callStream(body, false);
      if (!data) co_return StreamEnd::kFailed;
      if (!*data) {
        if (chunked && !co_await writeStreamData({}, true)) co_return StreamEnd::kFailed;
        co_return StreamEnd::kFinished;
      }
      if (!(*data)->empty()) {
        if (!co_await writeStreamData(**data, chunked)) co_return StreamEnd::kFailed;
        bytes += (*data)->size();
        lastWrite = Clock::now();
        continue;  // drain: the producer may have more right away
      }
      auto idle = Clock::now() - lastWrite;
      if (idle >= options.streamHeartbeat) {
        auto beat = callStream(body, true);
        if (!beat || !*beat) co_return StreamEnd::kFailed;
        if (!co_await writeStreamData(**beat, chunked)) co_return StreamEnd::kFailed;
        bytes += (*beat)->size();
        lastWrite = Clock::now();
        continue;
      }
      if (wakePending_) continue;  // woken while next() or a write ran
      timer_.expires_after(std::min<Clock::duration>(options.streamPoll,
                                                     options.streamHeartbeat - idle));
      co_await timer_.async_wait(ecToken(ec));
    }
  }

  // next() or heartbeat() behind the exception boundary; outer nullopt means
  // the producer threw (the stream is cut without a clean end).
  std::optional<std::optional<std::string>> callStream(BodyStream& body, bool heartbeat) {
    try {
      if (heartbeat) return std::optional<std::string>(body.heartbeat());
      return body.next();
    } catch (const std::exception& e) {
      log::error("http.stream_failed", {{"remote", remote_}, {"error", e.what()}});
    } catch (...) {
      log::error("http.stream_failed", {{"remote", remote_}, {"error", "unknown exception"}});
    }
    return std::nullopt;
  }

  // Empty data with `chunked` writes the last chunk. A peer that stops reading
  // for idleTimeout is dropped (the write deadline closes the socket).
  awaitable<bool> writeStreamData(std::string_view data, bool chunked) {
    beast::error_code ec;
    lowest().expires_after(core_.options().idleTimeout);  // write side only: a read is pending
    if (!chunked) {
      co_await net::async_write(stream_, net::buffer(data), ecToken(ec));
    } else if (data.empty()) {
      co_await net::async_write(stream_, bhttp::make_chunk_last(), ecToken(ec));
    } else {
      co_await net::async_write(stream_, bhttp::make_chunk(net::buffer(data)), ecToken(ec));
    }
    if (ec) peerGone_ = true;
    co_return !ec;
  }

  // A client that goes away while the stream has nothing to say is noticed
  // by a read that fails. Bytes it reads (a pipelined request) stay in
  // buffer_ for the next request; the watcher then stops.
  void startWatcher() {
    size_t room = buffer_.max_size() - buffer_.size();
    if (room == 0) return;
    watching_ = true;
    stream_.async_read_some(
        buffer_.prepare(std::min(room, kWatchBytes)),
        [self = this->shared_from_this()](beast::error_code ec, size_t n) {
          self->buffer_.commit(n);
          self->watching_ = false;
          if (ec && ec != net::error::operation_aborted) self->peerGone_ = true;
          self->timer_.cancel();
        });
  }

  awaitable<void> stopWatcher() {
    beast::error_code ec;
    if (watching_) lowest().socket().cancel(ec);
    while (watching_) {
      timer_.expires_after(kCloseTimeout);
      co_await timer_.async_wait(ecToken(ec));
    }
  }

  ServerCore& core_;
  Stream stream_;
  beast::flat_buffer buffer_;
  net::steady_timer timer_;  // stream waits; cancelled by wake, shutdown, watcher
  const std::string remote_;
  std::optional<uint64_t> id_;
  std::atomic<bool> streaming_{false};  // read by postWake() from any thread
  State state_ = State::kReading;
  bool shuttingDown_ = false;
  bool wakePending_ = false;
  bool watching_ = false;
  bool peerGone_ = false;
};

void logSessionFailure(std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    log::error("http.session_failed", {{"error", e.what()}});
  } catch (...) {
    log::error("http.session_failed", {{"error", "unknown exception"}});
  }
}

template <class Stream>
void spawn(std::shared_ptr<Session<Stream>> session) {
  auto executor = session->executor();
  net::co_spawn(executor, Session<Stream>::run(std::move(session)), logSessionFailure);
}

}  // namespace

void startPlainSession(ServerCore& core, net::ip::tcp::socket socket) {
  std::string remote = peerAddress(socket);
  spawn(std::make_shared<Session<beast::tcp_stream>>(
      core, beast::tcp_stream(std::move(socket)), std::move(remote)));
}

void startTlsSession(ServerCore& core, net::ssl::context& tls, net::ip::tcp::socket socket) {
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;
  std::string remote = peerAddress(socket);
  spawn(std::make_shared<Session<TlsStream>>(
      core, TlsStream(beast::tcp_stream(std::move(socket)), tls), std::move(remote)));
}

}  // namespace foundry::http::detail
