// Fuzzes the agent's kernel command line parsing.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/cmdline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)foundry::agent::splitCmdline(text);
  (void)foundry::agent::settingsFromCmdline(text);
  return 0;
}
