#include "agent/cmdline.h"

#include <cctype>

namespace foundry::agent {
namespace {

std::string bootifToMac(const std::string& v) {
  // PXELINUX/iPXE form: "01-aa-bb-cc-dd-ee-ff" (01 = Ethernet hardware type).
  std::string s = v;
  if (s.size() == 20 && s.rfind("01-", 0) == 0) s = s.substr(3);
  if (s.size() != 17) return {};
  for (size_t i = 0; i < s.size(); ++i) {
    if (i % 3 == 2) {
      if (s[i] != '-' && s[i] != ':') return {};
      s[i] = ':';
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return {};
    } else {
      s[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    }
  }
  return s;
}

}  // namespace

std::map<std::string, std::string> splitCmdline(std::string_view cmdline) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < cmdline.size()) {
    while (i < cmdline.size() && std::isspace(static_cast<unsigned char>(cmdline[i]))) ++i;
    if (i >= cmdline.size()) break;
    std::string word;
    bool quoted = false;
    while (i < cmdline.size() && (quoted || !std::isspace(static_cast<unsigned char>(cmdline[i])))) {
      if (cmdline[i] == '"') {
        quoted = !quoted;
      } else {
        word.push_back(cmdline[i]);
      }
      ++i;
    }
    auto eq = word.find('=');
    if (eq == std::string::npos) {
      out[word] = "";
    } else {
      out[word.substr(0, eq)] = word.substr(eq + 1);
    }
  }
  return out;
}

Result<AgentSettings> settingsFromCmdline(std::string_view cmdline) {
  auto kv = splitCmdline(cmdline);
  AgentSettings s;
  s.url = kv["foundry.url"];
  s.caFingerprint = kv["foundry.ca"];
  s.token = kv["foundry.token"];
  if (s.url.empty()) {
    return fail(ErrorCode::kInvalidArgument, "kernel command line has no foundry.url=",
                "foundry.url", "the boot environment must pass foundry.url=https://<server>:8443");
  }
  if (auto it = kv.find("BOOTIF"); it != kv.end()) {
    s.bootMac = bootifToMac(it->second);
    if (s.bootMac.empty()) {
      return fail(ErrorCode::kInvalidArgument, "BOOTIF='" + it->second + "' is not a MAC", "BOOTIF",
                  "expected 01-aa-bb-cc-dd-ee-ff");
    }
  }
  return s;
}

}  // namespace foundry::agent
