#pragma once
// The discovery image passes foundry-agent its settings on the kernel command
// line: foundry.url=, foundry.ca=sha256:..., foundry.token=, BOOTIF=.
// (Registration and inventory arrive with the discovery issue; this is the
// parsing they build on.)

#include <map>
#include <string>
#include <string_view>

#include "common/error.h"

namespace foundry::agent {

struct AgentSettings {
  std::string url;            // foundry.url
  std::string caFingerprint;  // foundry.ca
  std::string token;          // foundry.token (one-time registration token)
  std::string bootMac;        // from BOOTIF=01-aa-bb-cc-dd-ee-ff, as aa:bb:cc:dd:ee:ff
};

// Splits a kernel command line into key=value (bare words map to "").
// Honours double quotes around values.
std::map<std::string, std::string> splitCmdline(std::string_view cmdline);

// Extracts AgentSettings; errors name the missing parameter.
Result<AgentSettings> settingsFromCmdline(std::string_view cmdline);

}  // namespace foundry::agent
