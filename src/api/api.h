#pragma once
// The REST API: one uniform set of routes over every kind in the registry,
// plus events, tokens, operations endpoints and the OpenAPI document, all
// dispatched from one route table. Transport-agnostic: it maps an
// http::Request to an http::Response and is served by http::Server.
//
// Thread-safety: handle() may be called concurrently.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "api/kinds.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "http/server.h"
#include "store/store.h"

namespace foundry::api {

struct ApiOptions {
  std::string version = FOUNDRY_VERSION;
  std::vector<std::string> services;  // enabled services, shown by /api/v1/info
  std::string backupDir;              // where online backups are staged
  int64_t defaultTokenTtlMs = 24LL * 3600 * 1000;
  int64_t maxTokenTtlMs = 30LL * 24 * 3600 * 1000;
};

struct Route;  // defined in routes.h

class Api {
 public:
  Api(store::Store& store, const Clock& clock, MetricsRegistry& metrics, ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  http::Response handle(const http::Request& request);

  // Readiness for /healthz/ready; set false while shutting down.
  void setReady(bool ready) { ready_ = ready; }

  Authenticator& authenticator() { return auth_; }
  const KindRegistry& kinds() const { return kinds_; }

  // The OpenAPI 3.0 document, generated from the route table and the kinds.
  nlohmann::json openApi() const;

  // Route handlers (public for the route table; not for other callers).
  struct Call;
  http::Response list(Call& call);
  http::Response get(Call& call);
  http::Response create(Call& call);
  http::Response replace(Call& call);
  http::Response patch(Call& call);
  http::Response remove(Call& call);
  http::Response action(Call& call);
  http::Response events(Call& call);
  http::Response issueToken(Call& call);
  http::Response info(Call& call);
  http::Response openApiRoute(Call& call);
  http::Response health(Call& call);
  http::Response metricsRoute(Call& call);
  http::Response backup(Call& call);

 private:
  http::Response dispatch(const http::Request& request, std::string& routeName);
  http::Response write(Call& call, const store::Object& obj, std::optional<int64_t> expectedRev);

  store::Store& store_;
  const Clock& clock_;
  MetricsRegistry& metrics_;
  ApiOptions options_;
  KindRegistry kinds_;
  Authenticator auth_;
  std::vector<Route> routes_;
  int64_t startMs_;
  std::atomic<bool> ready_{true};
};

// The JSON error body every failing route returns.
http::Response errorResponse(const Error& error);

}  // namespace foundry::api
