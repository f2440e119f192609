// foundryd as a process: start-up artefacts, HTTPS with a pinned CA, the data
// directory lock, graceful SIGTERM, and no acknowledged write lost to kill -9.

#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "client/client.h"
#include "pki/pki.h"
#include "store/store.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace foundry::testing {
namespace {

using nlohmann::json;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class FoundrydTest : public ::testing::Test {
 protected:
  std::unique_ptr<Process> start(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{FOUNDRYD_PATH, "--data-dir", dir_.path(), "--api-listen",
                                  "127.0.0.1:0", "--threads", "4"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ::unlink(dir_.file("api.endpoint").c_str());
    auto p = std::make_unique<Process>(argv, dir_.file("foundryd.log"));
    for (int i = 0; i < 200 && p->running(); ++i) {
      if (!trim(readFile(dir_.file("api.endpoint"))).empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return p;
  }
  std::string endpoint() { return trim(readFile(dir_.file("api.endpoint"))); }
  std::unique_ptr<client::Client> client(bool withToken = true) {
    client::ClientOptions o;
    o.endpoint = endpoint();
    o.caFile = dir_.file("tls/ca.crt");
    if (withToken) o.token = trim(readFile(dir_.file("admin.token")));
    return std::make_unique<client::Client>(o);
  }

  TempDir dir_;
};

TEST_F(FoundrydTest, FirstStartCreatesCredentialCaAndServesHttps) {
  auto server = start();
  ASSERT_TRUE(server->running()) << readFile(dir_.file("foundryd.log"));
  ASSERT_EQ(endpoint().rfind("https://127.0.0.1:", 0), 0u) << endpoint();
  struct stat st {};
  ASSERT_EQ(::stat(dir_.file("admin.token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  ASSERT_EQ(::stat(dir_.file("tls/ca.crt").c_str(), &st), 0);

  auto c = client();
  auto info = c->request("GET", "/api/v1/info");
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ(json::parse(info->body)["version"], FOUNDRY_VERSION);
  auto created = c->request("POST", "/api/v1/machines", R"({"name":"m1","spec":{}})");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);

  // The CA can be pinned by fingerprint instead of by file.
  auto fp = pki::certificateFingerprint(dir_.file("tls/ca.crt"));
  ASSERT_TRUE(fp);
  client::ClientOptions pinned;
  pinned.endpoint = endpoint();
  pinned.caFingerprint = *fp;
  pinned.token = trim(readFile(dir_.file("admin.token")));
  client::Client byFingerprint(pinned);
  auto ok = byFingerprint.request("GET", "/api/v1/machines/m1");
  ASSERT_TRUE(ok) << ok.error().describe();
  EXPECT_EQ(ok->status, 200);
  pinned.caFingerprint = "sha256:" + std::string(64, '0');
  client::Client wrongPin(pinned);
  EXPECT_FALSE(wrongPin.request("GET", "/api/v1/info"));

  // The admin credential never reaches the log.
  std::string secret = trim(readFile(dir_.file("admin.token")));
  EXPECT_EQ(readFile(dir_.file("foundryd.log")).find(secret.substr(secret.find('_', 4) + 1)),
            std::string::npos);
}

TEST_F(FoundrydTest, SecondInstanceOnTheSameDataDirRefusesToStart) {
  auto first = start();
  ASSERT_TRUE(first->running());
  std::string out;
  int code = runCommand({FOUNDRYD_PATH, "--data-dir", dir_.path(), "--api-listen", "127.0.0.1:0"},
                        &out, std::chrono::milliseconds(10'000));
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("another foundryd (pid " + std::to_string(first->pid()) + ")"),
            std::string::npos) << out;
  EXPECT_TRUE(first->running()) << "the first instance is undisturbed";
}

TEST_F(FoundrydTest, SigtermDrainsFlushesAndExitsZero) {
  auto server = start();
  ASSERT_TRUE(server->running());
  {
    auto c = client();
    for (int i = 0; i < 20; ++i) {
      auto r = c->request("POST", "/api/v1/machines", json{{"name", "m" + std::to_string(i)}, {"spec", json::object()}}.dump());
      ASSERT_TRUE(r && r->status == 201);
    }
  }
  server->signal(SIGTERM);
  auto code = server->wait(std::chrono::milliseconds(15'000));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << readFile(dir_.file("foundryd.log"));
  EXPECT_NE(readFile(dir_.file("foundryd.log")).find("foundryd.stopped"), std::string::npos);
  auto again = start();
  ASSERT_TRUE(again->running());
  auto listed = client()->request("GET", "/api/v1/machines?limit=100");
  ASSERT_TRUE(listed);
  EXPECT_EQ(json::parse(listed->body)["total"], 20);
}

TEST_F(FoundrydTest, KillNineLosesNoAcknowledgedWrite) {
  auto server = start();
  ASSERT_TRUE(server->running());
  std::atomic<bool> stop{false};
  std::vector<std::vector<std::string>> acked(3);
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      auto c = client();
      for (int i = 0; !stop; ++i) {
        std::string name = "w" + std::to_string(w) + "-" + std::to_string(i);
        auto r = c->request("POST", "/api/v1/machines", json{{"name", name}, {"spec", {{"i", i}}}}.dump());
        if (!r) return;  // the server died mid-request: not acknowledged
        if (r->status == 201) acked[w].push_back(name);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server->signal(SIGKILL);
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(server->wait(std::chrono::milliseconds(5000)).value_or(-1), 128 + SIGKILL);
  size_t total = acked[0].size() + acked[1].size() + acked[2].size();
  ASSERT_GT(total, 10u) << "the writers should have got some writes acknowledged";

  // Open the store directly: every acknowledged object is there.
  SystemClock clock;
  auto st = store::openSqliteStore({dir_.file("foundry.db"), store::Durability::kProcess, &clock});
  ASSERT_TRUE(st) << st.error().describe();
  for (const auto& names : acked) {
    for (const auto& name : names) EXPECT_TRUE((*st)->get("Machine", name)) << name << " lost";
  }
  auto events = (*st)->events({0, {"Machine"}, {}, {}, 100000});
  ASSERT_TRUE(events);
  EXPECT_GE(events->size(), total);
  std::cout << "[          ] acknowledged before kill -9: " << total << ", all present\n";
}

TEST_F(FoundrydTest, CheckConfigValidatesAndPrintsEffectiveConfig) {
  std::string out;
  EXPECT_EQ(runCommand({FOUNDRYD_PATH, "check-config", "--data-dir", "/srv/x", "--api-listen", "127.0.0.1:9443"}, &out), 0);
  EXPECT_NE(out.find("data_dir: /srv/x"), std::string::npos) << out;
  EXPECT_NE(out.find("127.0.0.1:9443"), std::string::npos) << out;
  std::string cfg = dir_.file("bad.yaml");
  {
    std::ofstream(cfg) << "api:\n  lisen: 1.2.3.4:5\n";
  }
  EXPECT_EQ(runCommand({FOUNDRYD_PATH, "check-config", "-c", cfg}, &out), 2);
  EXPECT_NE(out.find("unknown config key 'api.lisen'"), std::string::npos) << out;
  EXPECT_EQ(runCommand({FOUNDRYD_PATH, "check-config", "--api-plain-listen", "0.0.0.0:80"}, &out), 2);
  EXPECT_NE(out.find("allow_plain_http"), std::string::npos) << out;
  EXPECT_EQ(runCommand({FOUNDRYD_PATH, "--help"}, &out), 0);
  EXPECT_NE(out.find("--data-dir"), std::string::npos);
}

TEST_F(FoundrydTest, JsonLogsAreOneObjectPerLine) {
  auto server = start({"--log-format", "json"});
  ASSERT_TRUE(server->running());
  server->signal(SIGTERM);
  ASSERT_EQ(server->wait(std::chrono::milliseconds(15'000)).value_or(-1), 0);
  std::istringstream lines(readFile(dir_.file("foundryd.log")));
  std::string line;
  std::set<std::string> events;
  while (std::getline(lines, line)) {
    auto j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    events.insert(j.value("event", ""));
  }
  EXPECT_TRUE(events.count("foundryd.ready"));
  EXPECT_TRUE(events.count("foundryd.stopped"));
}

}  // namespace
}  // namespace foundry::testing
