#include "cli/app.h"

#include <gtest/gtest.h>

#include <sstream>

#include "test_support.h"

namespace foundry::cli {
namespace {

using nlohmann::json;
using testing::FakeServer;
using testing::TempDir;

// Runs the CLI in-process against a FakeServer that outlives each run.
struct Harness {
  FakeServer server;
  std::map<std::string, std::string> env;
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  Settings lastSettings;

  int run(std::vector<std::string> args) {
    out.str("");
    err.str("");
    args.insert(args.begin(), "foundry");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    CliIo io{in,
             out,
             err,
             [this](const std::string& name) -> std::optional<std::string> {
               auto it = env.find(name);
               return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
             },
             [this](const Settings& s) -> std::unique_ptr<Transport> {
               lastSettings = s;
               return std::make_unique<Forward>(server);
             },
             [] { return int64_t{1'800'000'000'000}; },
             [](std::chrono::milliseconds) {}};
    return runCli(static_cast<int>(argv.size()), argv.data(), io);
  }

  class Forward final : public Transport {
   public:
    explicit Forward(FakeServer& s) : s_(s) {}
    Result<client::HttpResponse> request(const std::string& m, const std::string& t,
                                         const std::string& b, const Headers& h) override {
      return s_.request(m, t, b, h);
    }
    Status stream(const std::string& t, const std::string& id, const EventCallback& cb) override {
      return s_.stream(t, id, cb);
    }

   private:
    FakeServer& s_;
  };
};

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(App, CreateGetListPatchDelete) {
  Harness h;
  EXPECT_EQ(h.run({"machine", "create", "m1", "--spec", R"({"gpus":8})", "--label", "rack=r17"}), 0)
      << h.err.str();
  EXPECT_EQ(h.out.str(), "created Machine/m1 (rev 1)\n");
  EXPECT_EQ(h.run({"machines", "get", "m1", "-o", "json"}), 0);
  EXPECT_EQ(json::parse(h.out.str())["spec"]["gpus"], 8);
  EXPECT_EQ(h.run({"machines", "list", "-l", "labels.rack=r17", "-l", "spec.gpus=ge:8", "--limit", "5"}), 0);
  EXPECT_EQ(h.server.requests.back().target,
            "/api/v1/machines?labels.rack=r17&spec.gpus=ge:8&limit=5");
  EXPECT_NE(h.out.str().find("rack=r17"), std::string::npos);
  EXPECT_NE(h.out.str().find("1 shown, 1 total"), std::string::npos);
  EXPECT_EQ(h.run({"machine", "patch", "m1", "--merge", R"({"spec":{"gpus":4}})", "--if-match", "1"}), 0)
      << h.err.str();
  EXPECT_EQ(h.server.requests.back().headers.at("Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(h.run({"machine", "delete", "m1"}), 0);
  EXPECT_EQ(h.out.str(), "deleted Machine/m1\n");
}

TEST(App, ApiErrorsExitOneWithOneStderrLine) {
  Harness h;
  h.run({"machine", "create", "m1"});
  EXPECT_EQ(h.run({"machine", "delete", "m1", "--if-match", "99"}), kExitApi);
  EXPECT_EQ(lines(h.err.str()), 1u);
  EXPECT_EQ(h.err.str().rfind("foundry: ", 0), 0u);
  EXPECT_NE(h.err.str().find("(precondition_failed) — a hint"), std::string::npos);
  EXPECT_EQ(h.run({"machine", "get", "nope"}), kExitApi);
  EXPECT_NE(h.err.str().find("not_found"), std::string::npos);
}

TEST(App, UsageErrorsExitTwo) {
  Harness h;
  EXPECT_EQ(h.run({"gizmos", "list"}), kExitUsage);
  EXPECT_NE(h.err.str().find("unknown command or kind 'gizmos'"), std::string::npos);
  EXPECT_NE(h.err.str().find("machine"), std::string::npos);
  EXPECT_EQ(lines(h.err.str()), 1u);
  EXPECT_EQ(h.run({"machine", "list", "--bogus"}), kExitUsage);
  EXPECT_EQ(h.run({"machine", "get"}), kExitUsage);
  EXPECT_EQ(h.run({"machine", "patch", "m1"}), kExitUsage);
  EXPECT_EQ(h.run({"machine", "patch", "m1", "--merge", "[1]"}), kExitUsage);
  EXPECT_EQ(h.run({"machine", "create", "m1", "--spec", "{nope"}), kExitUsage);
  EXPECT_EQ(h.run({"machine", "list", "-l", "rack"}), kExitUsage);
  EXPECT_EQ(h.run({"machine", "list", "-o", "xml"}), kExitUsage);
  EXPECT_EQ(h.run({"apply", "-f", "/nonexistent.yaml"}), kExitUsage);
  TempDir dir;
  std::string file = dir.file("m.yaml", "kind: Machine\nname: a\n");
  EXPECT_EQ(h.run({"machine", "create", "b", "-f", file}), kExitUsage);
  EXPECT_EQ(h.run({"subnet", "create", "-f", file}), kExitUsage);
  EXPECT_TRUE(h.server.requests.empty());
}

TEST(App, HelpHasExamples) {
  Harness h;
  EXPECT_EQ(h.run({"machines", "list", "--help"}), 0);
  EXPECT_NE(h.out.str().find("Example"), std::string::npos);
  EXPECT_EQ(h.run({"apply", "--help"}), 0);
  EXPECT_NE(h.out.str().find("foundry apply -f"), std::string::npos);
  EXPECT_EQ(h.run({"--help"}), 0);
  EXPECT_NE(h.out.str().find("machines"), std::string::npos);
}

TEST(App, ApplyTwiceReportsUnchanged) {
  Harness h;
  TempDir dir;
  std::string file = dir.file("site.yaml",
                              "kind: Machine\nname: m1\nspec: {gpus: 8}\n---\n"
                              "kind: subnet\nname: s1\nspec: {cidr: 10.0.0.0/24}\n");
  EXPECT_EQ(h.run({"apply", "-f", file}), 0) << h.err.str();
  EXPECT_NE(h.out.str().find("created Subnet/s1"), std::string::npos);
  EXPECT_EQ(h.run({"apply", "-f", file}), 0);
  EXPECT_NE(h.out.str().find("0 created, 0 updated, 2 unchanged, 0 failed"), std::string::npos);
}

TEST(App, GlobalFlagsWorkAfterTheCommandAndTheTokenIsNeverPrinted) {
  Harness h;
  h.env["FOUNDRY_TOKEN"] = "fdy_env_secret";
  EXPECT_EQ(h.run({"machines", "list", "--endpoint", "https://x:1", "-o", "yaml"}), 0) << h.err.str();
  EXPECT_EQ(h.lastSettings.endpoint, "https://x:1");
  EXPECT_EQ(h.lastSettings.token, "fdy_env_secret");
  EXPECT_EQ(h.run({"--token", "fdy_flag_secret", "machines", "list"}), 0);
  EXPECT_EQ(h.lastSettings.token, "fdy_flag_secret");
  EXPECT_EQ(h.out.str().find("secret"), std::string::npos);
  EXPECT_EQ(h.err.str().find("secret"), std::string::npos);
}

TEST(App, BackupWritesTheFileAndRestoreNeedsADataDir) {
  Harness h;
  TempDir dir;
  std::string out = (dir.path() / "b.db").string();
  // The fake has no backup route: the server's 404 is an API error.
  EXPECT_EQ(h.run({"admin", "backup", "-o", out}), kExitApi);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(h.run({"admin", "restore", out}), kExitUsage);
  EXPECT_NE(h.err.str().find("--data-dir"), std::string::npos);
}

TEST(App, EventsNoFollow) {
  Harness h;
  EXPECT_EQ(h.run({"events", "--no-follow", "--after", "0", "--kind", "Machine"}), 0) << h.err.str();
  EXPECT_EQ(h.server.requests.back().target, "/api/v1/events?kind=Machine&follow=false&after=0");
}

}  // namespace
}  // namespace foundry::cli
