#include "api/routes.h"

namespace foundry::api {

std::vector<Route> buildRoutes() {
  using A = Access;
  // Order matters: literal routes before the generic {kind} ones.
  return {
      {"GET", "/healthz", "health", "Liveness and readiness", A::kPublic, false, &Api::health},
      {"GET", "/healthz/live", "health_live", "Liveness", A::kPublic, false, &Api::health},
      {"GET", "/healthz/ready", "health_ready", "Readiness (503 when not ready)", A::kPublic, false,
       &Api::health},
      {"GET", "/metrics", "metrics", "Prometheus metrics", A::kRead, false, &Api::metricsRoute},
      {"GET", "/api/v1/info", "info", "Version, services and uptime", A::kPublic, false, &Api::info},
      {"GET", "/api/v1/openapi.json", "openapi", "This document", A::kPublic, false,
       &Api::openApiRoute},
      {"GET", "/api/v1/events", "events",
       "Stream of changes as Server-Sent Events; resumable with Last-Event-ID", A::kRead, false,
       &Api::events},
      {"POST", "/api/v1/tokens", "tokens_issue", "Issue a bearer token (shown once)", A::kAdmin,
       false, &Api::issueToken},
      {"POST", "/api/v1/admin/backup", "admin_backup", "Online consistent backup of the store",
       A::kAdmin, false, &Api::backup},
      {"GET", "/api/v1/{kind}", "list", "List objects with filters, sort and paging", A::kRead,
       false, &Api::list},
      {"POST", "/api/v1/{kind}", "create", "Create an object", A::kAdmin, true, &Api::create},
      {"GET", "/api/v1/{kind}/{name}", "get", "Get one object (ETag is its rev)", A::kRead, false,
       &Api::get},
      {"PUT", "/api/v1/{kind}/{name}", "replace", "Replace labels and spec (If-Match)", A::kAdmin,
       true, &Api::replace},
      {"PATCH", "/api/v1/{kind}/{name}", "patch", "JSON Merge Patch or JSON Patch (If-Match)",
       A::kAdmin, true, &Api::patch},
      {"DELETE", "/api/v1/{kind}/{name}", "delete", "Delete an object (If-Match)", A::kAdmin, true,
       &Api::remove},
      {"POST", "/api/v1/{kind}/{name}/actions/{action}", "action", "Run an action on an object",
       A::kAdmin, false, &Api::action},
  };
}

bool matchRoute(const Route& route, const std::vector<std::string>& segments,
                const KindRegistry& kinds, const KindDef** kind,
                std::map<std::string, std::string>* params) {
  std::vector<std::string> pattern;
  size_t start = 1;
  while (start <= route.pattern.size()) {
    size_t slash = route.pattern.find('/', start);
    pattern.push_back(route.pattern.substr(start, slash == std::string::npos ? std::string::npos
                                                                             : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (pattern.size() != segments.size()) return false;
  const KindDef* matchedKind = nullptr;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (p == "{kind}") {
      matchedKind = kinds.byPlural(segments[i]);
      if (matchedKind == nullptr) return false;
    } else if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      if (segments[i].empty()) return false;
      found[p.substr(1, p.size() - 2)] = segments[i];
    } else if (p != segments[i]) {
      return false;
    }
  }
  *kind = matchedKind;
  *params = std::move(found);
  return true;
}

}  // namespace foundry::api
