#pragma once
// The CLI's view of the REST API (docs/api.md): a Transport seam over
// client::Client so commands can be tested against a fake, and ApiClient,
// which speaks the object routes and turns error replies into Errors.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/kinds.h"
#include "cli/settings.h"
#include "client/client.h"
#include "common/error.h"

namespace foundry::cli {

using Headers = std::map<std::string, std::string>;
using EventCallback = std::function<bool(const std::string& id, const std::string& event,
                                         const std::string& data)>;

// Same contract as client::Client: transport failures are errors, any HTTP
// status is a reply.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<client::HttpResponse> request(const std::string& method,
                                               const std::string& target,
                                               const std::string& body,
                                               const Headers& headers) = 0;
  virtual Status stream(const std::string& target, const std::string& lastEventId,
                        const EventCallback& onEvent) = 0;
};

std::unique_ptr<Transport> makeClientTransport(const Settings& settings);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "?k=v&k2=v2" with RFC 3986 percent-encoding (":,/@" kept); "" if empty.
std::string encodeQuery(const QueryParams& params);
// Percent-encodes one path segment (a name).
std::string escapeSegment(const std::string& segment);

// "labels.rack=r17" -> {"labels.rack", "r17"}. Rejects a missing '=', an
// empty field, and the reserved names limit, offset, sort.
Result<std::pair<std::string, std::string>> parseFilter(const std::string& text);

struct ListArgs {
  std::vector<std::string> filters;  // "field=value" or "field=op:value"
  std::string sort;
  int64_t limit = -1;   // -1 = server default
  int64_t offset = -1;  // -1 = 0
};
Result<QueryParams> listQuery(const ListArgs& args);

// The object routes. Every method returns the parsed JSON reply body on 2xx
// and the server's error otherwise.
class ApiClient {
 public:
  explicit ApiClient(Transport& transport) : transport_(transport) {}

  Result<nlohmann::json> list(const KindInfo& kind, const QueryParams& query);
  Result<nlohmann::json> get(const KindInfo& kind, const std::string& name);
  Result<nlohmann::json> create(const KindInfo& kind, const nlohmann::json& body);
  Result<nlohmann::json> replace(const KindInfo& kind, const std::string& name,
                                 const nlohmann::json& body, std::optional<int64_t> ifMatch);
  Result<nlohmann::json> patch(const KindInfo& kind, const std::string& name,
                               const nlohmann::json& body, const std::string& contentType,
                               std::optional<int64_t> ifMatch);
  Result<nlohmann::json> remove(const KindInfo& kind, const std::string& name,
                                std::optional<int64_t> ifMatch);

  // Any route; body is sent as application/json when not empty.
  Result<nlohmann::json> call(const std::string& method, const std::string& target,
                              const nlohmann::json& body = nullptr, Headers headers = {});
  // Any route, reply body as bytes (e.g. the backup download).
  Result<std::string> callRaw(const std::string& method, const std::string& target);

  Transport& transport() { return transport_; }

 private:
  Result<nlohmann::json> send(const std::string& method, const std::string& target,
                              const std::string& body, const Headers& headers);
  Transport& transport_;
};

std::string objectPath(const KindInfo& kind, const std::string& name = {});

}  // namespace foundry::cli
