#include "common/metrics.h"

#include <array>

#include <fmt/format.h>

namespace foundry {
namespace {

constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                             0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

std::string escapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string renderLabels(const Labels& labels, const std::string& extraKey = {},
                         const std::string& extraValue = {}) {
  if (labels.empty() && extraKey.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ",";
    first = false;
    out += k + "=\"" + escapeLabel(v) + "\"";
  }
  if (!extraKey.empty()) {
    if (!first) out += ",";
    out += extraKey + "=\"" + extraValue + "\"";
  }
  return out + "}";
}

struct Histogram {
  std::array<uint64_t, kBuckets.size()> counts{};
  uint64_t count = 0;
  double sum = 0;
};

}  // namespace

struct MetricsRegistry::Impl {
  mutable std::mutex mutex;
  std::map<std::string, std::pair<std::string, std::string>> meta;  // name -> (type, help)
  std::map<std::string, std::map<Labels, double>> counters;
  std::map<std::string, std::map<Labels, Histogram>> histograms;
  std::vector<std::pair<std::string, GaugeFn>> gauges;
};

MetricsRegistry::MetricsRegistry() : impl_(std::make_unique<Impl>()) {}
MetricsRegistry::~MetricsRegistry() = default;

void MetricsRegistry::describe(const std::string& name, const std::string& type,
                               const std::string& help) {
  std::lock_guard lock(impl_->mutex);
  impl_->meta[name] = {type, help};
}

void MetricsRegistry::increment(const std::string& name, const Labels& labels, double by) {
  std::lock_guard lock(impl_->mutex);
  impl_->counters[name][labels] += by;
}

void MetricsRegistry::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(impl_->mutex);
  Histogram& h = impl_->histograms[name][labels];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (value <= kBuckets[i]) h.counts[i]++;
  }
  h.count++;
  h.sum += value;
}

void MetricsRegistry::gauge(const std::string& name, const std::string& help, GaugeFn fn) {
  std::lock_guard lock(impl_->mutex);
  impl_->meta[name] = {"gauge", help};
  impl_->gauges.emplace_back(name, std::move(fn));
}

std::string MetricsRegistry::render() const {
  std::vector<std::pair<std::string, GaugeFn>> gauges;
  std::string out;
  {
    std::lock_guard lock(impl_->mutex);
    gauges = impl_->gauges;
    auto header = [&](const std::string& name, const char* defaultType) {
      auto it = impl_->meta.find(name);
      if (it != impl_->meta.end()) {
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, it->second.second, name,
                           it->second.first);
      } else {
        out += fmt::format("# TYPE {} {}\n", name, defaultType);
      }
    };
    for (const auto& [name, series] : impl_->counters) {
      header(name, "counter");
      for (const auto& [labels, v] : series) out += fmt::format("{}{} {}\n", name, renderLabels(labels), v);
    }
    for (const auto& [name, series] : impl_->histograms) {
      header(name, "histogram");
      for (const auto& [labels, h] : series) {
        for (size_t i = 0; i < kBuckets.size(); ++i) {
          out += fmt::format("{}_bucket{} {}\n", name,
                             renderLabels(labels, "le", fmt::format("{}", kBuckets[i])), h.counts[i]);
        }
        out += fmt::format("{}_bucket{} {}\n", name, renderLabels(labels, "le", "+Inf"), h.count);
        out += fmt::format("{}_sum{} {}\n", name, renderLabels(labels), h.sum);
        out += fmt::format("{}_count{} {}\n", name, renderLabels(labels), h.count);
      }
    }
  }
  // Gauges are computed outside the lock: they may query the store.
  for (const auto& [name, fn] : gauges) {
    std::string help;
    {
      std::lock_guard lock(impl_->mutex);
      help = impl_->meta[name].second;
    }
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
    for (const auto& [labels, v] : fn()) out += fmt::format("{}{} {}\n", name, renderLabels(labels), v);
  }
  return out;
}

}  // namespace foundry
