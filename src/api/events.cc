// GET /api/v1/events: the change feed as Server-Sent Events, or as a JSON
// array with follow=false. Each event's SSE id is its sequence number, so a
// client that reconnects with Last-Event-ID resumes exactly after the last
// event it saw: no gaps, no duplicates (the store's sequence is gap-free and
// in commit order).

#include <charconv>

#include "api/api.h"
#include "api/resource.h"
#include "api/routes.h"

namespace foundry::api {
namespace {

constexpr int64_t kBatch = 500;

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

nlohmann::json eventJson(const KindRegistry& kinds, const store::Event& e) {
  const KindDef* kind = kinds.byName(e.kind);
  nlohmann::json object;
  if (kind != nullptr) object = toJson(*kind, e.object);
  return {{"seq", e.seq},
          {"time", formatTimestamp(e.timeMs)},
          {"kind", e.kind},
          {"action", store::actionName(e.action)},
          {"key", e.key},
          {"principal", e.principal},
          {"object", object}};
}

class EventStream final : public http::BodyStream {
 public:
  EventStream(store::Store& store, const KindRegistry& kinds, store::EventQuery query)
      : store_(store), kinds_(kinds), query_(std::move(query)) {}

  std::optional<std::string> next() override {
    if (ended_) return std::nullopt;
    std::string out;
    // Drain what is committed now, in batches, so a burst is not held back
    // until the next wake.
    for (int round = 0; round < 4; ++round) {
      query_.limit = kBatch;
      auto events = store_.events(query_);
      if (!events) {
        ended_ = true;
        nlohmann::json err{{"code", errorCodeName(events.error().code)},
                           {"message", events.error().message}};
        return out + "event: error\ndata: " + err.dump() + "\n\n";
      }
      for (const auto& e : *events) {
        out += "id: " + std::to_string(e.seq) + "\nevent: " + e.kind + "." +
               std::string(store::actionName(e.action)) + "\ndata: " +
               eventJson(kinds_, e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
               "\n\n";
        query_.afterSeq = e.seq;
      }
      if (static_cast<int64_t>(events->size()) < kBatch) break;
    }
    return out;
  }

 private:
  store::Store& store_;
  const KindRegistry& kinds_;
  store::EventQuery query_;
  bool ended_ = false;
};

Result<int64_t> parseSeq(const std::string& text, const char* field) {
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size() || n < 0) {
    return fail(ErrorCode::kInvalidArgument, std::string(field) + " must be a sequence number",
                field, "use the id of the last event you received");
  }
  return n;
}

}  // namespace

http::Response Api::events(Call& call) {
  store::EventQuery query;
  bool follow = true;
  for (const auto& [name, value] : call.request.query) {
    if (name == "kind") {
      query.kinds = splitList(value);
    } else if (name == "action") {
      query.actions = splitList(value);
    } else if (name == "key") {
      query.keys = splitList(value);
    } else if (name == "after") {
      auto seq = parseSeq(value, "after");
      if (!seq) return errorResponse(seq.error());
      query.afterSeq = *seq;
    } else if (name == "follow") {
      follow = value != "false" && value != "0";
    } else if (name == "limit") {
      auto n = parseSeq(value, "limit");
      if (!n || *n == 0 || *n > kMaxListLimit) {
        return errorResponse({ErrorCode::kInvalidArgument, "limit must be 1-5000", "limit"});
      }
      query.limit = *n;
    } else {
      return errorResponse({ErrorCode::kInvalidArgument, "unknown events parameter '" + name + "'",
                            name, "use kind, action, key, after, follow or limit"});
    }
  }
  if (auto last = call.request.header("last-event-id"); !last.empty()) {
    auto seq = parseSeq(last, "Last-Event-ID");
    if (!seq) return errorResponse(seq.error());
    query.afterSeq = *seq;
  }
  for (const auto& a : query.actions) {
    if (a != "created" && a != "updated" && a != "deleted") {
      return errorResponse({ErrorCode::kInvalidArgument, "unknown action '" + a + "'", "action",
                            "use created, updated or deleted"});
    }
  }
  // A resume point past the end of history comes from another timeline (a
  // restored backup, another plant): resuming would silently skip events.
  if (query.afterSeq > store_.lastSeq()) {
    return errorResponse({ErrorCode::kGone,
                          "sequence " + std::to_string(query.afterSeq) +
                              " is past this server's last change (" +
                              std::to_string(store_.lastSeq()) + ")",
                          "Last-Event-ID",
                          "the store was restored or replaced; re-list the objects and follow "
                          "events from the list"});
  }
  // Checks the resume point before committing to a 200 stream: pruned
  // history is a 410, not a silent gap.
  auto first = store_.events(query);
  if (!first) return errorResponse(first.error());
  if (!follow) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : *first) items.push_back(eventJson(kinds_, e));
    return http::Response::json(200, items.dump());
  }
  http::Response resp;
  resp.status = 200;
  resp.headers = {{"Content-Type", "text/event-stream"},
                  {"Cache-Control", "no-cache"},
                  {"X-Accel-Buffering", "no"}};
  resp.stream = std::make_unique<EventStream>(store_, kinds_, query);
  return resp;
}

}  // namespace foundry::api
