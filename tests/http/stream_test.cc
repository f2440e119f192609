// Streaming (Server-Sent Events) and graceful stop, against curl.

#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "http/http_test_util.h"
#include "http/server.h"

namespace foundry::http {
namespace {

using namespace std::chrono_literals;
using testing::curl;

// Events pushed by the test, drained by every open stream.
struct EventQueue {
  std::mutex mutex;
  std::deque<std::string> events;
  bool closed = false;
  std::atomic<int> nextCalls{0};
  std::atomic<int> liveStreams{0};

  void push(std::string e) {
    std::lock_guard lock(mutex);
    events.push_back(std::move(e));
  }
  void close() {
    std::lock_guard lock(mutex);
    closed = true;
  }
};

class QueueStream final : public BodyStream {
 public:
  explicit QueueStream(EventQueue& q) : q_(q) { ++q_.liveStreams; }
  ~QueueStream() override { --q_.liveStreams; }
  std::optional<std::string> next() override {
    ++q_.nextCalls;
    std::lock_guard lock(q_.mutex);
    if (!q_.events.empty()) {
      std::string out = "data: " + q_.events.front() + "\n\n";
      q_.events.pop_front();
      return out;
    }
    if (q_.closed) return std::nullopt;
    return std::string();
  }

 private:
  EventQueue& q_;
};

Handler sseHandler(EventQueue& q) {
  return [&q](const Request&) {
    Response r;
    r.headers = {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}};
    r.stream = std::make_unique<QueueStream>(q);
    return r;
  };
}

uint16_t listenLocal(Server& server) {
  auto port = server.listen(ListenerOptions{.address = "127.0.0.1", .port = 0, .tls = std::nullopt});
  EXPECT_TRUE(port);
  return port ? *port : 0;
}

std::string url(uint16_t port, const std::string& rest) {
  return "http://127.0.0.1:" + std::to_string(port) + rest;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 3s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

ServerOptions streamOptions() {
  ServerOptions o;
  o.threads = 2;
  o.streamPoll = 30s;  // events must arrive because of wakeStreams(), not polling
  o.streamHeartbeat = 60s;
  return o;
}

TEST(HttpStream, CurlSeesEventsPushedAfterWakeInOrder) {
  EventQueue q;
  Server server(streamOptions(), sseHandler(q));
  uint16_t port = listenLocal(server);
  server.start();
  testing::LineReader reader(curl("-N -D - " + url(port, "/events")));
  std::string line;
  bool sawType = false;
  while (reader.readLine(line, 3000) && line != "\r") {
    sawType = sawType || line == "Content-Type: text/event-stream\r";
    EXPECT_NE(line, "Content-Length");
  }
  EXPECT_TRUE(sawType);
  ASSERT_TRUE(eventually([&] { return q.liveStreams.load() == 1; }));

  for (int round = 0; round < 3; ++round) {
    auto pushed = std::chrono::steady_clock::now();
    q.push("e" + std::to_string(2 * round));
    q.push("e" + std::to_string(2 * round + 1));
    server.wakeStreams();
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(reader.readLine(line, 3000)) << "round " << round;
      EXPECT_EQ(line, "data: e" + std::to_string(2 * round + i));
      ASSERT_TRUE(reader.readLine(line, 3000));
      EXPECT_EQ(line, "");
    }
    EXPECT_LT(std::chrono::steady_clock::now() - pushed, 2s);
  }
  q.close();
  server.wakeStreams();
  EXPECT_EQ(reader.wait(), 0);  // clean end of the chunked body
  EXPECT_TRUE(eventually([&] { return q.liveStreams.load() == 0; }));
}

// A finished stream ends with the last chunk, and the connection then serves
// the next request (the disconnect watcher was stopped without losing data).
TEST(HttpStream, ConnectionIsReusedAfterAStreamEnds) {
  EventQueue q;
  q.push("only");
  q.close();
  Server server(streamOptions(), [&q](const Request& r) {
    if (r.path == "/events") return sseHandler(q)(r);
    return Response::text(200, "after");
  });
  uint16_t port = listenLocal(server);
  server.start();
  auto res = testing::runCommand(curl("-w '|%{num_connects}|' " + url(port, "/events") + " " +
                                      url(port, "/next")));
  EXPECT_EQ(res.exitCode, 0);
  EXPECT_EQ(res.output, "data: only\n\n|1|after|0|");
}

TEST(HttpStream, Http10GetsCloseDelimitedStream) {
  EventQueue q;
  q.push("x");
  q.close();
  Server server(streamOptions(), sseHandler(q));
  uint16_t port = listenLocal(server);
  server.start();
  bool closed = false;
  std::string reply = testing::rawExchange(port, "GET /e HTTP/1.0\r\n\r\n", 3000, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(reply.find("chunked"), std::string::npos) << reply;
  EXPECT_EQ(reply.substr(reply.size() - 9), "data: x\n\n");
}

TEST(HttpStream, HeartbeatWhenIdle) {
  EventQueue q;
  ServerOptions o = streamOptions();
  o.streamHeartbeat = 200ms;
  Server server(o, sseHandler(q));
  uint16_t port = listenLocal(server);
  server.start();
  testing::LineReader reader(curl("-N " + url(port, "/events")));
  std::string line;
  ASSERT_TRUE(reader.readLine(line, 3000));
  EXPECT_EQ(line, ":");
}

TEST(HttpStream, ClientDisconnectEndsStream) {
  EventQueue q;
  ServerOptions o = streamOptions();
  Server server(o, sseHandler(q));
  uint16_t port = listenLocal(server);
  server.start();
  {
    testing::LineReader reader(curl("-N " + url(port, "/events")));
    ASSERT_TRUE(eventually([&] { return q.liveStreams.load() == 1; }));
  }  // kills curl
  // No write happens (no events, heartbeat far away): the read watcher must notice.
  EXPECT_TRUE(eventually([&] { return q.liveStreams.load() == 0; }, 2s));
  int calls = q.nextCalls.load();
  server.wakeStreams();
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(q.nextCalls.load(), calls);
}

TEST(HttpStream, StopEndsOpenStreamsCleanly) {
  EventQueue q;
  Server server(streamOptions(), sseHandler(q));
  uint16_t port = listenLocal(server);
  server.start();
  testing::LineReader reader(curl("-N " + url(port, "/events")));
  ASSERT_TRUE(eventually([&] { return q.liveStreams.load() == 1; }));
  auto begin = std::chrono::steady_clock::now();
  server.stop(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
  EXPECT_EQ(q.liveStreams.load(), 0);
  EXPECT_EQ(reader.wait(), 0);
}

TEST(HttpStop, WaitsForInFlightRequestAndRefusesNewOnes) {
  std::atomic<bool> entered{false};
  Server server(streamOptions(), [&](const Request& r) {
    if (r.path == "/slow") {
      entered = true;
      std::this_thread::sleep_for(1500ms);
      return Response::text(200, "slow done");
    }
    return Response::text(200, "fast");
  });
  uint16_t port = listenLocal(server);
  server.start();
  // An idle keep-alive connection must not hold stop() up.
  bool idleClosed = false;
  auto idle = std::async(std::launch::async, [&] {
    return testing::rawExchange(port, "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n", 5000, &idleClosed);
  });
  auto slow = std::async(std::launch::async,
                         [&] { return testing::runCommand(curl(url(port, "/slow"))); });
  ASSERT_TRUE(eventually([&] { return entered.load(); }));
  auto begin = std::chrono::steady_clock::now();
  auto stopped = std::async(std::launch::async, [&] { server.stop(10s); });
  EXPECT_TRUE(eventually([&] { return testing::connectRefused(port); }, 1s));
  EXPECT_NE(stopped.wait_for(0s), std::future_status::ready);  // still waiting for /slow
  auto res = slow.get();
  EXPECT_EQ(res.exitCode, 0);
  EXPECT_EQ(res.output, "slow done");
  stopped.get();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
  EXPECT_NE(idle.get().find("fast"), std::string::npos);
  EXPECT_TRUE(idleClosed);
  server.stop();  // idempotent
}

TEST(HttpStop, StopBeforeStartAndFromAnotherThread) {
  Server unused(streamOptions(), [](const Request&) { return Response::text(200, ""); });
  listenLocal(unused);
  unused.stop();
  unused.stop();

  Server server(streamOptions(), [](const Request&) { return Response::text(200, ""); });
  listenLocal(server);
  server.start();
  std::thread a([&] { server.stop(); });
  std::thread b([&] { server.stop(); });
  a.join();
  b.join();
}

}  // namespace
}  // namespace foundry::http
