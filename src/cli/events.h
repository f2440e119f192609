#pragma once
// `foundry events`: the change feed. Follow mode keeps an SSE stream open and
// reconnects after drops, resuming with Last-Event-ID = the last seq printed,
// so no event is skipped or printed twice. --no-follow fetches one JSON page.

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/api.h"
#include "common/error.h"

namespace foundry::cli {

struct EventsArgs {
  std::string kinds;    // "Machine,Subnet"
  std::string actions;  // "created,deleted"
  std::string keys;     // "a,b"
  int64_t after = -1;   // resume after this seq; -1 = from now (follow) / start (no-follow)
  int64_t limit = -1;   // --no-follow page size; -1 = server default
  bool follow = true;
};

// Query for GET /api/v1/events; `after` is only put in the query for
// --no-follow (follow mode sends it as Last-Event-ID).
QueryParams eventsQuery(const EventsArgs& args);

using EventPrinter = std::function<void(const nlohmann::json& event)>;
using Sleeper = std::function<void(std::chrono::milliseconds)>;

// Errors that reconnecting cannot fix: credentials, bad filters, pruned history.
bool isFatalStreamError(const Error& error);

// Streams until a fatal error (returned). Transient errors and server closes
// are retried with backoff (0.5 s doubling to 30 s, reset after an event);
// each retry notes one line on `notes`.
Status followEvents(Transport& transport, const EventsArgs& args, const EventPrinter& print,
                    const Sleeper& sleep, std::ostream& notes);

// --no-follow: one GET ...&follow=false; prints each event of the array.
Status listEvents(ApiClient& api, const EventsArgs& args, const EventPrinter& print);

}  // namespace foundry::cli
