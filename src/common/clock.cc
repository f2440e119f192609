#include "common/clock.h"

#include <ctime>

#include <fmt/format.h>

namespace foundry {

std::string formatTimestamp(int64_t unixMs) {
  std::time_t secs = static_cast<std::time_t>(unixMs / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     static_cast<int>(unixMs % 1000));
}

}  // namespace foundry
