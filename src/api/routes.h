#pragma once
// The route table: the single definition the dispatcher matches against and
// the OpenAPI generator describes.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/api.h"

namespace foundry::api {

enum class Access { kPublic, kRead, kAdmin };

struct Route {
  std::string method;
  // Segments; "{kind}" matches a registered kind's plural, "{name}" and
  // "{action}" match one segment.
  std::string pattern;
  std::string operation;  // stable id, also the metrics route label
  std::string summary;
  Access access = Access::kRead;
  bool writesKind = false;  // refused for read-only kinds
  http::Response (Api::*handler)(Api::Call&) = nullptr;
};

struct Api::Call {
  const http::Request& request;
  const Route& route;
  const KindDef* kind = nullptr;
  std::map<std::string, std::string> params;  // {name}, {action}
  Principal principal;
};

std::vector<Route> buildRoutes();

// Matches path segments against a pattern; fills params and the kind.
bool matchRoute(const Route& route, const std::vector<std::string>& segments,
                const KindRegistry& kinds, const KindDef** kind,
                std::map<std::string, std::string>* params);

}  // namespace foundry::api
