#include "api/kinds.h"

#include <arpa/inet.h>

#include <charconv>
#include <regex>

namespace foundry::api {
namespace {

FieldRule str(std::string path, bool required = false, std::string description = {}) {
  return FieldRule{std::move(path), FieldType::kString, required, {}, FieldFormat::kNone,
                   std::move(description)};
}
FieldRule fmtStr(std::string path, FieldFormat format, bool required, std::string description) {
  return FieldRule{std::move(path), FieldType::kString, required, {}, format, std::move(description)};
}
FieldRule oneOf(std::string path, std::vector<std::string> allowed, bool required,
                std::string description) {
  return FieldRule{std::move(path), FieldType::kString, required, std::move(allowed),
                   FieldFormat::kNone, std::move(description)};
}
FieldRule typed(std::string path, FieldType type, bool required, std::string description,
                FieldFormat format = FieldFormat::kNone) {
  return FieldRule{std::move(path), type, required, {}, format, std::move(description)};
}

const char* typeName(FieldType type) {
  switch (type) {
    case FieldType::kString: return "a string";
    case FieldType::kInteger: return "an integer";
    case FieldType::kNumber: return "a number";
    case FieldType::kBoolean: return "a boolean";
    case FieldType::kObject: return "an object";
    case FieldType::kArray: return "an array";
  }
  return "a value";
}

bool hasType(const nlohmann::json& v, FieldType type) {
  switch (type) {
    case FieldType::kString: return v.is_string();
    case FieldType::kInteger: return v.is_number_integer();
    case FieldType::kNumber: return v.is_number();
    case FieldType::kBoolean: return v.is_boolean();
    case FieldType::kObject: return v.is_object();
    case FieldType::kArray: return v.is_array();
  }
  return false;
}

bool isIpv4(const std::string& s) {
  in_addr addr{};
  return inet_pton(AF_INET, s.c_str(), &addr) == 1;
}

Status checkFormat(const std::string& field, const std::string& value, FieldFormat format) {
  static const std::regex kMacRe("^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$");
  switch (format) {
    case FieldFormat::kNone: return {};
    case FieldFormat::kMac:
      // Length first: std::regex recurses per character on long input.
      if (value.size() == 17 && std::regex_match(value, kMacRe)) return {};
      return fail(ErrorCode::kInvalidArgument, "'" + value + "' is not a MAC address", field,
                  "write it as six hex pairs separated by colons, e.g. 52:54:00:12:34:56");
    case FieldFormat::kIpv4:
      if (isIpv4(value)) return {};
      return fail(ErrorCode::kInvalidArgument, "'" + value + "' is not an IPv4 address", field,
                  "write a dotted quad, e.g. 10.0.0.5");
    case FieldFormat::kCidr: {
      auto slash = value.find('/');
      int prefix = -1;
      if (slash != std::string::npos) {
        const char* b = value.data() + slash + 1;
        const char* e = value.data() + value.size();
        auto [ptr, ec] = std::from_chars(b, e, prefix);
        if (ec != std::errc() || ptr != e) prefix = -1;
      }
      if (slash != std::string::npos && isIpv4(value.substr(0, slash)) && prefix >= 0 &&
          prefix <= 32) {
        return {};
      }
      return fail(ErrorCode::kInvalidArgument, "'" + value + "' is not an IPv4 CIDR", field,
                  "write network/prefix, e.g. 10.0.0.0/24");
    }
    case FieldFormat::kDuration:
      if (parseDurationMs(value)) return {};
      return fail(ErrorCode::kInvalidArgument, "'" + value + "' is not a duration", field,
                  "write a number with s, m, h or d, e.g. 90s, 24h");
    case FieldFormat::kName:
      if (auto ok = validateName(value); !ok) {
        return fail(ErrorCode::kInvalidArgument, ok.error().message, field, ok.error().hint);
      }
      return {};
  }
  return {};
}

Status checkRule(const FieldRule& rule, const nlohmann::json& v) {
  const std::string field = "spec." + rule.path;
  if (!hasType(v, rule.type)) {
    return fail(ErrorCode::kInvalidArgument, field + " must be " + typeName(rule.type), field,
                "fix the value's type and send it again");
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (!rule.allowed.empty() &&
        std::find(rule.allowed.begin(), rule.allowed.end(), s) == rule.allowed.end()) {
      std::string list;
      for (const auto& a : rule.allowed) list += (list.empty() ? "" : ", ") + a;
      return fail(ErrorCode::kInvalidArgument, field + " is '" + s + "', not an allowed value",
                  field, "use one of " + list);
    }
    return checkFormat(field, s, rule.format);
  }
  if (v.is_array() && rule.format != FieldFormat::kNone) {
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        return fail(ErrorCode::kInvalidArgument, field + " must hold strings", field,
                    "make every element a string");
      }
      if (auto ok = checkFormat(field + "." + std::to_string(i), v[i].get<std::string>(),
                                rule.format);
          !ok) {
        return ok;
      }
    }
  }
  return {};
}

const nlohmann::json* lookup(const nlohmann::json& spec, const std::string& dotted) {
  const nlohmann::json* cur = &spec;
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

}  // namespace

const KindDef* KindRegistry::byPlural(const std::string& plural) const {
  for (const auto& k : kinds_) {
    if (k.plural == plural) return &k;
  }
  return nullptr;
}

const KindDef* KindRegistry::byName(const std::string& name) const {
  for (const auto& k : kinds_) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

Status validateSpec(const KindDef& kind, const nlohmann::json& spec) {
  if (!spec.is_object()) {
    return fail(ErrorCode::kInvalidArgument, "spec must be a JSON object", "spec",
                "send spec as {\"field\": value, ...}");
  }
  for (const auto& rule : kind.fields) {
    const nlohmann::json* v = lookup(spec, rule.path);
    if (v == nullptr || v->is_null()) {
      if (rule.required) {
        return fail(ErrorCode::kInvalidArgument, kind.name + " needs spec." + rule.path,
                    "spec." + rule.path,
                    rule.description.empty() ? "add the field" : "add it: " + rule.description);
      }
      continue;
    }
    if (auto ok = checkRule(rule, *v); !ok) return ok;
  }
  return {};
}

Status validateName(const std::string& name) {
  static const std::regex kNameRe("^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$");
  if (name.size() <= 253 && std::regex_match(name, kNameRe)) return {};
  return fail(ErrorCode::kInvalidArgument, "'" + name.substr(0, 64) + "' is not a valid name",
              "name",
              "use 1-253 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
}

Status validateLabel(const std::string& key, const std::string& value) {
  static const std::regex kKeyRe("^[A-Za-z0-9._-]{1,63}$");
  if (key.size() > 63 || !std::regex_match(key, kKeyRe)) {
    return fail(ErrorCode::kInvalidArgument, "'" + key.substr(0, 64) + "' is not a valid label key",
                "labels", "use 1-63 letters, digits, '.', '_' or '-'");
  }
  bool printable = value.size() <= 253;
  for (char c : value) printable = printable && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  if (!printable) {
    return fail(ErrorCode::kInvalidArgument, "label '" + key + "' has an invalid value",
                "labels." + key, "use up to 253 printable characters");
  }
  return {};
}

Result<int64_t> parseDurationMs(const std::string& text) {
  if (text.empty()) return fail(ErrorCode::kInvalidArgument, "empty duration");
  int64_t n = 0;
  const char* b = text.data();
  const char* e = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(b, e, n);
  if (ec != std::errc() || n < 0) {
    return fail(ErrorCode::kInvalidArgument, "'" + text + "' is not a duration", {},
                "write a number with s, m, h or d, e.g. 90s, 24h");
  }
  std::string unit(ptr, e);
  int64_t mult = 0;
  if (unit.empty() || unit == "s") mult = 1000;
  else if (unit == "ms") mult = 1;
  else if (unit == "m") mult = 60'000;
  else if (unit == "h") mult = 3'600'000;
  else if (unit == "d") mult = 86'400'000;
  if (mult == 0 || n > INT64_MAX / mult) {
    return fail(ErrorCode::kInvalidArgument, "'" + text + "' is not a duration", {},
                "write a number with ms, s, m, h or d, e.g. 90s, 24h");
  }
  return n * mult;
}

KindRegistry defaultKinds() {
  using T = FieldType;
  using F = FieldFormat;
  std::vector<KindDef> k;
  k.push_back({"Machine", "machines", "A server (or DPU/BMC-managed node) Foundry provisions.", true,
               false, false,
               {str("hostname", false, "the machine's host name"),
                oneOf("arch", {"x86_64", "arm64"}, false, "CPU architecture"),
                oneOf("firmware", {"bios", "uefi"}, false, "boot firmware type"),
                typed("macs", T::kArray, false, "MAC addresses of its NICs", F::kMac),
                fmtStr("bootMac", F::kMac, false, "the MAC it network-boots from"),
                str("systemUuid", false, "SMBIOS system UUID"),
                str("serial", false, "system serial number"),
                fmtStr("address", F::kIpv4, false, "provisioning IPv4 address"),
                str("bootEnv", false, "boot environment it boots next"),
                str("workflow", false, "workflow assigned to it"),
                typed("profiles", T::kArray, false, "profiles applied, in order"),
                typed("params", T::kObject, false, "the machine's own param values"),
                str("bmc", false, "name of its Bmc object")}});
  k.push_back({"Subnet", "subnets", "An IPv4 subnet Foundry serves by DHCP.", false, false, false,
               {fmtStr("cidr", F::kCidr, true, "network/prefix, e.g. 10.0.0.0/24"),
                fmtStr("gateway", F::kIpv4, false, "default router"),
                typed("pool", T::kObject, false, "address pool {start, end}"),
                fmtStr("pool.start", F::kIpv4, false, "first address of the pool"),
                fmtStr("pool.end", F::kIpv4, false, "last address of the pool"),
                typed("exclusions", T::kArray, false, "addresses never handed out", F::kIpv4),
                fmtStr("leaseTime", F::kDuration, false, "lease duration, e.g. 1h"),
                typed("options", T::kObject, false, "DHCP options by name")}});
  k.push_back({"Reservation", "reservations", "A fixed address for a MAC, client-id or switch port.",
               false, false, false,
               {fmtStr("address", F::kIpv4, true, "the reserved IPv4 address"),
                fmtStr("mac", F::kMac, false, "client hardware address"),
                str("clientId", false, "DHCP client identifier (hex)"),
                str("circuitId", false, "relay agent circuit-id"),
                str("remoteId", false, "relay agent remote-id"),
                str("subnet", false, "Subnet it belongs to")}});
  k.push_back({"Lease", "leases", "A DHCP lease (written by the DHCP server).", true, true, false,
               {fmtStr("address", F::kIpv4, true, "leased address"),
                fmtStr("mac", F::kMac, false, "client hardware address")}});
  k.push_back({"BootEnv", "bootenvs", "What a machine boots: kernel, initrds, loader, templates.",
               false, false, false,
               {typed("unknownMachines", T::kBoolean, false, "serves machines Foundry does not know"),
                typed("arches", T::kObject, false, "per-architecture kernel/initrd/loader"),
                typed("templates", T::kArray, false, "templates rendered and their paths")}});
  k.push_back({"Template", "templates", "A Mustache template rendered per machine.", false, false,
               false,
               {str("contents", true, "the Mustache text"),
                oneOf("escape", {"none", "shell", "ipxe", "yaml", "cmdline"}, false,
                      "how values are escaped")}});
  k.push_back({"Param", "params", "A named parameter with a JSON schema.", false, false, false,
               {typed("schema", T::kObject, true, "JSON schema of the value"),
                typed("secret", T::kBoolean, false, "value is a secret")}});
  k.push_back({"Profile", "profiles", "A set of param values, may include other profiles.", false,
               false, false,
               {typed("params", T::kObject, false, "param values"),
                typed("profiles", T::kArray, false, "included profiles, in order")}});
  k.push_back({"Task", "tasks", "A job the agent runs, rendered from templates.", false, false,
               false,
               {typed("templates", T::kArray, false, "script templates"),
                typed("requiredParams", T::kArray, false, "params it needs"),
                fmtStr("timeout", F::kDuration, false, "time limit")}});
  k.push_back({"Stage", "stages", "Tasks run together, optionally in a boot environment.", false,
               false, false,
               {str("bootEnv", false, "boot environment of the stage"),
                typed("tasks", T::kArray, false, "task names in order"),
                typed("params", T::kObject, false, "param values for the stage")}});
  k.push_back({"Workflow", "workflows", "Stages in order.", false, false, false,
               {typed("stages", T::kArray, true, "stage names in order")}});
  k.push_back({"Job", "jobs", "One run of a task on a machine (written by the engine).", true,
               true, false, {}});
  k.push_back({"HardwareProfile", "hardwareprofiles", "A bill of materials a machine must match.",
               false, false, false,
               {typed("match", T::kObject, false, "how a machine of this profile is recognised"),
                str("extends", false, "profile this one extends")}});
  k.push_back({"Inventory", "inventories", "Hardware inventory reported by the agent.", false, true,
               false, {}});
  k.push_back({"QualificationReport", "qualificationreports",
               "Result of checking an inventory against its hardware profile.", false, true, false,
               {}});
  k.push_back({"Issue", "issues", "A deviation found on a machine.", true, true, false, {}});
  k.push_back({"Topology", "topologies", "The plant's expected cabling.", false, false, false, {}});
  k.push_back({"Switch", "switches", "A network switch.", false, false, false,
               {fmtStr("managementAddress", F::kIpv4, false, "management IPv4 address")}});
  k.push_back({"Bmc", "bmcs", "A baseboard management controller.", false, false, true,
               {str("address", true, "BMC address or host name"),
                oneOf("protocol", {"redfish", "ipmi"}, false, "management protocol"),
                str("username", false, "login user"), str("password", false, "login password")}});
  k.push_back({"User", "users", "A person or system that calls the API.", false, false, false,
               {oneOf("role", {"admin", "viewer"}, false, "role granted")}});
  k.push_back({"Role", "roles", "A named set of permissions.", false, false, false,
               {typed("permissions", T::kArray, false, "allowed verbs per kind")}});
  k.push_back({"Token", "tokens", "An API bearer token (create with POST /api/v1/tokens).", false,
               true, true, {}});
  return KindRegistry(std::move(k));
}

}  // namespace foundry::api
