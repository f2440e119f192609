#pragma once
// Incremental parser for text/event-stream (the WHATWG "server-sent events"
// format). Takes the body in arbitrary byte chunks — however the network
// splits it — and yields complete events. Handles LF, CRLF and CR line ends
// (also split across chunks), multi-line data, comments, fields without a
// value, "retry", and a leading UTF-8 BOM. Memory is bounded by SseLimits.
// Not thread-safe; one parser per stream.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace foundry::client {

struct SseEvent {
  std::string id;     // last event id in effect when the event was dispatched
  std::string event;  // "message" unless the stream named a type
  std::string data;   // data lines joined with '\n' (no trailing newline)
  bool operator==(const SseEvent&) const = default;
};

struct SseLimits {
  std::size_t maxLineBytes = 1 << 20;  // one field line
  std::size_t maxDataBytes = 8 << 20;  // accumulated data of one event
};

class SseParser {
 public:
  explicit SseParser(SseLimits limits = {});

  // Consumes `bytes` and appends every event completed by them to `out`.
  // kTooLarge when a line or an event exceeds the limits; the parser then
  // stays failed (the stream must be dropped).
  Status feed(std::string_view bytes, std::vector<SseEvent>& out);

  // Id of the last event seen (for Last-Event-ID on reconnect).
  const std::string& lastEventId() const { return lastEventId_; }
  // Reconnection delay the server asked for, if any.
  std::optional<std::chrono::milliseconds> retry() const { return retry_; }

 private:
  void consumeBom(std::string_view& bytes);
  Status consumeText(std::string_view bytes, std::vector<SseEvent>& out);
  Status processLine(std::string_view line, std::vector<SseEvent>& out);
  Status processField(std::string_view name, std::string_view value);
  void dispatch(std::vector<SseEvent>& out);

  SseLimits limits_;
  std::size_t bomMatched_ = 0;
  bool bomDone_ = false;
  bool lastWasCr_ = false;  // a CR ended the previous line; skip a following LF
  bool failed_ = false;
  std::string line_;  // partial line carried over between feeds
  std::string data_;
  std::string eventType_;
  bool hasData_ = false;
  std::string lastEventId_;
  std::optional<std::chrono::milliseconds> retry_;
};

}  // namespace foundry::client
