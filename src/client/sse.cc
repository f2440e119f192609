#include "client/sse.h"

#include <algorithm>

namespace foundry::client {

namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::uint64_t kMaxRetryMs = 24ULL * 3600 * 1000;
}  // namespace

SseParser::SseParser(SseLimits limits) : limits_(limits) {}

Status SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  if (failed_) {
    return fail(ErrorCode::kInvalidArgument, "event stream parser already failed");
  }
  consumeBom(bytes);
  auto st = consumeText(bytes, out);
  if (!st) failed_ = true;
  return st;
}

// A BOM is skipped only at the very start of the stream; its bytes may arrive
// in separate chunks. A partial match that turns out not to be a BOM is
// replayed as ordinary text.
void SseParser::consumeBom(std::string_view& bytes) {
  while (!bomDone_ && !bytes.empty()) {
    if (bytes.front() == kBom[bomMatched_]) {
      bytes.remove_prefix(1);
      if (++bomMatched_ == kBom.size()) bomDone_ = true;
      continue;
    }
    bomDone_ = true;
    if (bomMatched_ > 0) line_.assign(kBom.substr(0, bomMatched_));
  }
}

Status SseParser::consumeText(std::string_view bytes, std::vector<SseEvent>& out) {
  while (!bytes.empty()) {
    if (lastWasCr_) {
      lastWasCr_ = false;
      if (bytes.front() == '\n') {
        bytes.remove_prefix(1);
        continue;
      }
    }
    std::size_t end = bytes.find_first_of("\r\n");
    std::string_view piece = bytes.substr(0, end);
    if (line_.size() + piece.size() > limits_.maxLineBytes) {
      return fail(ErrorCode::kTooLarge, "event stream line longer than " +
                                            std::to_string(limits_.maxLineBytes) + " bytes");
    }
    if (end == std::string_view::npos) {
      line_.append(piece);
      return {};
    }
    lastWasCr_ = bytes[end] == '\r';
    bytes.remove_prefix(end + 1);
    Status st;
    if (line_.empty()) {
      st = processLine(piece, out);
    } else {
      line_.append(piece);
      st = processLine(line_, out);
      line_.clear();
    }
    if (!st) return st;
  }
  return {};
}

Status SseParser::processLine(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {
    dispatch(out);
    return {};
  }
  if (line.front() == ':') return {};  // comment (often a keep-alive)
  std::size_t colon = line.find(':');
  std::string_view name = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  return processField(name, value);
}

Status SseParser::processField(std::string_view name, std::string_view value) {
  if (name == "data") {
    if (data_.size() + value.size() + 1 > limits_.maxDataBytes) {
      return fail(ErrorCode::kTooLarge, "event data larger than " +
                                            std::to_string(limits_.maxDataBytes) + " bytes");
    }
    if (hasData_) data_ += '\n';
    data_.append(value);
    hasData_ = true;
  } else if (name == "event") {
    eventType_.assign(value);
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) lastEventId_.assign(value);
  } else if (name == "retry") {
    if (!value.empty() && value.size() <= 12 &&
        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      std::uint64_t ms = std::stoull(std::string(value));
      retry_ = std::chrono::milliseconds(std::min(ms, kMaxRetryMs));
    }
  }
  // Unknown fields are ignored, as the format requires.
  return {};
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
  if (hasData_) {
    out.push_back(SseEvent{lastEventId_, eventType_.empty() ? "message" : eventType_, data_});
  }
  data_.clear();
  eventType_.clear();
  hasData_ = false;
}

}  // namespace foundry::client
