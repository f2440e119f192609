// Fuzzes what the HTTP server does with untrusted request bytes: Beast's
// request parser with the server's limits, then Request building (target
// forms, percent-decoding of path and query, header folding), then the
// response side the server would run for it. Also drives parseQuery and
// percentDecode directly on the raw input. Must never crash, leak or hang.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/codec.h"
#include "http/server.h"
#include "http/wire.h"

namespace {

// Small enough that the fuzzer reaches the 413 path; the header limit is the
// server's own (wire::kMaxHeaderBytes).
constexpr size_t kFuzzBodyLimit = 4096;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace foundry::http;
  std::string_view raw(reinterpret_cast<const char*>(data), size);

  auto request = wire::parseRequestBytes(raw, kFuzzBodyLimit);
  if (request) {
    // Invariants the handler relies on.
    if (request->path.find('\0') != std::string::npos) __builtin_trap();
    if (request->body.size() > kFuzzBodyLimit) __builtin_trap();
    for (const auto& [name, value] : request->headers) {
      for (char c : name) {
        if (c >= 'A' && c <= 'Z') __builtin_trap();
      }
    }
    // The response path with request-derived (hostile) header values.
    Response response = Response::text(200, request->body);
    for (const auto& [name, value] : request->headers) response.headers.emplace_back(name, value);
    auto out = wire::toBeastResponse(std::move(response), *request, true, 11);
    (void)out;
  }

  auto query = parseQuery(raw);
  (void)query;
  auto strict = parseQueryStrict(raw);
  if (strict && strict->size() > size) __builtin_trap();
  auto plain = percentDecode(raw, false);
  if (plain && plain->size() > size) __builtin_trap();
  (void)percentDecode(raw, true);
  return 0;
}
