// The client against a real, independent HTTP/TLS peer (Python's http.server
// and ssl), on loopback ephemeral ports, with certificates from pki.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "client/client.h"
#include "client/peer.h"
#include "pki/pki.h"

namespace foundry::client {
namespace {

using nlohmann::json;

struct Event {
  std::string id, event, data;
};

class ClientNetTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/foundry-client-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    auto main = pki::ensureServerCertificates(root_ + "/main", {"127.0.0.1", "localhost"});
    ASSERT_TRUE(main) << main.error().describe();
    mainTls_ = *main;
    // Same CA, but a server certificate that does not name 127.0.0.1.
    std::filesystem::create_directories(root_ + "/alt");
    std::filesystem::copy(mainTls_.caCert, root_ + "/alt/ca.crt");
    std::filesystem::copy(mainTls_.caKey, root_ + "/alt/ca.key");
    auto alt = pki::ensureServerCertificates(root_ + "/alt", {"other.example"});
    ASSERT_TRUE(alt) << alt.error().describe();
    // An unrelated CA.
    auto other = pki::ensureServerCertificates(root_ + "/other", {"127.0.0.1"});
    ASSERT_TRUE(other) << other.error().describe();
    otherCa_ = other->caCert;
    caFingerprint_ = pki::certificateFingerprint(mainTls_.caCert).value();
    peer_ = new testing::PeerServer({"--cert", mainTls_.serverCert, "--key", mainTls_.serverKey,
                                     "--alt-cert", alt->serverCert, "--alt-key", alt->serverKey});
    ASSERT_TRUE(peer_->ok()) << "peer_server.py did not start";
  }
  static void TearDownTestSuite() {
    delete peer_;
    peer_ = nullptr;
    std::filesystem::remove_all(root_);
  }

  static ClientOptions httpOptions() {
    ClientOptions o;
    o.endpoint = "http://127.0.0.1:" + std::to_string(peer_->httpPort());
    o.timeout = std::chrono::milliseconds(5000);
    return o;
  }
  static ClientOptions httpsOptions(int port = 0) {
    ClientOptions o;
    o.endpoint = "https://127.0.0.1:" + std::to_string(port ? port : peer_->httpsPort());
    o.timeout = std::chrono::milliseconds(5000);
    return o;
  }

  static json echo(Client& client, const std::string& method, const std::string& target,
                   const std::string& body = {}) {
    auto r = client.request(method, target, body);
    EXPECT_TRUE(r) << r.error().describe();
    if (!r) return {};
    EXPECT_EQ(r->status, 200);
    return json::parse(r->body);
  }

  static std::vector<Event> collect(Client& client, const std::string& target,
                                    const std::string& lastId, Status* status = nullptr,
                                    size_t stopAfter = 100) {
    std::vector<Event> events;
    Status st = client.stream(target, lastId, [&](const std::string& id, const std::string& ev,
                                                 const std::string& data) {
      events.push_back({id, ev, data});
      return events.size() < stopAfter;
    });
    if (status != nullptr) {
      *status = st;
    } else {
      EXPECT_TRUE(st) << st.error().describe();
    }
    return events;
  }

  static std::string root_;
  static pki::ServerTlsPaths mainTls_;
  static std::string otherCa_;
  static std::string caFingerprint_;
  static testing::PeerServer* peer_;
};

std::string ClientNetTest::root_;
pki::ServerTlsPaths ClientNetTest::mainTls_;
std::string ClientNetTest::otherCa_;
std::string ClientNetTest::caFingerprint_;
testing::PeerServer* ClientNetTest::peer_ = nullptr;

TEST_F(ClientNetTest, GetAndPostEchoWithBearerToken) {
  auto options = httpOptions();
  options.token = "s3cret";
  Client client(options);
  auto get = echo(client, "GET", "/echo?x=1");
  EXPECT_EQ(get["method"], "GET");
  EXPECT_EQ(get["path"], "/echo?x=1");
  EXPECT_EQ(get["headers"]["authorization"], "Bearer s3cret");
  EXPECT_EQ(get["headers"]["host"], "127.0.0.1:" + std::to_string(peer_->httpPort()));
  EXPECT_EQ(get["headers"]["user-agent"], "foundry/" FOUNDRY_VERSION);

  auto post = echo(client, "POST", "/echo", R"({"a":1})");
  EXPECT_EQ(post["method"], "POST");
  EXPECT_EQ(post["body"], R"({"a":1})");
  EXPECT_EQ(post["headers"]["content-type"], "application/json");
  EXPECT_EQ(post["headers"]["content-length"], "7");

  auto r = client.request("PUT", "/echo", "text", {{"Content-Type", "text/plain"}, {"X-Foo", "bar"}});
  ASSERT_TRUE(r);
  auto put = json::parse(r->body);
  EXPECT_EQ(put["headers"]["content-type"], "text/plain");
  EXPECT_EQ(put["headers"]["x-foo"], "bar");
  EXPECT_EQ(r->header("content-type"), "application/json");
}

TEST_F(ClientNetTest, AnonymousRequestHasNoAuthorization) {
  Client client(httpOptions());
  auto get = echo(client, "GET", "/echo");
  EXPECT_FALSE(get["headers"].contains("authorization"));
}

TEST_F(ClientNetTest, KeepAliveReusesTheConnection) {
  Client client(httpOptions());
  auto a = echo(client, "GET", "/echo");
  auto b = echo(client, "POST", "/echo", "{}");
  auto c = echo(client, "GET", "/echo");
  EXPECT_EQ(a["conn"], b["conn"]);
  EXPECT_EQ(b["conn"], c["conn"]);
}

TEST_F(ClientNetTest, ReconnectsAfterServerClosedIdleConnection) {
  for (const auto& options : {httpOptions(), [] {
                                auto o = httpsOptions();
                                o.caFile = mainTls_.caCert;
                                return o;
                              }()}) {
    Client client(options);
    auto a = echo(client, "GET", "/close");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    // Non-idempotent: must still work, because the closed connection is
    // noticed before anything is sent.
    auto b = echo(client, "POST", "/echo", "{}");
    EXPECT_NE(a["conn"], b["conn"]) << options.endpoint;
    EXPECT_EQ(b["method"], "POST");
  }
}

TEST_F(ClientNetTest, IdempotentRequestIsRetriedWhenConnectionDiesMidRequest) {
  Client client(httpOptions());
  auto a = echo(client, "GET", "/drop-next");
  auto b = echo(client, "GET", "/echo");  // dropped once, then retried on a new connection
  EXPECT_NE(a["conn"], b["conn"]);
  EXPECT_EQ(b["path"], "/echo");
}

TEST_F(ClientNetTest, NonIdempotentRequestIsNotRetriedAfterSending) {
  Client client(httpOptions());
  echo(client, "GET", "/drop-next");
  auto r = client.request("POST", "/echo", "{}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("read the response"), std::string::npos) << r.error().describe();
  echo(client, "GET", "/echo");  // the client recovers on the next call
}

TEST_F(ClientNetTest, TlsWithCaFile) {
  auto options = httpsOptions();
  options.caFile = mainTls_.caCert;
  options.token = "t";
  Client client(options);
  auto a = echo(client, "GET", "/echo");
  auto b = echo(client, "GET", "/echo");
  EXPECT_EQ(a["headers"]["authorization"], "Bearer t");
  EXPECT_EQ(a["conn"], b["conn"]);
}

TEST_F(ClientNetTest, TlsByHostNameWithCaFile) {
  auto options = httpsOptions();
  options.endpoint = "https://localhost:" + std::to_string(peer_->httpsPort());
  options.caFile = mainTls_.caCert;
  Client client(options);
  auto r = client.request("GET", "/echo");
  // localhost may resolve to ::1 first; the peer only listens on 127.0.0.1,
  // and the client must fall through to it.
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, 200);
}

TEST_F(ClientNetTest, TlsWithRightFingerprint) {
  for (std::string fp : {caFingerprint_, caFingerprint_.substr(7)}) {
    auto options = httpsOptions();
    options.caFingerprint = fp;
    Client client(options);
    echo(client, "GET", "/echo");
  }
}

TEST_F(ClientNetTest, TlsWithWrongFingerprintFails) {
  auto options = httpsOptions();
  options.caFingerprint = pki::certificateFingerprint(otherCa_).value();
  Client client(options);
  auto r = client.request("GET", "/echo");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(r.error().message.find("fingerprint " + options.caFingerprint), std::string::npos)
      << r.error().describe();
  EXPECT_NE(r.error().message.find("--ca-fingerprint"), std::string::npos);
}

TEST_F(ClientNetTest, TlsWithWrongCaFileFails) {
  auto options = httpsOptions();
  options.caFile = otherCa_;
  Client client(options);
  auto r = client.request("GET", "/echo");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(r.error().message.find("not signed by a CA in " + otherCa_), std::string::npos)
      << r.error().describe();
}

TEST_F(ClientNetTest, TlsHostnameMismatchFailsInBothModes) {
  for (int mode = 0; mode < 2; ++mode) {
    auto options = httpsOptions(peer_->altPort());
    (mode == 0 ? options.caFile : options.caFingerprint) =
        mode == 0 ? mainTls_.caCert : caFingerprint_;
    Client client(options);
    auto r = client.request("GET", "/echo");
    ASSERT_FALSE(r) << "mode " << mode;
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
    EXPECT_NE(r.error().message.find("not valid for '127.0.0.1'"), std::string::npos)
        << r.error().describe();
    EXPECT_NE(r.error().message.find("DNS:other.example"), std::string::npos)
        << r.error().describe();
  }
}

TEST_F(ClientNetTest, InsecureOnlyWhenAsked) {
  auto options = httpsOptions(peer_->altPort());
  options.insecure = true;
  Client client(options);
  echo(client, "GET", "/echo");
  // Without any trust settings the system store is used, which does not know Foundry's CA.
  Client strict(httpsOptions());
  auto r = strict.request("GET", "/echo");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(ClientNetTest, TlsClientAgainstPlainServerFailsClearly) {
  auto options = httpsOptions(peer_->httpPort());
  options.caFile = mainTls_.caCert;
  Client client(options);
  auto r = client.request("GET", "/echo");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("TLS handshake"), std::string::npos) << r.error().describe();
}

int unusedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(ClientNetTest, ConnectionRefusedNamesTheEndpoint) {
  ClientOptions options;
  options.endpoint = "http://127.0.0.1:" + std::to_string(unusedPort());
  Client client(options);
  auto r = client.request("GET", "/echo");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("cannot connect to " + options.endpoint), std::string::npos)
      << r.error().describe();
  EXPECT_NE(r.error().message.find("refused"), std::string::npos) << r.error().describe();
  EXPECT_NE(r.error().hint.find("foundryd is running"), std::string::npos);
}

TEST_F(ClientNetTest, SlowServerTimesOut) {
  auto options = httpOptions();
  options.timeout = std::chrono::milliseconds(300);
  Client client(options);
  auto start = std::chrono::steady_clock::now();
  auto r = client.request("GET", "/slow?ms=3000");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("timed out after 300 ms"), std::string::npos)
      << r.error().describe();
  EXPECT_LT(took, std::chrono::milliseconds(2500));
  // The same client works again afterwards (on a new connection).
  echo(client, "GET", "/echo");
}

TEST_F(ClientNetTest, BadOptionsAreReportedOnUse) {
  ClientOptions bad;
  bad.endpoint = "ftp://x";
  EXPECT_EQ(Client(bad).request("GET", "/").error().code, ErrorCode::kInvalidArgument);
  auto fp = httpsOptions();
  fp.caFingerprint = "sha256:abc";
  EXPECT_EQ(Client(fp).request("GET", "/").error().code, ErrorCode::kInvalidArgument);
  auto missing = httpsOptions();
  missing.caFile = root_ + "/does-not-exist.pem";
  auto r = Client(missing).request("GET", "/");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does-not-exist.pem"), std::string::npos);
}

TEST_F(ClientNetTest, SseEventsArriveInOrderAndResume) {
  for (const auto& options : {httpOptions(), [] {
                                auto o = httpsOptions();
                                o.caFingerprint = caFingerprint_;
                                return o;
                              }()}) {
    for (const char* target : {"/events", "/events-close"}) {
      Client client(options);
      auto all = collect(client, target, "");
      ASSERT_EQ(all.size(), 5u) << options.endpoint << target;
      for (size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].id, std::to_string(i + 1));
        EXPECT_EQ(all[i].event, "tick");
      }
      EXPECT_EQ(all[0].data, "tick 1");
      EXPECT_EQ(all[2].data, "line a\nline b");

      auto rest = collect(client, target, "3");
      ASSERT_EQ(rest.size(), 2u);
      EXPECT_EQ(rest[0].id, "4");
      EXPECT_EQ(rest[1].id, "5");
    }
  }
}

TEST_F(ClientNetTest, SseStopsWhenCallbackSaysSoAndClientStaysUsable) {
  Client client(httpOptions());
  auto two = collect(client, "/events", "", nullptr, 2);
  ASSERT_EQ(two.size(), 2u);
  auto e = echo(client, "GET", "/echo");
  EXPECT_EQ(e["path"], "/echo");
  auto headers = echo(client, "GET", "/echo");
  EXPECT_FALSE(headers["headers"].contains("last-event-id"));
}

TEST_F(ClientNetTest, SseSendsAcceptAndLastEventIdHeaders) {
  auto options = httpOptions();
  options.token = "tok";
  Client client(options);
  auto events = collect(client, "/events-headers", "42");
  ASSERT_EQ(events.size(), 1u);
  auto headers = json::parse(events[0].data);
  EXPECT_EQ(headers["accept"], "text/event-stream");
  EXPECT_EQ(headers["last-event-id"], "42");
  EXPECT_EQ(headers["authorization"], "Bearer tok");
  events = collect(client, "/events-headers", "");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(json::parse(events[0].data).contains("last-event-id"));
}

TEST_F(ClientNetTest, SseRejectsNonEventStreamReply) {
  Client client(httpOptions());
  Status st;
  collect(client, "/echo", "42", &st);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("did not return an event stream"), std::string::npos)
      << st.error().describe();
}

TEST_F(ClientNetTest, SseHttpErrorCarriesServerMessage) {
  Client client(httpOptions());
  Status st;
  collect(client, "/events-missing", "", &st);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_NE(st.error().message.find("HTTP 404: no such event stream"), std::string::npos)
      << st.error().describe();
  EXPECT_EQ(st.error().hint, "check the path");
}

}  // namespace
}  // namespace foundry::client
