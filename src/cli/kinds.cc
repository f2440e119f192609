#include "cli/kinds.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace foundry::cli {
namespace {

constexpr std::array<KindInfo, 22> kKinds{{
    {"Machine", "machine", "machines", false},
    {"Subnet", "subnet", "subnets", false},
    {"Reservation", "reservation", "reservations", false},
    {"Lease", "lease", "leases", true},
    {"BootEnv", "bootenv", "bootenvs", false},
    {"Template", "template", "templates", false},
    {"Param", "param", "params", false},
    {"Profile", "profile", "profiles", false},
    {"Task", "task", "tasks", false},
    {"Stage", "stage", "stages", false},
    {"Workflow", "workflow", "workflows", false},
    {"Job", "job", "jobs", true},
    {"HardwareProfile", "hardwareprofile", "hardwareprofiles", false},
    {"Inventory", "inventory", "inventories", true},
    {"QualificationReport", "qualificationreport", "qualificationreports", true},
    {"Issue", "issue", "issues", true},
    {"Topology", "topology", "topologies", false},
    {"Switch", "switch", "switches", false},
    {"Bmc", "bmc", "bmcs", false},
    {"User", "user", "users", false},
    {"Role", "role", "roles", false},
    {"Token", "token", "tokens", false},
}};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::span<const KindInfo> allKinds() { return kKinds; }

Result<const KindInfo*> findKind(std::string_view word) {
  for (const KindInfo& info : kKinds) {
    if (equalsIgnoreCase(word, info.singular) || equalsIgnoreCase(word, info.plural) ||
        equalsIgnoreCase(word, info.kind)) {
      return &info;
    }
  }
  return fail(ErrorCode::kInvalidArgument, "unknown kind '" + std::string(word) + "'", "",
              "known kinds: " + knownKindsList());
}

std::string knownKindsList() {
  std::vector<std::string_view> words;
  for (const KindInfo& info : kKinds) words.push_back(info.singular);
  std::sort(words.begin(), words.end());
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

}  // namespace foundry::cli
