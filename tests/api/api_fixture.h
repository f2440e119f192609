#pragma once
// Serves a real Api over a real http::Server on an ephemeral loopback port,
// backed by a SQLite store in a temp dir. Tests talk to it with the real
// client over HTTP: no in-process shortcut to the route layer.

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "client/client.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "http/server.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace foundry::testing {

class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::openSqliteStore({dir_.file("foundry.db"), store::Durability::kProcess, &clock_});
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
    api::ApiOptions options;
    options.services = {"api"};
    options.backupDir = dir_.path();
    api_ = std::make_unique<api::Api>(*store_, clock_, metrics_, options);
    auto created = api_->authenticator().ensureAdminCredential(dir_.file("admin.token"));
    ASSERT_TRUE(created && *created);
    adminToken_ = readFile(dir_.file("admin.token"));
    while (!adminToken_.empty() && adminToken_.back() == '\n') adminToken_.pop_back();
    http::ServerOptions httpOptions;
    httpOptions.threads = 4;
    httpOptions.streamPoll = std::chrono::milliseconds(200);
    server_ = std::make_unique<http::Server>(httpOptions,
                                             [this](const http::Request& r) { return api_->handle(r); });
    store_->setCommitListener([this](int64_t) { server_->wakeStreams(); });
    auto port = server_->listen({"127.0.0.1", 0, std::nullopt});
    ASSERT_TRUE(port) << port.error().describe();
    port_ = *port;
    server_->start();
  }

  void TearDown() override {
    if (store_) store_->setCommitListener(nullptr);
    if (server_) server_->stop(std::chrono::milliseconds(2000));
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::unique_ptr<client::Client> clientWith(const std::string& token) const {
    client::ClientOptions o;
    o.endpoint = endpoint();
    o.token = token;
    o.timeout = std::chrono::milliseconds(10'000);
    return std::make_unique<client::Client>(o);
  }
  client::Client& admin() {
    if (!admin_) admin_ = clientWith(adminToken_);
    return *admin_;
  }

  // Issues a request and returns the response; fails the test on transport errors.
  client::HttpResponse call(client::Client& c, const std::string& method, const std::string& target,
                            const std::string& body = {},
                            const std::map<std::string, std::string>& headers = {}) {
    auto r = c.request(method, target, body, headers);
    EXPECT_TRUE(r) << method << " " << target << ": " << (r ? "" : r.error().describe());
    return r ? *r : client::HttpResponse{};
  }
  static nlohmann::json jsonOf(const client::HttpResponse& r) {
    return nlohmann::json::parse(r.body, nullptr, false);
  }
  static std::string errorCode(const client::HttpResponse& r) {
    auto j = jsonOf(r);
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
  }
  static std::string readFile(const std::string& path);

  TempDir dir_;
  ManualClock clock_;
  MetricsRegistry metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<client::Client> admin_;
  std::string adminToken_;
  uint16_t port_ = 0;
};

}  // namespace foundry::testing
