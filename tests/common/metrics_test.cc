#include "common/metrics.h"

#include <gtest/gtest.h>

namespace foundry {
namespace {

TEST(Metrics, RendersCountersHistogramsAndGaugesInPrometheusText) {
  MetricsRegistry reg;
  reg.describe("foundry_http_requests_total", "counter", "HTTP requests");
  reg.increment("foundry_http_requests_total", {{"code", "200"}});
  reg.increment("foundry_http_requests_total", {{"code", "200"}});
  reg.observe("foundry_http_request_seconds", {}, 0.003);
  reg.gauge("foundry_objects", "Objects per kind",
            [] { return std::vector<std::pair<Labels, double>>{{{{"kind", "Machine"}}, 7}}; });
  std::string text = reg.render();
  EXPECT_NE(text.find("# TYPE foundry_http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("foundry_http_requests_total{code=\"200\"} 2"), std::string::npos);
  EXPECT_NE(text.find("foundry_http_request_seconds_bucket{le=\"0.0025\"} 0"), std::string::npos);
  EXPECT_NE(text.find("foundry_http_request_seconds_bucket{le=\"0.005\"} 1"), std::string::npos);
  EXPECT_NE(text.find("foundry_http_request_seconds_count 1"), std::string::npos);
  EXPECT_NE(text.find("foundry_objects{kind=\"Machine\"} 7"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
  MetricsRegistry reg;
  reg.increment("c", {{"path", "a\"b\nc"}});
  EXPECT_NE(reg.render().find("c{path=\"a\\\"b\\nc\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace foundry
