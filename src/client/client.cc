#include "client/client.h"

// GCC 12 with Boost 1.74: Asio needs <utility> before its own headers.
#include <utility>

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <exception>
#include <vector>

#include "client/endpoint.h"
#include "client/errors.h"
#include "client/sse.h"
#include "client/tls.h"

namespace foundry::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using ErrorCodeT = boost::system::error_code;
using Request = http::request<http::string_body>;

namespace {

constexpr std::uint64_t kMaxResponseBody = 64ULL << 20;
constexpr std::uint32_t kMaxResponseHeader = 64U << 10;
constexpr std::size_t kMaxErrorBody = 64U << 10;
constexpr std::size_t kStreamBuffer = 16U << 10;
constexpr const char* kUserAgent = "foundry/" FOUNDRY_VERSION;

bool isIdempotent(const std::string& method) {
  static constexpr std::array kIdempotent = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"};
  return std::any_of(kIdempotent.begin(), kIdempotent.end(),
                     [&](const char* m) { return method == m; });
}

// Errors that mean "the server had already closed this kept-alive connection".
bool isStaleConnection(const ErrorCodeT& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

std::string_view toStd(beast::string_view s) { return {s.data(), s.size()}; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Completion handlers pass a byte count or an endpoint after the error code;
// only the former is interesting.
template <class T>
void keepByteCount(std::size_t& n, const T& value) {
  if constexpr (std::is_same_v<T, std::size_t>) n = value;
}

}  // namespace

std::string HttpResponse::header(const std::string& lowerName) const {
  auto it = headers.find(lowerName);
  return it == headers.end() ? std::string() : it->second;
}

struct Client::Impl {
  ClientOptions options;
  Endpoint endpoint;
  TlsVerifier verifier;
  Status setup;  // a construction-time error, reported by every call
  asio::io_context ioc;
  std::optional<asio::ssl::context> sslCtx;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  explicit Impl(ClientOptions opts) : options(std::move(opts)) {
    auto ep = parseEndpoint(options.endpoint);
    if (!ep) {
      setup = tl::unexpected(ep.error());
      return;
    }
    endpoint = *ep;
    if (!endpoint.tls) return;
    auto v = makeVerifier(options.caFile, options.caFingerprint, options.insecure, endpoint.host);
    if (!v) {
      setup = tl::unexpected(v.error());
      return;
    }
    verifier = std::move(*v);
    sslCtx.emplace(asio::ssl::context::tls_client);
    setup = configureTlsContext(sslCtx->native_handle(), verifier);
  }

  bool connected() const { return plain.has_value() || tls.has_value(); }
  beast::tcp_stream& lowest() { return tls ? tls->next_layer() : *plain; }

  // Runs the asynchronous operation started by `start` to completion; the
  // tcp_stream's expiry turns a stalled operation into beast::error::timeout.
  template <class Start>
  ErrorCodeT run(Start&& start, std::size_t* transferred = nullptr) {
    ErrorCodeT result = asio::error::would_block;
    std::size_t n = 0;
    start([&result, &n](ErrorCodeT ec, auto... rest) {
      result = ec;
      (keepByteCount(n, rest), ...);
    });
    ioc.restart();
    ioc.run();
    if (transferred != nullptr) *transferred = n;
    return result;
  }

  template <class F>
  auto withStream(F&& f) {
    lowest().expires_after(options.timeout);
    if (tls) return f(*tls);
    return f(*plain);
  }

  void close() {
    if (connected()) {
      ErrorCodeT ignored;
      lowest().socket().close(ignored);
    }
    tls.reset();
    plain.reset();
    buffer.clear();
  }

  // A kept-alive connection is reusable only if nothing is readable on it:
  // readable means the server closed it (FIN / close_notify) or sent junk.
  bool reusable() {
    if (!connected()) return false;
    pollfd pfd{lowest().socket().native_handle(), POLLIN, 0};
    return ::poll(&pfd, 1, 0) == 0;
  }

  tl::unexpected<Error> transportError(Phase phase, const ErrorCodeT& ec) const {
    return tl::unexpected(transportFailure(endpoint, phase, ec.message(),
                                           ec == beast::error::timeout, options.timeout));
  }

  Status connect();
  Status exchangeOnce(Request& req, const std::function<ErrorCodeT()>& readResponse,
                      bool& retryable);
  template <class Parser>
  Status exchange(Request& req, std::optional<Parser>& parser, bool headerOnly);
  Request makeRequest(const std::string& method, const std::string& target, const std::string& body,
                      const std::map<std::string, std::string>& headers) const;
  Result<HttpResponse> request(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::map<std::string, std::string>& headers);
  Status stream(const std::string& target, const std::string& lastEventId,
                const std::function<bool(const std::string&, const std::string&,
                                         const std::string&)>& onEvent);
  Status pumpEvents(http::response_parser<http::buffer_body>& parser,
                    const std::function<bool(const std::string&, const std::string&,
                                             const std::string&)>& onEvent);
  Result<std::string> readErrorBody(http::response_parser<http::buffer_body>& parser);
};

Status Client::Impl::connect() {
  close();
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type results;
  ErrorCodeT ec = run([&](auto handler) {
    resolver.async_resolve(endpoint.host, endpoint.port,
                           [&results, handler](ErrorCodeT e, tcp::resolver::results_type r) mutable {
                             results = std::move(r);
                             handler(e);
                           });
  });
  if (ec) return transportError(Phase::kResolve, ec);
  if (endpoint.tls) {
    tls.emplace(ioc, *sslCtx);
  } else {
    plain.emplace(ioc);
  }
  lowest().expires_after(options.timeout);
  ec = run([&](auto handler) { lowest().async_connect(results, handler); });
  if (ec) {
    close();
    return transportError(Phase::kConnect, ec);
  }
  if (!tls) return {};
  if (auto st = configureTlsConnection(tls->native_handle(), endpoint); !st) {
    close();
    return st;
  }
  verifier.failure.clear();
  lowest().expires_after(options.timeout);
  ec = run([&](auto handler) { tls->async_handshake(asio::ssl::stream_base::client, handler); });
  if (ec) {
    close();
    if (!verifier.failure.empty()) return tl::unexpected(tlsVerifyFailure(endpoint, verifier.failure));
    return transportError(Phase::kTls, ec);
  }
  return {};
}

Request Client::Impl::makeRequest(const std::string& method, const std::string& target,
                                  const std::string& body,
                                  const std::map<std::string, std::string>& headers) const {
  Request req;
  http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    req.method_string(method);
  } else {
    req.method(verb);
  }
  req.target(endpoint.basePath + target);
  req.version(11);
  req.set(http::field::host, endpoint.hostHeader);
  req.set(http::field::user_agent, kUserAgent);
  if (!options.token.empty()) req.set(http::field::authorization, "Bearer " + options.token);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  if (!body.empty() || verb == http::verb::post || verb == http::verb::put ||
      verb == http::verb::patch) {
    req.prepare_payload();
  }
  return req;
}

// One attempt on the current (or a fresh) connection. `retryable` is set when
// the failure shows a stale kept-alive connection and the request may be
// repeated: nothing was sent, or the method is idempotent and no response
// byte arrived.
Status Client::Impl::exchangeOnce(Request& req, const std::function<ErrorCodeT()>& readResponse,
                                  bool& retryable) {
  retryable = false;
  const bool reused = reusable();
  if (!reused) {
    if (auto st = connect(); !st) return st;
  }
  const bool idempotent = isIdempotent(std::string(req.method_string()));
  std::size_t sent = 0;
  ErrorCodeT ec = withStream(
      [&](auto& s) { return run([&](auto handler) { http::async_write(s, req, handler); }, &sent); });
  if (ec) {
    close();
    retryable = reused && isStaleConnection(ec) && (idempotent || sent == 0);
    return transportError(Phase::kWrite, ec);
  }
  ec = readResponse();
  if (ec) {
    close();
    retryable = reused && idempotent && isStaleConnection(ec);
    return transportError(Phase::kRead, ec);
  }
  return {};
}

template <class Parser>
Status Client::Impl::exchange(Request& req, std::optional<Parser>& parser, bool headerOnly) {
  for (int attempt = 0;; ++attempt) {
    parser.emplace();
    parser->header_limit(kMaxResponseHeader);
    parser->body_limit(kMaxResponseBody);
    auto readResponse = [&]() {
      return withStream([&](auto& s) {
        return run([&](auto handler) {
          if (headerOnly) {
            http::async_read_header(s, buffer, *parser, handler);
          } else {
            http::async_read(s, buffer, *parser, handler);
          }
        });
      });
    };
    bool retryable = false;
    Status st = exchangeOnce(req, readResponse, retryable);
    // A stale connection that already returned part of a response is not
    // retryable; exchangeOnce only flags retry when the parser saw nothing.
    if (st || !retryable || attempt > 0 || parser->got_some()) return st;
  }
}

Result<HttpResponse> Client::Impl::request(const std::string& method, const std::string& target,
                                           const std::string& body,
                                           const std::map<std::string, std::string>& headers) {
  if (!setup) return tl::unexpected(setup.error());
  Request req = makeRequest(method, target, body, headers);
  std::optional<http::response_parser<http::string_body>> parser;
  if (auto st = exchange(req, parser, false); !st) return tl::unexpected(st.error());
  auto& msg = parser->get();
  HttpResponse out;
  out.status = static_cast<int>(msg.result_int());
  for (const auto& field : msg) {
    std::string name = lower(toStd(field.name_string()));
    auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  out.body = std::move(msg.body());
  if (!msg.keep_alive()) close();
  return out;
}

Result<std::string> Client::Impl::readErrorBody(http::response_parser<http::buffer_body>& parser) {
  std::string body;
  std::array<char, 4096> buf{};
  while (!parser.is_done() && body.size() < kMaxErrorBody) {
    parser.get().body().data = buf.data();
    parser.get().body().size = buf.size();
    ErrorCodeT ec = withStream([&](auto& s) {
      return run([&](auto handler) { http::async_read_some(s, buffer, parser, handler); });
    });
    body.append(buf.data(), buf.size() - parser.get().body().size);
    if (ec && ec != http::error::need_buffer) break;
  }
  return body;
}

Status Client::Impl::pumpEvents(
    http::response_parser<http::buffer_body>& parser,
    const std::function<bool(const std::string&, const std::string&, const std::string&)>& onEvent) {
  SseParser sse;
  std::vector<SseEvent> events;
  std::vector<char> buf(kStreamBuffer);
  while (!parser.is_done()) {
    parser.get().body().data = buf.data();
    parser.get().body().size = buf.size();
    ErrorCodeT ec = withStream([&](auto& s) {
      return run([&](auto handler) { http::async_read_some(s, buffer, parser, handler); });
    });
    const std::size_t got = buf.size() - parser.get().body().size;
    events.clear();
    if (auto st = sse.feed(std::string_view(buf.data(), got), events); !st) return st;
    for (const auto& e : events) {
      if (!onEvent(e.id, e.event, e.data)) return {};
    }
    if (ec == http::error::need_buffer) continue;
    // A close-delimited stream over TLS often ends without close_notify.
    // Tolerable here: only complete events were delivered, a partial one is
    // discarded by the parser, and the caller resumes with Last-Event-ID.
    if (ec == asio::ssl::error::stream_truncated && !parser.chunked() &&
        !parser.content_length()) {
      return {};
    }
    if (ec) return transportError(Phase::kStream, ec);
  }
  return {};
}

Status Client::Impl::stream(
    const std::string& target, const std::string& lastEventId,
    const std::function<bool(const std::string&, const std::string&, const std::string&)>& onEvent) {
  if (!setup) return setup;
  std::map<std::string, std::string> headers{{"Accept", "text/event-stream"},
                                             {"Cache-Control", "no-cache"}};
  if (!lastEventId.empty()) headers.emplace("Last-Event-ID", lastEventId);
  Request req = makeRequest("GET", target, {}, headers);
  std::optional<http::response_parser<http::buffer_body>> parser;
  if (auto st = exchange(req, parser, true); !st) return st;
  const int status = static_cast<int>(parser->get().result_int());
  Status result;
  if (status < 200 || status > 299) {
    auto body = readErrorBody(*parser);
    result = tl::unexpected(httpStatusFailure("GET " + target, status, body.value_or(std::string())));
  } else if (!lower(toStd(parser->get()[http::field::content_type])).starts_with("text/event-stream")) {
    result = fail(ErrorCode::kInternal,
                  "GET " + target + " did not return an event stream (Content-Type: " +
                      std::string(parser->get()[http::field::content_type]) + ")",
                  {}, "check that " + endpoint.text + " is a Foundry server");
  } else {
    result = pumpEvents(*parser, onEvent);
  }
  close();  // the stream owned the connection; never reuse a half-read one
  return result;
}

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;

Result<HttpResponse> Client::request(const std::string& method, const std::string& target,
                                     const std::string& body,
                                     const std::map<std::string, std::string>& headers) {
  try {
    return impl_->request(method, target, body, headers);
  } catch (const std::exception& e) {
    impl_->close();
    return fail(ErrorCode::kInternal, method + " " + target + ": " + e.what());
  }
}

Status Client::stream(const std::string& target, const std::string& lastEventId,
                      const std::function<bool(const std::string& id, const std::string& event,
                                               const std::string& data)>& onEvent) {
  try {
    return impl_->stream(target, lastEventId, onEvent);
  } catch (const std::exception& e) {
    impl_->close();
    return fail(ErrorCode::kInternal, "GET " + target + ": " + e.what());
  }
}

}  // namespace foundry::client
