#include "cli/settings.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace foundry::cli {
namespace {

namespace fs = std::filesystem;

// One source of settings; empty strings mean "not set here".
struct Layer {
  std::string endpoint;
  std::string token;
  std::string caFile;
  std::string caFingerprint;
};

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

std::string readFirstLine(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (in) std::getline(in, line);
  return trim(line);
}

std::string envOr(const EnvLookup& env, const std::string& name) {
  std::optional<std::string> value = env(name);
  return value ? trim(*value) : std::string();
}

Layer envLayer(const EnvLookup& env) {
  return {envOr(env, "FOUNDRY_ENDPOINT"), envOr(env, "FOUNDRY_TOKEN"),
          envOr(env, "FOUNDRY_CA_FILE"), envOr(env, "FOUNDRY_CA_FINGERPRINT")};
}

Result<Layer> configLayer(const std::string& path) {
  Layer layer;
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (root.IsNull()) return layer;
    if (!root.IsMap()) {
      return fail(ErrorCode::kInvalidArgument, "config file " + path + " is not a YAML map", "",
                  "keys: endpoint, token, ca_file, ca_fingerprint");
    }
    auto get = [&](const char* key) {
      return root[key] && root[key].IsScalar() ? trim(root[key].as<std::string>()) : std::string();
    };
    layer = {get("endpoint"), get("token"), get("ca_file"), get("ca_fingerprint")};
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kInvalidArgument, "cannot read config file " + path + ": " + e.what());
  }
  return layer;
}

Layer dataDirLayer(const std::string& dir) {
  Layer layer;
  if (dir.empty()) return layer;
  fs::path base(dir);
  layer.endpoint = readFirstLine(base / "api.endpoint");
  layer.token = readFirstLine(base / "admin.token");
  std::error_code ec;
  if (fs::exists(base / "tls" / "ca.crt", ec)) layer.caFile = (base / "tls" / "ca.crt").string();
  return layer;
}

Settings merge(const Layer* layers, size_t count) {
  Settings out;
  bool trustSet = false;
  for (size_t i = 0; i < count; ++i) {
    const Layer& l = layers[i];
    if (out.endpoint.empty()) out.endpoint = l.endpoint;
    if (out.token.empty()) out.token = l.token;
    if (!trustSet && (!l.caFile.empty() || !l.caFingerprint.empty())) {
      out.caFile = l.caFile;
      out.caFingerprint = l.caFingerprint;
      trustSet = true;
    }
  }
  if (out.endpoint.empty()) out.endpoint = std::string(kDefaultEndpoint);
  return out;
}

}  // namespace

EnvLookup processEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string defaultConfigPath(const EnvLookup& env) {
  std::string xdg = envOr(env, "XDG_CONFIG_HOME");
  if (!xdg.empty()) return (fs::path(xdg) / "foundry" / "config.yaml").string();
  std::string home = envOr(env, "HOME");
  if (!home.empty()) return (fs::path(home) / ".config" / "foundry" / "config.yaml").string();
  return {};
}

Result<Settings> resolveSettings(const ConnectionFlags& flags, const EnvLookup& env) {
  Layer layers[4];
  layers[0] = {trim(flags.endpoint), trim(flags.token), trim(flags.caFile),
               trim(flags.caFingerprint)};
  layers[1] = envLayer(env);

  std::string configPath = flags.config;
  std::error_code ec;
  if (!configPath.empty() && !fs::exists(configPath, ec)) {
    return fail(ErrorCode::kInvalidArgument, "config file " + configPath + " does not exist");
  }
  if (configPath.empty()) {
    configPath = defaultConfigPath(env);
    if (!configPath.empty() && !fs::exists(configPath, ec)) configPath.clear();
  }
  if (!configPath.empty()) {
    Result<Layer> config = configLayer(configPath);
    if (!config) return tl::unexpected(config.error());
    layers[2] = *config;
  }

  std::string dataDir = flags.dataDir.empty() ? envOr(env, "FOUNDRY_DATA_DIR") : flags.dataDir;
  layers[3] = dataDirLayer(dataDir);

  Settings out = merge(layers, 4);
  out.dataDir = dataDir;
  out.configPath = configPath;
  return out;
}

}  // namespace foundry::cli
