// Fuzzes foundryd's config loader: any YAML text gives a Config or an Error,
// never a crash, and a config that loads renders back to YAML that loads.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;  // yaml-cpp recursion is bounded by input size
  std::string text(reinterpret_cast<const char*>(data), size);
  foundry::server::Config config;
  if (!foundry::server::applyYaml(text, config)) return 0;
  foundry::server::Config again;
  if (!foundry::server::applyYaml(foundry::server::toYaml(config), again)) std::abort();
  return 0;
}
