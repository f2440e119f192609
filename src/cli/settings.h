#pragma once
// Connection settings. Each setting is taken from the first layer that has
// it: flags > environment > config file > a local server's data dir > default.
// The CA (file or fingerprint) is one setting: the first layer naming either
// wins, so a fingerprint flag is not mixed with a data dir's ca.crt.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace foundry::cli {

inline constexpr std::string_view kDefaultEndpoint = "https://127.0.0.1:8443";

// Reads one environment variable; the seam that lets tests avoid the process env.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup processEnv();

struct ConnectionFlags {
  std::string endpoint;
  std::string token;
  std::string caFile;
  std::string caFingerprint;
  std::string config;   // explicit --config: must exist
  std::string dataDir;  // --data-dir
};

struct Settings {
  std::string endpoint;
  std::string token;  // never printed
  std::string caFile;
  std::string caFingerprint;
  std::string dataDir;     // resolved data dir (flag or env), may be empty
  std::string configPath;  // the config file that was read, if any
};

// $XDG_CONFIG_HOME/foundry/config.yaml, else $HOME/.config/foundry/config.yaml;
// empty when neither variable is set.
std::string defaultConfigPath(const EnvLookup& env);

// Errors: an explicit --config that is missing or malformed, a default config
// that is malformed (kInvalidArgument).
Result<Settings> resolveSettings(const ConnectionFlags& flags, const EnvLookup& env);

}  // namespace foundry::cli
