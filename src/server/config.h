#pragma once
// foundryd's configuration: a YAML file and command-line flags (flags win),
// every key with a documented default (docs/configuration.md).

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/log.h"
#include "store/store.h"

namespace foundry::server {

struct Endpoint {
  std::string host;
  uint16_t port = 0;
  std::string text() const;  // "host:port" ([v6]:port)
};
Result<Endpoint> parseEndpoint(const std::string& text, const std::string& field);

struct Config {
  std::string dataDir = "/var/lib/foundry";
  log::Level logLevel = log::Level::kInfo;
  log::Format logFormat = log::Format::kText;

  bool apiEnabled = true;
  std::vector<Endpoint> apiListen{{"0.0.0.0", 8443}};  // HTTPS
  std::vector<Endpoint> apiPlainListen;                // plain HTTP
  bool allowPlainHttp = false;  // plain HTTP on non-loopback addresses
  std::string tlsCert;          // PEM chain; empty = Foundry's own CA issues one
  std::string tlsKey;
  std::vector<std::string> tlsNames{"127.0.0.1", "localhost"};  // SANs of the generated cert
  int threads = 4;

  store::Durability durability = store::Durability::kProcess;

  int64_t eventsMaxAgeMs = 30LL * 86'400'000;  // 30 days
  int64_t eventsMaxCount = 1'000'000;
  int64_t jobLogsMaxAgeMs = 30LL * 86'400'000;
  int64_t jobLogsMaxCount = 100'000;
  int64_t retentionIntervalMs = 60'000;

  int64_t tokenDefaultTtlMs = 24LL * 3'600'000;
  int64_t tokenMaxTtlMs = 30LL * 86'400'000;

  std::string dbPath() const { return dataDir + "/foundry.db"; }
  std::string lockPath() const { return dataDir + "/foundryd.lock"; }
  std::string adminTokenPath() const { return dataDir + "/admin.token"; }
  std::string endpointPath() const { return dataDir + "/api.endpoint"; }
  std::string tlsDir() const { return dataDir + "/tls"; }
};

// Applies a YAML document on top of `config`. Unknown keys are errors (a
// typo must not silently fall back to a default).
Status applyYaml(const std::string& yamlText, Config& config);
Status loadYamlFile(const std::string& path, Config& config);

// Cross-field checks (plain HTTP off loopback, cert without key, ...).
Status validate(const Config& config);

// The effective configuration as YAML (what check-config prints).
std::string toYaml(const Config& config);

bool isLoopback(const std::string& host);

}  // namespace foundry::server
