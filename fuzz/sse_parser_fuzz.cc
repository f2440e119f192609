// libFuzzer target for client::SseParser. Besides "never crashes, never grows
// past its limits" (ASan/UBSan, small limits), it checks the parser's core
// promise: feeding the same bytes in different chunkings gives the same
// events and the same success or failure.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "client/sse.h"

namespace {

constexpr foundry::client::SseLimits kLimits{256, 1024};

struct Outcome {
  bool ok = true;
  std::vector<foundry::client::SseEvent> events;
  std::string lastId;
};

Outcome parseInChunks(std::string_view input, std::size_t seed) {
  foundry::client::SseParser parser(kLimits);
  Outcome out;
  std::size_t step = 0;
  while (!input.empty() && out.ok) {
    // Chunk sizes vary with the seed: 1..seed%31+1, cycling.
    std::size_t len = std::min(input.size(), step % (seed % 31 + 1) + 1);
    out.ok = static_cast<bool>(parser.feed(input.substr(0, len), out.events));
    input.remove_prefix(len);
    ++step;
  }
  out.lastId = parser.lastEventId();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t seed = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  foundry::client::SseParser whole(kLimits);
  Outcome a;
  a.ok = static_cast<bool>(whole.feed(input, a.events));
  a.lastId = whole.lastEventId();
  Outcome b = parseInChunks(input, seed);

  if (a.ok != b.ok || a.events != b.events || (a.ok && a.lastId != b.lastId)) std::abort();
  for (const auto& e : a.events) {
    if (e.data.size() > kLimits.maxDataBytes || e.id.size() > kLimits.maxLineBytes) std::abort();
  }
  return 0;
}
