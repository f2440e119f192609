#include "cli/api.h"

#include <cctype>

#include "cli/failure.h"

namespace foundry::cli {
namespace {

using nlohmann::json;

class ClientTransport final : public Transport {
 public:
  explicit ClientTransport(client::ClientOptions options) : client_(std::move(options)) {}

  Result<client::HttpResponse> request(const std::string& method, const std::string& target,
                                       const std::string& body, const Headers& headers) override {
    return client_.request(method, target, body, headers);
  }
  Status stream(const std::string& target, const std::string& lastEventId,
                const EventCallback& onEvent) override {
    return client_.stream(target, lastEventId, onEvent);
  }

 private:
  client::Client client_;
};

std::string percentEncode(const std::string& text, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' ||
        keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

Headers withIfMatch(Headers headers, std::optional<int64_t> ifMatch) {
  if (ifMatch) headers["If-Match"] = "\"" + std::to_string(*ifMatch) + "\"";
  return headers;
}

}  // namespace

std::unique_ptr<Transport> makeClientTransport(const Settings& settings) {
  client::ClientOptions options;
  options.endpoint = settings.endpoint;
  options.token = settings.token;
  options.caFile = settings.caFile;
  options.caFingerprint = settings.caFingerprint;
  return std::make_unique<ClientTransport>(std::move(options));
}

std::string encodeQuery(const QueryParams& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    out += out.empty() ? "?" : "&";
    out += percentEncode(key, "") + "=" + percentEncode(value, ":,/@");
  }
  return out;
}

std::string escapeSegment(const std::string& segment) { return percentEncode(segment, ":@"); }

Result<std::pair<std::string, std::string>> parseFilter(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return fail(ErrorCode::kInvalidArgument, "bad filter '" + text + "'", "",
                "write field=value or field=op:value, e.g. -l labels.rack=r17 -l spec.gpus=ge:8");
  }
  std::string field = text.substr(0, eq);
  if (field == "limit" || field == "offset" || field == "sort") {
    return fail(ErrorCode::kInvalidArgument, "'" + field + "' is not a filter field", "",
                "use --" + field);
  }
  return std::pair{field, text.substr(eq + 1)};
}

Result<QueryParams> listQuery(const ListArgs& args) {
  QueryParams query;
  for (const std::string& f : args.filters) {
    auto parsed = parseFilter(f);
    if (!parsed) return tl::unexpected(parsed.error());
    query.push_back(*parsed);
  }
  if (!args.sort.empty()) query.emplace_back("sort", args.sort);
  if (args.limit >= 0) query.emplace_back("limit", std::to_string(args.limit));
  if (args.offset >= 0) query.emplace_back("offset", std::to_string(args.offset));
  return query;
}

std::string objectPath(const KindInfo& kind, const std::string& name) {
  std::string path = "/api/v1/" + std::string(kind.plural);
  if (!name.empty()) path += "/" + escapeSegment(name);
  return path;
}

Result<json> ApiClient::send(const std::string& method, const std::string& target,
                             const std::string& body, const Headers& headers) {
  Headers all = headers;
  all.emplace("Accept", "application/json");
  Result<client::HttpResponse> reply = transport_.request(method, target, body, all);
  if (!reply) return tl::unexpected(reply.error());
  if (reply->status < 200 || reply->status > 299) {
    return tl::unexpected(errorFromResponse(reply->status, reply->body));
  }
  if (reply->body.empty()) return json(nullptr);
  json parsed = json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return fail(ErrorCode::kInternal, "server sent a reply that is not JSON", "",
                "check that --endpoint points at foundryd");
  }
  return parsed;
}

Result<json> ApiClient::call(const std::string& method, const std::string& target,
                             const json& body, Headers headers) {
  std::string text;
  if (!body.is_null()) {
    text = body.dump();
    headers.emplace("Content-Type", "application/json");
  }
  return send(method, target, text, headers);
}

Result<std::string> ApiClient::callRaw(const std::string& method, const std::string& target) {
  Result<client::HttpResponse> reply = transport_.request(method, target, {}, {});
  if (!reply) return tl::unexpected(reply.error());
  if (reply->status < 200 || reply->status > 299) {
    return tl::unexpected(errorFromResponse(reply->status, reply->body));
  }
  return std::move(reply->body);
}

Result<json> ApiClient::list(const KindInfo& kind, const QueryParams& query) {
  return call("GET", objectPath(kind) + encodeQuery(query));
}

Result<json> ApiClient::get(const KindInfo& kind, const std::string& name) {
  return call("GET", objectPath(kind, name));
}

Result<json> ApiClient::create(const KindInfo& kind, const json& body) {
  return call("POST", objectPath(kind), body);
}

Result<json> ApiClient::replace(const KindInfo& kind, const std::string& name, const json& body,
                                std::optional<int64_t> ifMatch) {
  return call("PUT", objectPath(kind, name), body, withIfMatch({}, ifMatch));
}

Result<json> ApiClient::patch(const KindInfo& kind, const std::string& name, const json& body,
                              const std::string& contentType, std::optional<int64_t> ifMatch) {
  Headers headers = withIfMatch({}, ifMatch);
  headers["Content-Type"] = contentType;
  return send("PATCH", objectPath(kind, name), body.dump(), headers);
}

Result<json> ApiClient::remove(const KindInfo& kind, const std::string& name,
                               std::optional<int64_t> ifMatch) {
  return call("DELETE", objectPath(kind, name), nullptr, withIfMatch({}, ifMatch));
}

}  // namespace foundry::cli
