#pragma once
// The one seam for time: code takes a Clock& instead of calling the system
// clock, so tests can move time (retention, token expiry).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace foundry {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (wall clock).
  virtual int64_t nowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t nowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Thread-safe settable clock for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t startMs = 1'700'000'000'000) : nowMs_(startMs) {}
  int64_t nowMs() const override { return nowMs_.load(); }
  void advanceMs(int64_t ms) { nowMs_ += ms; }
  void setMs(int64_t ms) { nowMs_ = ms; }

 private:
  std::atomic<int64_t> nowMs_;
};

// RFC 3339 UTC with milliseconds, e.g. "2026-12-03T15:18:22.123Z".
std::string formatTimestamp(int64_t unixMs);

}  // namespace foundry
