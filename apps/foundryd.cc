// foundryd: the Foundry server. Thin main: flags and config → server module.

#include <iostream>

#include <CLI/CLI.hpp>

#include "common/log.h"
#include "server/config.h"
#include "server/daemon.h"

namespace {

using foundry::server::Config;

struct Flags {
  std::string configPath;
  std::string dataDir;
  std::vector<std::string> apiListen;
  std::vector<std::string> apiPlainListen;
  std::vector<std::string> tlsNames;
  std::string tlsCert, tlsKey, logLevel, logFormat, durability;
  int threads = 0;
};

void addFlags(CLI::App& app, Flags& f) {
  app.add_option("-c,--config", f.configPath, "YAML config file (flags override it)");
  app.add_option("-d,--data-dir", f.dataDir, "Data directory (default /var/lib/foundry)");
  app.add_option("--api-listen", f.apiListen, "HTTPS API address host:port (repeatable; port 0 = any)");
  app.add_option("--api-plain-listen", f.apiPlainListen,
                 "Plain-HTTP API address (loopback only unless api.allow_plain_http)");
  app.add_option("--tls-cert", f.tlsCert, "PEM certificate chain (default: issued by Foundry's CA)");
  app.add_option("--tls-key", f.tlsKey, "PEM private key for --tls-cert");
  app.add_option("--tls-name", f.tlsNames, "Name/IP for the generated server certificate (repeatable)");
  app.add_option("--log-level", f.logLevel, "debug|info|warn|error (default info)");
  app.add_option("--log-format", f.logFormat, "text|json (default text)");
  app.add_option("--durability", f.durability,
                 "process (survives kill -9) | power-loss (fsync every commit)");
  app.add_option("--threads", f.threads, "API worker threads (default 4)");
}

foundry::Result<Config> buildConfig(const Flags& f) {
  Config c;
  if (!f.configPath.empty()) {
    if (auto ok = foundry::server::loadYamlFile(f.configPath, c); !ok) return tl::unexpected(ok.error());
  }
  std::string overrides;
  if (!f.dataDir.empty()) c.dataDir = f.dataDir;
  auto endpoints = [](const std::vector<std::string>& in, const char* flag)
      -> foundry::Result<std::vector<foundry::server::Endpoint>> {
    std::vector<foundry::server::Endpoint> out;
    for (const auto& s : in) {
      auto e = foundry::server::parseEndpoint(s, flag);
      if (!e) return tl::unexpected(e.error());
      out.push_back(*e);
    }
    return out;
  };
  // Each flag replaces its own list from the file and leaves the other alone.
  if (!f.apiListen.empty()) {
    auto tls = endpoints(f.apiListen, "--api-listen");
    if (!tls) return tl::unexpected(tls.error());
    c.apiListen = *tls;
  }
  if (!f.apiPlainListen.empty()) {
    auto plain = endpoints(f.apiPlainListen, "--api-plain-listen");
    if (!plain) return tl::unexpected(plain.error());
    c.apiPlainListen = *plain;
  }
  if (!f.tlsNames.empty()) c.tlsNames = f.tlsNames;
  if (!f.tlsCert.empty()) c.tlsCert = f.tlsCert;
  if (!f.tlsKey.empty()) c.tlsKey = f.tlsKey;
  if (!f.logLevel.empty()) {
    auto l = foundry::log::parseLevel(f.logLevel);
    if (!l) return tl::unexpected(l.error());
    c.logLevel = *l;
  }
  if (!f.logFormat.empty()) {
    auto l = foundry::log::parseFormat(f.logFormat);
    if (!l) return tl::unexpected(l.error());
    c.logFormat = *l;
  }
  if (!f.durability.empty()) {
    if (auto ok = foundry::server::applyYaml("store: {durability: " + f.durability + "}", c); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  if (f.threads > 0) c.threads = f.threads;
  if (auto ok = foundry::server::validate(c); !ok) return tl::unexpected(ok.error());
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "foundryd — the Foundry server: REST API, events, store (and, as they land, DHCP, TFTP,\n"
      "HTTP boot and the workflow engine).\n\n"
      "Examples:\n"
      "  foundryd --data-dir /var/lib/foundry                 # HTTPS API on 0.0.0.0:8443\n"
      "  foundryd -c /etc/foundry/foundryd.yaml --log-format json\n"
      "  foundryd check-config -c /etc/foundry/foundryd.yaml  # validate, print effective config\n\n"
      "On first start it creates <data-dir>/admin.token (the admin credential, mode 0600)\n"
      "and <data-dir>/tls/ca.crt (Foundry's CA; clients pin it). The API's URL is written\n"
      "to <data-dir>/api.endpoint. SIGTERM/SIGINT drain requests, flush the store, exit 0."};
  app.set_version_flag("--version", FOUNDRY_VERSION);
  Flags flags;
  addFlags(app, flags);
  app.fallthrough();  // `foundryd check-config --data-dir X` takes the server's flags
  auto* check = app.add_subcommand("check-config", "Validate the configuration and print it as YAML");
  auto* rotate = app.add_subcommand(
      "rotate-admin-token", "Replace the admin credential (server must be stopped); rewrites admin.token");
  CLI11_PARSE(app, argc, argv);

  auto config = buildConfig(flags);
  if (!config) {
    std::cerr << "foundryd: " << config.error().describe() << "\n";
    return 2;
  }
  if (check->parsed()) {
    std::cout << foundry::server::toYaml(*config);
    std::cerr << "foundryd: configuration is valid\n";
    return 0;
  }
  foundry::log::setup(config->logLevel, config->logFormat);
  if (rotate->parsed()) return foundry::server::rotateAdminToken(*config);
  return foundry::server::runDaemon(*config);
}
