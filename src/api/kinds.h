#pragma once
// The registry of object kinds: their REST names, how they are keyed, whether
// clients may write them, and the rules their spec must satisfy. The API's
// routes, its validation and its OpenAPI document are all generated from this
// one table, so they cannot drift apart. Each later module grows its kinds'
// field rules here.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace foundry::api {

enum class FieldType { kString, kInteger, kNumber, kBoolean, kObject, kArray };

// Extra checks on string values (applied to array elements for kArray).
enum class FieldFormat { kNone, kMac, kIpv4, kCidr, kDuration, kName };

struct FieldRule {
  std::string path;  // dotted path inside spec, e.g. "arch" or "pool.start"
  FieldType type = FieldType::kString;
  bool required = false;
  std::vector<std::string> allowed;  // enum values for strings; empty = any
  FieldFormat format = FieldFormat::kNone;
  std::string description;
};

struct KindDef {
  std::string name;    // "Machine"
  std::string plural;  // "machines" (REST path segment)
  std::string description;
  bool uuidKey = false;   // name generated as a UUID when omitted on create
  bool readOnly = false;  // derived by the server; generic writes get 405
  bool secretSpec = false;  // spec carries secrets: redacted on output
  std::vector<FieldRule> fields;
};

class KindRegistry {
 public:
  explicit KindRegistry(std::vector<KindDef> kinds) : kinds_(std::move(kinds)) {}
  const KindDef* byPlural(const std::string& plural) const;
  const KindDef* byName(const std::string& name) const;
  const std::vector<KindDef>& all() const { return kinds_; }

 private:
  std::vector<KindDef> kinds_;
};

// Every kind of PRODUCT.md's object model, with the rules known so far.
KindRegistry defaultKinds();

// Checks spec against the kind's rules. The error names the field
// ("spec.<path>") and says what is expected.
Status validateSpec(const KindDef& kind, const nlohmann::json& spec);

// Object names: 1-253 chars of [A-Za-z0-9._:-], starting alphanumeric.
Status validateName(const std::string& name);
// Label keys [A-Za-z0-9._-]{1,63}; values up to 253 printable chars.
Status validateLabel(const std::string& key, const std::string& value);

// Parses "90s", "15m", "24h", "30d" (or a bare number of seconds) to ms.
Result<int64_t> parseDurationMs(const std::string& text);

}  // namespace foundry::api
