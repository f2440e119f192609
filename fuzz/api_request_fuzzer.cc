// Fuzzes what the API does with untrusted request content before it reaches
// the store: JSON body parsing (bounded depth), conversion and validation for
// every kind, list-query parsing, If-Match parsing, and output rendering.
// The first byte picks the path.

#include <cstddef>
#include <cstdint>
#include <string>

#include "api/kinds.h"
#include "api/resource.h"
#include "http/server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const foundry::api::KindRegistry kinds = foundry::api::defaultKinds();
  const uint8_t mode = data[0] % 3;
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  if (mode == 0) {
    auto body = foundry::api::parseBody(input);
    if (!body) return 0;
    for (const auto& kind : kinds.all()) {
      std::optional<int64_t> rev;
      auto obj = foundry::api::fromJson(kind, *body, {}, &rev);
      if (obj) (void)foundry::api::toJson(kind, *obj).dump();
    }
  } else if (mode == 1) {
    auto query = foundry::http::parseQuery(input);
    (void)foundry::api::parseListQuery(query);
  } else {
    (void)foundry::api::parseIfMatch(input);
    (void)foundry::api::parseDurationMs(input);
    (void)foundry::api::validateName(input);
  }
  return 0;
}
