#include "api/api.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "api/resource.h"
#include "api/routes.h"
#include "common/log.h"

namespace foundry::api {
namespace {

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (!out.empty() && out.back().empty() && out.size() > 1) out.pop_back();  // trailing slash
  return out;
}

http::Response objectResponse(int status, const KindDef& kind, const store::Object& obj) {
  auto resp = http::Response::json(status, toJson(kind, obj).dump());
  resp.headers.emplace_back("ETag", "\"" + std::to_string(obj.rev) + "\"");
  return resp;
}

Result<std::optional<int64_t>> expectedRev(const http::Request& req,
                                           std::optional<int64_t> bodyRev) {
  auto ifMatch = parseIfMatch(req.header("if-match"));
  if (!ifMatch) return tl::unexpected(ifMatch.error());
  if (*ifMatch && bodyRev && **ifMatch != *bodyRev) {
    return fail(ErrorCode::kInvalidArgument, "If-Match and the body's rev disagree", "rev",
                "send one of them, or the same revision in both");
  }
  return *ifMatch ? *ifMatch : bodyRev;
}

}  // namespace

http::Response errorResponse(const Error& error) {
  nlohmann::json e{{"code", errorCodeName(error.code)}, {"message", error.message}};
  if (!error.field.empty()) e["field"] = error.field;
  if (!error.hint.empty()) e["hint"] = error.hint;
  auto resp = http::Response::json(httpStatus(error.code),
                                   nlohmann::json{{"error", e}}.dump(
                                       -1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (error.code == ErrorCode::kUnauthenticated) {
    resp.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"foundry\"");
  }
  return resp;
}

Api::Api(store::Store& store, const Clock& clock, MetricsRegistry& metrics, ApiOptions options)
    : store_(store),
      clock_(clock),
      metrics_(metrics),
      options_(std::move(options)),
      kinds_(defaultKinds()),
      auth_(store, clock),
      routes_(buildRoutes()),
      startMs_(clock.nowMs()) {
  metrics_.describe("foundry_http_requests_total", "counter", "API requests by route and status");
  metrics_.describe("foundry_http_request_duration_seconds", "histogram",
                    "API request latency by route");
  metrics_.gauge("foundry_objects", "Objects in the store per kind", [this] {
    std::vector<std::pair<Labels, double>> out;
    if (auto s = store_.stats()) {
      for (const auto& [kind, n] : s->objectsPerKind) {
        out.push_back({{{"kind", kind}}, static_cast<double>(n)});
      }
    }
    return out;
  });
  metrics_.gauge("foundry_store_size_bytes", "Store size on disk", [this] {
    auto s = store_.stats();
    return std::vector<std::pair<Labels, double>>{
        {{}, s ? static_cast<double>(s->sizeBytes) : 0.0}};
  });
  metrics_.gauge("foundry_store_last_seq", "Last committed change sequence number", [this] {
    return std::vector<std::pair<Labels, double>>{{{}, static_cast<double>(store_.lastSeq())}};
  });
}

Api::~Api() = default;

http::Response Api::handle(const http::Request& request) {
  auto start = std::chrono::steady_clock::now();
  std::string routeName = "unmatched";
  http::Response resp;
  try {
    resp = dispatch(request, routeName);
  } catch (const std::exception& e) {
    log::error("api.exception", {{"method", request.method}, {"path", request.path},
                                 {"error", e.what()}});
    resp = errorResponse({ErrorCode::kInternal, "internal error", {},
                          "the server log has details; please report it"});
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.increment("foundry_http_requests_total",
                     {{"method", request.method}, {"route", routeName},
                      {"code", std::to_string(resp.status)}});
  metrics_.observe("foundry_http_request_duration_seconds", {{"route", routeName}}, secs);
  return resp;
}

http::Response Api::dispatch(const http::Request& request, std::string& routeName) {
  auto segments = splitPath(request.path);
  bool pathMatched = false;
  for (const auto& route : routes_) {
    const KindDef* kind = nullptr;
    std::map<std::string, std::string> params;
    if (!matchRoute(route, segments, kinds_, &kind, &params)) continue;
    pathMatched = true;
    if (route.method != request.method &&
        !(request.method == "HEAD" && route.method == "GET")) {
      continue;
    }
    routeName = route.operation;
    Call call{request, route, kind, std::move(params), {}};
    if (route.access != Access::kPublic) {
      auto principal = auth_.authenticate(request.header("authorization"));
      if (!principal) return errorResponse(principal.error());
      call.principal = *principal;
      if (route.access == Access::kAdmin && principal->role != Role::kAdmin) {
        return errorResponse({ErrorCode::kPermissionDenied,
                              "role '" + std::string(roleName(principal->role)) +
                                  "' may only read; " + request.method + " " + request.path +
                                  " needs role admin",
                              {}, "use a token with role admin"});
      }
    }
    bool tokenRevoke = kind != nullptr && kind->name == "Token" && route.operation == "delete";
    if (route.writesKind && kind != nullptr && kind->readOnly && !tokenRevoke) {
      return errorResponse({ErrorCode::kReadOnly,
                            kind->name + " objects are written by Foundry itself", {},
                            "read them with GET; they change as the machines report"});
    }
    return (this->*route.handler)(call);
  }
  if (pathMatched) {
    return errorResponse({ErrorCode::kMethodNotAllowed,
                          "method " + request.method + " is not allowed on " + request.path, {},
                          "see /api/v1/openapi.json for the methods of this route"});
  }
  return errorResponse({ErrorCode::kNotFound, "no route for " + request.path, {},
                        "see /api/v1/openapi.json for the routes; kinds are plural, e.g. /api/v1/machines"});
}

http::Response Api::list(Call& call) {
  auto query = parseListQuery(call.request.query);
  if (!query) return errorResponse(query.error());
  auto result = store_.list(call.kind->name, *query);
  if (!result) return errorResponse(result.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& obj : result->items) items.push_back(toJson(*call.kind, obj));
  nlohmann::json body{{"items", std::move(items)},
                      {"total", result->total},
                      {"limit", query->limit},
                      {"offset", query->offset}};
  return http::Response::json(200, body.dump());
}

http::Response Api::get(Call& call) {
  auto obj = store_.get(call.kind->name, call.params.at("name"));
  if (!obj) return errorResponse(obj.error());
  auto etag = "\"" + std::to_string(obj->rev) + "\"";
  if (call.request.header("if-none-match") == etag) {
    http::Response resp;
    resp.status = 304;
    resp.headers.emplace_back("ETag", etag);
    return resp;
  }
  return objectResponse(200, *call.kind, *obj);
}

http::Response Api::create(Call& call) {
  auto body = parseBody(call.request.body);
  if (!body) return errorResponse(body.error());
  auto obj = fromJson(*call.kind, *body, {}, nullptr);
  if (!obj) return errorResponse(obj.error());
  auto created = store_.create(*obj, call.principal.name);
  if (!created) return errorResponse(created.error());
  auto resp = objectResponse(201, *call.kind, *created);
  resp.headers.emplace_back("Location", "/api/v1/" + call.kind->plural + "/" + created->key);
  return resp;
}

http::Response Api::write(Call& call, const store::Object& obj,
                          std::optional<int64_t> expected) {
  // A write that changes nothing is not a change: no new rev, no event. This
  // keeps `apply` of unchanged content silent in the audit trail.
  if (auto current = store_.get(obj.kind, obj.key);
      current && current->labels == obj.labels && current->spec == obj.spec &&
      (!expected || *expected == current->rev)) {
    return objectResponse(200, *call.kind, *current);
  }
  auto updated = store_.update(obj, expected, call.principal.name);
  if (!updated) return errorResponse(updated.error());
  return objectResponse(200, *call.kind, *updated);
}

http::Response Api::replace(Call& call) {
  auto body = parseBody(call.request.body);
  if (!body) return errorResponse(body.error());
  std::optional<int64_t> bodyRev;
  auto obj = fromJson(*call.kind, *body, call.params.at("name"), &bodyRev);
  if (!obj) return errorResponse(obj.error());
  auto expected = expectedRev(call.request, bodyRev);
  if (!expected) return errorResponse(expected.error());
  if (call.kind->secretSpec) {
    auto current = store_.get(call.kind->name, obj->key);
    if (current) restoreRedacted(obj->spec, current->spec);
  }
  return write(call, *obj, *expected);
}

namespace {

constexpr size_t kMaxPatchOps = 1000;

// Applies a merge patch or JSON Patch to the client-visible document
// {name, labels, spec}.
Result<nlohmann::json> applyPatch(const http::Request& request, const store::Object& current,
                                  const nlohmann::json& patch) {
  nlohmann::json doc{{"name", current.key}, {"labels", current.labels}, {"spec", current.spec}};
  std::string type = request.header("content-type");
  type = type.substr(0, type.find(';'));
  try {
    if (type == "application/json-patch+json") {
      if (!patch.is_array()) {
        return fail(ErrorCode::kInvalidArgument, "a JSON Patch must be an array", {},
                    "send [{\"op\":\"replace\",\"path\":\"/spec/x\",\"value\":1}]");
      }
      // One operation at a time, bounding the document after each: `copy`
      // can double it per step, and depth could grow past what is safe to
      // walk recursively.
      if (patch.size() > kMaxPatchOps) {
        return fail(ErrorCode::kInvalidArgument,
                    "a JSON Patch may hold at most " + std::to_string(kMaxPatchOps) + " operations");
      }
      for (const auto& op : patch) {
        doc = doc.patch(nlohmann::json::array({op}));
        if (auto ok = checkDocumentBounds(doc, "spec"); !ok) return tl::unexpected(ok.error());
      }
    } else if (type == "application/merge-patch+json" || type == "application/json" ||
               type.empty()) {
      doc.merge_patch(patch);
    } else {
      return fail(ErrorCode::kInvalidArgument, "unsupported patch type '" + type + "'",
                  "Content-Type", "use application/merge-patch+json or application/json-patch+json");
    }
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorCode::kInvalidArgument, std::string("patch failed: ") + e.what(), {},
                "check the patch's paths against the current object");
  }
  if (!doc.is_object()) return fail(ErrorCode::kInvalidArgument, "patch must leave an object");
  return doc;
}

}  // namespace

http::Response Api::patch(Call& call) {
  auto expected = expectedRev(call.request, std::nullopt);
  if (!expected) return errorResponse(expected.error());
  auto body = parseBody(call.request.body);
  if (!body) return errorResponse(body.error());
  // Without If-Match, the patch applies atomically to whatever state it read,
  // re-reading when another writer got there first.
  constexpr int kAttempts = 8;
  for (int attempt = 1;; ++attempt) {
    auto current = store_.get(call.kind->name, call.params.at("name"));
    if (!current) return errorResponse(current.error());
    auto doc = applyPatch(call.request, *current, *body);
    if (!doc) return errorResponse(doc.error());
    auto obj = fromJson(*call.kind, *doc, call.params.at("name"), nullptr);
    if (!obj) return errorResponse(obj.error());
    if (obj->labels == current->labels && obj->spec == current->spec &&
        expected->value_or(current->rev) == current->rev) {
      return objectResponse(200, *call.kind, *current);
    }
    auto updated = store_.update(*obj, expected->value_or(current->rev), call.principal.name);
    if (updated) return objectResponse(200, *call.kind, *updated);
    if (updated.error().code != ErrorCode::kPreconditionFailed || expected->has_value() ||
        attempt == kAttempts) {
      return errorResponse(updated.error());
    }
  }
}

http::Response Api::remove(Call& call) {
  auto expected = expectedRev(call.request, std::nullopt);
  if (!expected) return errorResponse(expected.error());
  const std::string& name = call.params.at("name");
  if (call.kind->name == "Token" && name == kAdminTokenId) {
    return errorResponse({ErrorCode::kConflict, "the bootstrap admin token cannot be revoked here",
                          {}, "rotate it with 'foundryd rotate-admin-token'"});
  }
  auto removed = store_.remove(call.kind->name, name, *expected, call.principal.name);
  if (!removed) return errorResponse(removed.error());
  return objectResponse(200, *call.kind, *removed);
}

http::Response Api::action(Call& call) {
  auto obj = store_.get(call.kind->name, call.params.at("name"));
  if (!obj) return errorResponse(obj.error());
  return errorResponse({ErrorCode::kNotFound,
                        call.kind->name + " has no action '" + call.params.at("action") + "'", {},
                        "see /api/v1/openapi.json for the actions of each kind"});
}

http::Response Api::issueToken(Call& call) {
  nlohmann::json body = nlohmann::json::object();
  if (!call.request.body.empty()) {
    auto parsed = parseBody(call.request.body);
    if (!parsed) return errorResponse(parsed.error());
    body = *parsed;
  }
  if (!body.is_object()) return errorResponse({ErrorCode::kInvalidArgument, "body must be an object"});
  int64_t ttl = options_.defaultTokenTtlMs;
  if (body.contains("ttl")) {
    auto parsed = body["ttl"].is_string() ? parseDurationMs(body["ttl"].get<std::string>())
                                          : Result<int64_t>(fail(ErrorCode::kInvalidArgument, ""));
    if (!parsed || *parsed <= 0 || *parsed > options_.maxTokenTtlMs) {
      return errorResponse({ErrorCode::kInvalidArgument, "ttl must be a duration up to the maximum",
                            "ttl", "e.g. \"24h\"; the maximum is tokens.max_ttl in the config"});
    }
    ttl = *parsed;
  }
  auto role = parseRole(body.value("role", "admin"));
  if (!role) return errorResponse(role.error());
  std::string description = body.value("description", "");
  auto issued = auth_.issue("", *role, ttl, description, call.principal.name);
  if (!issued) return errorResponse(issued.error());
  log::info("api.token_issued", {{"id", issued->id}, {"role", roleName(*role)},
                                 {"by", call.principal.name}});
  nlohmann::json out{{"name", issued->id},
                     {"token", issued->clear},
                     {"role", roleName(*role)},
                     {"expiresAt", formatTimestamp(issued->expiresMs)}};
  return http::Response::json(201, out.dump());
}

http::Response Api::info(Call&) {
  nlohmann::json out{{"name", "foundry"},
                     {"version", options_.version},
                     {"services", options_.services},
                     {"uptimeSeconds", (clock_.nowMs() - startMs_) / 1000}};
  return http::Response::json(200, out.dump());
}

http::Response Api::openApiRoute(Call&) { return http::Response::json(200, openApi().dump()); }

http::Response Api::health(Call& call) {
  bool ready = ready_.load();
  if (call.route.operation == "health_live") {
    return http::Response::json(200, R"({"live":true})");
  }
  nlohmann::json out{{"live", true}, {"ready", ready}};
  int status = (call.route.operation == "health_ready" && !ready) ? 503 : 200;
  return http::Response::json(status, out.dump());
}

http::Response Api::metricsRoute(Call&) {
  return http::Response::text(200, metrics_.render(), "text/plain; version=0.0.4");
}

http::Response Api::backup(Call& call) {
  std::string path = options_.backupDir + "/backup-" + std::to_string(clock_.nowMs()) + ".db";
  if (auto ok = store_.backup(path); !ok) return errorResponse(ok.error());
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  std::remove(path.c_str());
  if (!in.good() && !in.eof()) {
    return errorResponse({ErrorCode::kIo, "cannot read the backup file " + path});
  }
  log::info("api.backup", {{"by", call.principal.name}, {"bytes", data.str().size()}});
  auto resp = http::Response::text(200, data.str(), "application/vnd.sqlite3");
  resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"foundry-backup.db\"");
  return resp;
}

}  // namespace foundry::api
