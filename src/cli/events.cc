#include "cli/events.h"

#include <algorithm>
#include <charconv>

#include "cli/failure.h"

namespace foundry::cli {
namespace {

using nlohmann::json;

constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::milliseconds kMaxBackoff{30'000};

bool parseSeq(const std::string& text, int64_t* out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

QueryParams eventsQuery(const EventsArgs& args) {
  QueryParams query;
  if (!args.kinds.empty()) query.emplace_back("kind", args.kinds);
  if (!args.actions.empty()) query.emplace_back("action", args.actions);
  if (!args.keys.empty()) query.emplace_back("key", args.keys);
  if (!args.follow) {
    query.emplace_back("follow", "false");
    if (args.after >= 0) query.emplace_back("after", std::to_string(args.after));
    if (args.limit >= 0) query.emplace_back("limit", std::to_string(args.limit));
  }
  return query;
}

bool isFatalStreamError(const Error& error) {
  switch (error.code) {
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kGone:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kTooLarge:
      return true;
    default:
      return false;
  }
}

Status followEvents(Transport& transport, const EventsArgs& args, const EventPrinter& print,
                    const Sleeper& sleep, std::ostream& notes) {
  const std::string target = "/api/v1/events" + encodeQuery(eventsQuery(args));
  std::string lastId = args.after >= 0 ? std::to_string(args.after) : std::string();
  std::chrono::milliseconds backoff = kFirstBackoff;
  for (;;) {
    auto onEvent = [&](const std::string& id, const std::string&, const std::string& data) {
      json event = json::parse(data, nullptr, /*allow_exceptions=*/false);
      if (event.is_discarded()) event = json{{"seq", id}, {"data", data}};
      int64_t seq = 0;
      if (!id.empty() && parseSeq(id, &seq)) lastId = id;
      backoff = kFirstBackoff;
      print(event);
      return true;
    };
    Status status = transport.stream(target, lastId, onEvent);
    if (!status && isFatalStreamError(status.error())) return status;
    std::string why = status ? "stream closed by server" : status.error().message;
    notes << "foundry: " << why << "; reconnecting"
          << (lastId.empty() ? std::string() : " after seq " + lastId) << "\n";
    notes.flush();
    sleep(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

Status listEvents(ApiClient& api, const EventsArgs& args, const EventPrinter& print) {
  Result<json> reply = api.call("GET", "/api/v1/events" + encodeQuery(eventsQuery(args)));
  if (!reply) return tl::unexpected(reply.error());
  const json& items = reply->is_object() && reply->contains("items") ? (*reply)["items"] : *reply;
  if (!items.is_array()) {
    return fail(ErrorCode::kInternal, "events reply is not a JSON array");
  }
  for (const json& event : items) print(event);
  return {};
}

}  // namespace foundry::cli
