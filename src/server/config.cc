#include "server/config.h"

#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "api/kinds.h"

namespace foundry::server {
namespace {

Error configError(const std::string& field, const std::string& message, const std::string& hint) {
  return Error{ErrorCode::kInvalidArgument, message, field, hint};
}

Status checkKeys(const YAML::Node& node, const std::string& where,
                 const std::set<std::string>& allowed) {
  if (!node.IsMap()) {
    return tl::unexpected(configError(where, where.empty() ? "config must be a mapping"
                                                           : where + " must be a mapping",
                                      "see docs/configuration.md"));
  }
  for (const auto& kv : node) {
    auto key = kv.first.as<std::string>();
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      std::string field = where.empty() ? key : where + "." + key;
      return tl::unexpected(configError(field, "unknown config key '" + field + "'",
                                        "valid keys here: " + list));
    }
  }
  return {};
}

Result<int64_t> durationField(const YAML::Node& node, const std::string& field) {
  auto ms = api::parseDurationMs(node.as<std::string>());
  if (!ms) return tl::unexpected(configError(field, ms.error().message, ms.error().hint));
  return *ms;
}

Result<std::vector<Endpoint>> endpointsField(const YAML::Node& node, const std::string& field) {
  std::vector<Endpoint> out;
  if (node.IsScalar()) {
    auto e = parseEndpoint(node.as<std::string>(), field);
    if (!e) return tl::unexpected(e.error());
    out.push_back(*e);
    return out;
  }
  for (const auto& item : node) {
    auto e = parseEndpoint(item.as<std::string>(), field);
    if (!e) return tl::unexpected(e.error());
    out.push_back(*e);
  }
  return out;
}

Status applyApi(const YAML::Node& api, Config& c) {
  if (auto ok = checkKeys(api, "api", {"enabled", "listen", "plain_listen", "allow_plain_http",
                                       "tls", "threads"});
      !ok) {
    return ok;
  }
  if (api["enabled"]) c.apiEnabled = api["enabled"].as<bool>();
  if (api["listen"]) {
    auto e = endpointsField(api["listen"], "api.listen");
    if (!e) return tl::unexpected(e.error());
    c.apiListen = *e;
  }
  if (api["plain_listen"]) {
    auto e = endpointsField(api["plain_listen"], "api.plain_listen");
    if (!e) return tl::unexpected(e.error());
    c.apiPlainListen = *e;
  }
  if (api["allow_plain_http"]) c.allowPlainHttp = api["allow_plain_http"].as<bool>();
  if (api["threads"]) c.threads = api["threads"].as<int>();
  if (const auto& tls = api["tls"]) {
    if (auto ok = checkKeys(tls, "api.tls", {"cert", "key", "names"}); !ok) return ok;
    if (tls["cert"]) c.tlsCert = tls["cert"].as<std::string>();
    if (tls["key"]) c.tlsKey = tls["key"].as<std::string>();
    if (tls["names"]) c.tlsNames = tls["names"].as<std::vector<std::string>>();
  }
  return {};
}

Status applyRetention(const YAML::Node& r, Config& c) {
  if (auto ok = checkKeys(r, "retention", {"events", "job_logs", "interval"}); !ok) return ok;
  auto pair = [&](const char* name, int64_t& age, int64_t& count) -> Status {
    const auto& n = r[name];
    if (!n) return {};
    std::string where = std::string("retention.") + name;
    if (auto ok = checkKeys(n, where, {"max_age", "max_count"}); !ok) return ok;
    if (n["max_age"]) {
      auto ms = durationField(n["max_age"], where + ".max_age");
      if (!ms) return tl::unexpected(ms.error());
      age = *ms;
    }
    if (n["max_count"]) count = n["max_count"].as<int64_t>();
    return {};
  };
  if (auto ok = pair("events", c.eventsMaxAgeMs, c.eventsMaxCount); !ok) return ok;
  if (auto ok = pair("job_logs", c.jobLogsMaxAgeMs, c.jobLogsMaxCount); !ok) return ok;
  if (r["interval"]) {
    auto ms = durationField(r["interval"], "retention.interval");
    if (!ms) return tl::unexpected(ms.error());
    c.retentionIntervalMs = *ms;
  }
  return {};
}

Status applyRoot(const YAML::Node& root, Config& c) {
  if (auto ok = checkKeys(root, "", {"data_dir", "log", "api", "store", "retention", "tokens"});
      !ok) {
    return ok;
  }
  if (root["data_dir"]) c.dataDir = root["data_dir"].as<std::string>();
  if (const auto& l = root["log"]) {
    if (auto ok = checkKeys(l, "log", {"level", "format"}); !ok) return ok;
    if (l["level"]) {
      auto lv = log::parseLevel(l["level"].as<std::string>());
      if (!lv) return tl::unexpected(lv.error());
      c.logLevel = *lv;
    }
    if (l["format"]) {
      auto f = log::parseFormat(l["format"].as<std::string>());
      if (!f) return tl::unexpected(f.error());
      c.logFormat = *f;
    }
  }
  if (root["api"]) {
    if (auto ok = applyApi(root["api"], c); !ok) return ok;
  }
  if (const auto& s = root["store"]) {
    if (auto ok = checkKeys(s, "store", {"durability"}); !ok) return ok;
    if (s["durability"]) {
      auto d = s["durability"].as<std::string>();
      if (d == "process") c.durability = store::Durability::kProcess;
      else if (d == "power-loss") c.durability = store::Durability::kPowerLoss;
      else return tl::unexpected(configError("store.durability", "unknown durability '" + d + "'",
                                             "use process or power-loss"));
    }
  }
  if (root["retention"]) {
    if (auto ok = applyRetention(root["retention"], c); !ok) return ok;
  }
  if (const auto& t = root["tokens"]) {
    if (auto ok = checkKeys(t, "tokens", {"default_ttl", "max_ttl"}); !ok) return ok;
    if (t["default_ttl"]) {
      auto ms = durationField(t["default_ttl"], "tokens.default_ttl");
      if (!ms) return tl::unexpected(ms.error());
      c.tokenDefaultTtlMs = *ms;
    }
    if (t["max_ttl"]) {
      auto ms = durationField(t["max_ttl"], "tokens.max_ttl");
      if (!ms) return tl::unexpected(ms.error());
      c.tokenMaxTtlMs = *ms;
    }
  }
  return {};
}

std::string durationText(int64_t ms) {
  if (ms % 86'400'000 == 0) return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace

std::string Endpoint::text() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Result<Endpoint> parseEndpoint(const std::string& text, const std::string& field) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return tl::unexpected(configError(field, "'" + text + "' is not host:port",
                                      "e.g. 0.0.0.0:8443 or [::1]:8443"));
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    return tl::unexpected(configError(field, "'" + text + "' has an invalid port",
                                      "use 0-65535 (0 picks a free port)"));
  }
  return Endpoint{host, static_cast<uint16_t>(port)};
}

bool isLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Status applyYaml(const std::string& yamlText, Config& config) {
  try {
    YAML::Node root = YAML::Load(yamlText);
    if (root.IsNull()) return {};
    return applyRoot(root, config);
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kInvalidArgument,
                "config: " + e.msg + " at line " + std::to_string(e.mark.line + 1), {},
                "fix the YAML; 'foundryd check-config' validates it");
  }
}

Status loadYamlFile(const std::string& path, Config& config) {
  std::ifstream in(path);
  if (!in) {
    return fail(ErrorCode::kInvalidArgument, "cannot read config file " + path, "--config",
                "check the path and permissions");
  }
  std::stringstream text;
  text << in.rdbuf();
  auto ok = applyYaml(text.str(), config);
  if (!ok) ok.error().message = path + ": " + ok.error().message;
  return ok;
}

Status validate(const Config& c) {
  if (c.dataDir.empty()) return fail(ErrorCode::kInvalidArgument, "data_dir is empty", "data_dir");
  if (c.tlsCert.empty() != c.tlsKey.empty()) {
    return fail(ErrorCode::kInvalidArgument, "api.tls.cert and api.tls.key go together",
                "api.tls", "set both, or neither to let Foundry's CA issue a certificate");
  }
  for (const auto& e : c.apiPlainListen) {
    if (!isLoopback(e.host) && !c.allowPlainHttp) {
      return fail(ErrorCode::kInvalidArgument,
                  "plain HTTP on " + e.text() + " would send tokens in clear over the network",
                  "api.plain_listen",
                  "listen on 127.0.0.1, or set api.allow_plain_http: true if you really mean it");
    }
  }
  if (!c.apiEnabled) {
    return fail(ErrorCode::kInvalidArgument, "api.enabled: false is not supported yet", "api.enabled",
                "the API is foundryd's only service until DHCP/TFTP land; remove the key");
  }
  if (c.apiEnabled && c.apiListen.empty() && c.apiPlainListen.empty()) {
    return fail(ErrorCode::kInvalidArgument, "the API is enabled but has no listen address",
                "api.listen", "add one, e.g. 0.0.0.0:8443");
  }
  if (c.threads < 1 || c.threads > 256) {
    return fail(ErrorCode::kInvalidArgument, "api.threads must be 1-256", "api.threads");
  }
  if (c.tokenDefaultTtlMs <= 0 || c.tokenMaxTtlMs <= 0 || c.tokenDefaultTtlMs > c.tokenMaxTtlMs) {
    return fail(ErrorCode::kInvalidArgument,
                "tokens.default_ttl must be positive and at most tokens.max_ttl", "tokens",
                "e.g. default_ttl: 24h, max_ttl: 30d");
  }
  if (c.retentionIntervalMs <= 0) {
    return fail(ErrorCode::kInvalidArgument, "retention.interval must be positive",
                "retention.interval", "e.g. 1m");
  }
  if (c.eventsMaxCount < 0 || c.jobLogsMaxCount < 0) {
    return fail(ErrorCode::kInvalidArgument, "retention counts must be >= 0 (0 = unlimited)",
                "retention");
  }
  return {};
}

std::string toYaml(const Config& c) {
  YAML::Emitter out;
  auto eps = [](const std::vector<Endpoint>& v) {
    std::vector<std::string> s;
    for (const auto& e : v) s.push_back(e.text());
    return s;
  };
  const char* levels[] = {"debug", "info", "warn", "error"};
  out << YAML::BeginMap;
  out << YAML::Key << "data_dir" << YAML::Value << c.dataDir;
  out << YAML::Key << "log" << YAML::Value << YAML::BeginMap << YAML::Key << "level" << YAML::Value
      << levels[static_cast<int>(c.logLevel)] << YAML::Key << "format" << YAML::Value
      << (c.logFormat == log::Format::kJson ? "json" : "text") << YAML::EndMap;
  out << YAML::Key << "api" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << c.apiEnabled;
  out << YAML::Key << "listen" << YAML::Value << YAML::Flow << eps(c.apiListen);
  out << YAML::Key << "plain_listen" << YAML::Value << YAML::Flow << eps(c.apiPlainListen);
  out << YAML::Key << "allow_plain_http" << YAML::Value << c.allowPlainHttp;
  out << YAML::Key << "threads" << YAML::Value << c.threads;
  out << YAML::Key << "tls" << YAML::Value << YAML::BeginMap << YAML::Key << "cert" << YAML::Value
      << c.tlsCert << YAML::Key << "key" << YAML::Value << c.tlsKey << YAML::Key << "names"
      << YAML::Value << YAML::Flow << c.tlsNames << YAML::EndMap;
  out << YAML::EndMap;
  out << YAML::Key << "store" << YAML::Value << YAML::BeginMap << YAML::Key << "durability"
      << YAML::Value << (c.durability == store::Durability::kPowerLoss ? "power-loss" : "process")
      << YAML::EndMap;
  out << YAML::Key << "retention" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "interval" << YAML::Value << durationText(c.retentionIntervalMs);
  out << YAML::Key << "events" << YAML::Value << YAML::BeginMap << YAML::Key << "max_age"
      << YAML::Value << durationText(c.eventsMaxAgeMs) << YAML::Key << "max_count" << YAML::Value
      << c.eventsMaxCount << YAML::EndMap;
  out << YAML::Key << "job_logs" << YAML::Value << YAML::BeginMap << YAML::Key << "max_age"
      << YAML::Value << durationText(c.jobLogsMaxAgeMs) << YAML::Key << "max_count" << YAML::Value
      << c.jobLogsMaxCount << YAML::EndMap;
  out << YAML::EndMap;
  out << YAML::Key << "tokens" << YAML::Value << YAML::BeginMap << YAML::Key << "default_ttl"
      << YAML::Value << durationText(c.tokenDefaultTtlMs) << YAML::Key << "max_ttl" << YAML::Value
      << durationText(c.tokenMaxTtlMs) << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace foundry::server
