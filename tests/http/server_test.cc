// The server against a real client: curl (and raw sockets for what curl will
// not send). Hermetic: 127.0.0.1, port 0, temp dirs.

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "http/http_test_util.h"
#include "http/server.h"

namespace foundry::http {
namespace {

using namespace std::chrono_literals;
using testing::curl;
using testing::runCommand;

ServerOptions smallOptions() {
  ServerOptions o;
  o.threads = 2;
  return o;
}

uint16_t listenLocal(Server& server, std::optional<TlsFiles> tls = std::nullopt) {
  auto port = server.listen(ListenerOptions{.address = "127.0.0.1", .port = 0, .tls = tls});
  EXPECT_TRUE(port) << (port ? "" : port.error().describe());
  return port ? *port : 0;
}

std::string url(uint16_t port, const std::string& rest, const char* scheme = "http") {
  return std::string(scheme) + "://127.0.0.1:" + std::to_string(port) + rest;
}

// Records every request the handler sees.
struct Recorder {
  std::mutex mutex;
  std::vector<Request> seen;
  Handler handler(std::string reply = "ok") {
    return [this, reply](const Request& r) {
      std::lock_guard lock(mutex);
      seen.push_back(r);
      return Response::text(200, reply);
    };
  }
  size_t count() {
    std::lock_guard lock(mutex);
    return seen.size();
  }
};

TEST(HttpServer, GetDeliversDecodedPathQueryAndHeaders) {
  Recorder rec;
  Server server(smallOptions(), rec.handler("hello"));
  uint16_t port = listenLocal(server);
  server.start();
  auto res = runCommand(curl("-i -H 'X-Custom: Value 1' '" +
                             url(port, "/api/a%20b/c?x=1&y=hello%20world&x=2&p=a+b") + "'"));
  ASSERT_EQ(res.exitCode, 0);
  EXPECT_NE(res.output.find("HTTP/1.1 200 OK"), std::string::npos) << res.output;
  EXPECT_NE(res.output.find("Server: foundry"), std::string::npos);
  EXPECT_NE(res.output.find("Content-Length: 5"), std::string::npos);
  EXPECT_NE(res.output.find("Content-Type: text/plain"), std::string::npos);
  EXPECT_EQ(res.output.substr(res.output.size() - 5), "hello");

  ASSERT_EQ(rec.count(), 1U);
  const Request& r = rec.seen[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/api/a%20b/c?x=1&y=hello%20world&x=2&p=a+b");
  EXPECT_EQ(r.path, "/api/a b/c");
  EXPECT_EQ(r.query.count("x"), 2U);
  EXPECT_EQ(r.query.find("y")->second, "hello world");
  EXPECT_EQ(r.query.find("p")->second, "a b");
  EXPECT_EQ(r.header("x-custom"), "Value 1");
  EXPECT_EQ(r.remoteAddress, "127.0.0.1");
  EXPECT_FALSE(r.tls);
}

TEST(HttpServer, PostBodyReachesHandlerAndJsonHelperSetsType) {
  testing::TempDir dir;
  std::string body = "line one\nline two\n" + std::string(100'000, 'z');
  testing::writeFile(dir.path() + "/body", body);
  Server server(smallOptions(), [](const Request& r) {
    return Response::json(201, "{\"size\":" + std::to_string(r.body.size()) + "}");
  });
  uint16_t port = listenLocal(server);
  server.start();
  auto res = runCommand(curl("-i --data-binary @" + dir.path() + "/body " + url(port, "/p")));
  ASSERT_EQ(res.exitCode, 0);
  EXPECT_NE(res.output.find("HTTP/1.1 201"), std::string::npos) << res.output;
  EXPECT_NE(res.output.find("Content-Type: application/json"), std::string::npos);
  EXPECT_NE(res.output.find("{\"size\":" + std::to_string(body.size()) + "}"), std::string::npos);
}

TEST(HttpServer, KeepAliveReusesTheConnection) {
  Recorder rec;
  Server server(smallOptions(), rec.handler());
  uint16_t port = listenLocal(server);
  server.start();
  auto res = runCommand(curl("-o /dev/null -o /dev/null -w '%{num_connects}\\n' " +
                             url(port, "/one") + " " + url(port, "/two")));
  ASSERT_EQ(res.exitCode, 0);
  EXPECT_EQ(res.output, "1\n0\n");  // second transfer used the first connection
  ASSERT_EQ(rec.count(), 2U);
  EXPECT_EQ(rec.seen[0].path, "/one");
  EXPECT_EQ(rec.seen[1].path, "/two");
}

TEST(HttpServer, HeadSendsLengthWithoutBody) {
  Server server(smallOptions(), [](const Request&) { return Response::text(200, "12345"); });
  uint16_t port = listenLocal(server);
  server.start();
  auto res = runCommand(curl("-I " + url(port, "/")));
  ASSERT_EQ(res.exitCode, 0);
  EXPECT_NE(res.output.find("Content-Length: 5"), std::string::npos) << res.output;
  EXPECT_EQ(res.output.find("12345"), std::string::npos);
}

TEST(HttpServer, OversizedBodyGets413WithJsonError) {
  testing::TempDir dir;
  ServerOptions options = smallOptions();
  options.maxBodyBytes = 1024;
  std::atomic<int> calls{0};
  Server server(options, [&](const Request&) {
    ++calls;
    return Response::text(200, "ok");
  });
  uint16_t port = listenLocal(server);
  server.start();
  // Small overshoot (sent at once) and large (curl waits for 100-continue).
  for (size_t size : {size_t{4096}, size_t{3 * 1024 * 1024}}) {
    testing::writeFile(dir.path() + "/big", std::string(size, 'x'));
    auto res = runCommand(curl("-w '\\n%{http_code}' --data-binary @" + dir.path() + "/big " +
                               url(port, "/upload")));
    EXPECT_EQ(res.exitCode, 0) << size;
    EXPECT_NE(res.output.find("\"code\":\"too_large\""), std::string::npos) << res.output;
    EXPECT_EQ(res.output.substr(res.output.size() - 3), "413") << res.output;
  }
  EXPECT_EQ(calls.load(), 0);
  // A body within the limit still works afterwards.
  auto ok = runCommand(curl("-d small " + url(port, "/upload")));
  EXPECT_EQ(ok.output, "ok");
}

TEST(HttpServer, MalformedRequestsGet400AndClose) {
  std::atomic<int> calls{0};
  Server server(smallOptions(), [&](const Request&) {
    ++calls;
    return Response::text(200, "ok");
  });
  uint16_t port = listenLocal(server);
  server.start();
  const char* cases[] = {
      "GARBAGE\r\n\r\n",
      "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
  };
  for (const char* raw : cases) {
    bool closed = false;
    std::string reply = testing::rawExchange(port, raw, 3000, &closed);
    EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0U) << raw << " -> " << reply;
    EXPECT_NE(reply.find("\"error\""), std::string::npos) << reply;
    EXPECT_TRUE(closed) << raw;
  }
  std::string big = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n";
  EXPECT_EQ(testing::rawExchange(port, big, 3000, nullptr).rfind("HTTP/1.1 431", 0), 0U);
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(runCommand(curl(url(port, "/"))).output, "ok");  // still serving
}

TEST(HttpServer, IdleConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options = smallOptions();
  options.idleTimeout = 200ms;
  Server server(options, [](const Request&) { return Response::text(200, "ok"); });
  uint16_t port = listenLocal(server);
  server.start();
  bool closed = false;
  auto begin = std::chrono::steady_clock::now();
  std::string reply = testing::rawExchange(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 5000, &closed);
  EXPECT_NE(reply.find("ok"), std::string::npos);
  EXPECT_TRUE(closed);  // the keep-alive connection went idle and was closed
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
}

TEST(HttpServer, HandlerExceptionBecomes500) {
  Server server(smallOptions(), [](const Request&) -> Response {
    throw std::runtime_error("boom");
  });
  uint16_t port = listenLocal(server);
  server.start();
  auto res = runCommand(curl("-w '\\n%{http_code}' " + url(port, "/x")));
  ASSERT_EQ(res.exitCode, 0);
  EXPECT_NE(res.output.find("\"code\":\"internal\""), std::string::npos) << res.output;
  EXPECT_EQ(res.output.substr(res.output.size() - 3), "500");
  EXPECT_EQ(runCommand(curl("-o /dev/null -w '%{http_code}' " + url(port, "/x"))).output, "500");
}

TEST(HttpServer, OnRequestReportsEachResponse) {
  std::mutex mutex;
  std::vector<std::pair<int, size_t>> reports;
  ServerOptions options = smallOptions();
  options.onRequest = [&](const Request& r, int status, size_t bytes, double seconds) {
    std::lock_guard lock(mutex);
    EXPECT_GE(seconds, 0.0);
    EXPECT_EQ(r.path, "/r");
    reports.emplace_back(status, bytes);
  };
  Server server(options, [](const Request&) { return Response::text(404, "nope"); });
  uint16_t port = listenLocal(server);
  server.start();
  runCommand(curl(url(port, "/r")));
  server.stop();
  ASSERT_EQ(reports.size(), 1U);
  EXPECT_EQ(reports[0], std::make_pair(404, size_t{4}));
}

TEST(HttpServer, BindErrorSaysWhereAndWhat) {
  Server first(smallOptions(), [](const Request&) { return Response::text(200, ""); });
  uint16_t port = listenLocal(first);
  Server second(smallOptions(), [](const Request&) { return Response::text(200, ""); });
  auto again = second.listen(ListenerOptions{.address = "127.0.0.1", .port = port, .tls = std::nullopt});
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << again.error().message;
  EXPECT_FALSE(again.error().hint.empty());
  auto bad = second.listen(ListenerOptions{.address = "not-an-ip", .port = 0, .tls = std::nullopt});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST(HttpServer, PortsReportsEveryListener) {
  Server server(smallOptions(), [](const Request&) { return Response::text(200, "x"); });
  uint16_t a = listenLocal(server);
  uint16_t b = listenLocal(server);
  EXPECT_EQ(server.ports(), (std::vector<uint16_t>{a, b}));
  server.start();
  EXPECT_EQ(runCommand(curl(url(b, "/"))).output, "x");
}

class HttpTls : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::makeSelfSignedCert(dir_.path())) GTEST_SKIP() << "openssl CLI failed";
    files_ = TlsFiles{dir_.path() + "/cert.pem", dir_.path() + "/key.pem"};
  }
  std::string cacert() const { return "--cacert " + dir_.path() + "/cert.pem "; }
  testing::TempDir dir_;
  TlsFiles files_;
};

TEST_F(HttpTls, ServesHttpsAndMarksRequests) {
  Recorder rec;
  Server server(smallOptions(), rec.handler("secure"));
  uint16_t tlsPort = listenLocal(server, files_);
  uint16_t plainPort = listenLocal(server);
  server.start();
  auto res = runCommand(curl(cacert() + "-o /dev/null -o /dev/null -w '%{num_connects}' " +
                             url(tlsPort, "/s", "https") + " " + url(tlsPort, "/s", "https")));
  EXPECT_EQ(res.exitCode, 0);
  EXPECT_EQ(res.output, "10");  // keep-alive over TLS too
  EXPECT_EQ(runCommand(curl(cacert() + url(tlsPort, "/s", "https"))).output, "secure");
  EXPECT_EQ(runCommand(curl(url(plainPort, "/p"))).output, "secure");
  ASSERT_EQ(rec.count(), 4U);
  EXPECT_TRUE(rec.seen[0].tls);
  EXPECT_FALSE(rec.seen[3].tls);
}

// Emits "data: 0".."data: n-1" then ends.
class CountingStream final : public BodyStream {
 public:
  explicit CountingStream(int n) : n_(n) {}
  std::optional<std::string> next() override {
    if (i_ == n_) return std::nullopt;
    return "data: " + std::to_string(i_++) + "\n\n";
  }

 private:
  int n_;
  int i_ = 0;
};

TEST_F(HttpTls, StreamsOverTlsAndKeepsTheConnection) {
  Server server(smallOptions(), [](const Request& r) {
    if (r.path != "/events") return Response::text(200, "next");
    Response res;
    res.headers = {{"Content-Type", "text/event-stream"}};
    res.stream = std::make_unique<CountingStream>(3);
    return res;
  });
  uint16_t port = listenLocal(server, files_);
  server.start();
  auto res = runCommand(curl(cacert() + "-w '|%{num_connects}|' " + url(port, "/events", "https") +
                             " " + url(port, "/n", "https")));
  EXPECT_EQ(res.exitCode, 0);
  EXPECT_EQ(res.output, "data: 0\n\ndata: 1\n\ndata: 2\n\n|1|next|0|");
}

TEST_F(HttpTls, RefusesOldProtocolVersions) {
  Server server(smallOptions(), [](const Request&) { return Response::text(200, "x"); });
  uint16_t port = listenLocal(server, files_);
  server.start();
  auto res = runCommand(curl(cacert() + "--tlsv1.0 --tls-max 1.1 " + url(port, "/", "https")));
  EXPECT_NE(res.exitCode, 0);
  auto ok = runCommand(curl(cacert() + "--tlsv1.2 --tls-max 1.2 " + url(port, "/", "https")));
  EXPECT_EQ(ok.output, "x");
}

TEST_F(HttpTls, PlainHttpClientIsRejectedCleanly) {
  Server server(smallOptions(), [](const Request&) { return Response::text(200, "x"); });
  uint16_t port = listenLocal(server, files_);
  server.start();
  auto res = runCommand(curl("-w '\\n%{http_code}' " + url(port, "/")));
  EXPECT_EQ(res.exitCode, 0);
  EXPECT_NE(res.output.find("https://"), std::string::npos) << res.output;
  EXPECT_EQ(res.output.substr(res.output.size() - 3), "400");
  EXPECT_EQ(runCommand(curl(cacert() + url(port, "/", "https"))).output, "x");  // unharmed
}

TEST_F(HttpTls, BadKeyFileIsAnError) {
  Server server(smallOptions(), [](const Request&) { return Response::text(200, "x"); });
  auto res = server.listen(ListenerOptions{
      .address = "127.0.0.1", .port = 0, .tls = TlsFiles{files_.certChainPath, "/nonexistent.pem"}});
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message.find("/nonexistent.pem"), std::string::npos);
}

}  // namespace
}  // namespace foundry::http
