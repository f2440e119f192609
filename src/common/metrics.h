#pragma once
// A small Prometheus registry: counters and histograms with fixed label sets,
// and gauges computed on scrape. Thread-safe. Rendered in the Prometheus text
// exposition format (version 0.0.4).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace foundry {

using Labels = std::map<std::string, std::string>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  void describe(const std::string& name, const std::string& type, const std::string& help);
  void increment(const std::string& name, const Labels& labels, double by = 1.0);
  // Observes a value into a histogram with the default latency buckets (seconds).
  void observe(const std::string& name, const Labels& labels, double value);
  // A gauge family whose samples are computed at scrape time.
  using GaugeFn = std::function<std::vector<std::pair<Labels, double>>()>;
  void gauge(const std::string& name, const std::string& help, GaugeFn fn);

  std::string render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace foundry
