#pragma once
// Reading object documents from YAML or JSON: one file, stdin ("-"), or a
// directory walked recursively in sorted order. A YAML file may hold several
// documents separated by "---"; a JSON file holds one object or an array.
// Pure with respect to the network; touches only the files named.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace YAML {
class Node;
}

namespace foundry::cli {

inline constexpr size_t kMaxInputBytes = 64u << 20;

// One parsed document and where it came from ("dir/a.yaml#2").
struct Document {
  std::string source;
  nlohmann::json body;
};

// An object as the user wrote it, validated for shape only.
struct ObjectDoc {
  std::string source;
  std::string kind;  // as written; resolve with findKind()
  std::string name;  // may be empty (UUID-keyed kinds on create)
  nlohmann::json labels = nlohmann::json::object();  // string -> string
  nlohmann::json spec = nlohmann::json::object();
  std::optional<int64_t> rev;
};

// YAML 1.2 core-schema typing of plain scalars: null, true/false, integers and
// floats become JSON values; quoted scalars stay strings. Throws nothing.
nlohmann::json yamlToJson(const YAML::Node& node);

// The value a plain (unquoted) YAML scalar reads as under that schema.
nlohmann::json yamlPlainScalar(const std::string& text);

// Parses text as JSON (when it starts with '{' or '[') or multi-document YAML.
// Empty YAML documents are skipped; a top-level JSON array gives one document
// per element.
Result<std::vector<Document>> parseDocuments(std::string_view text, const std::string& source);

// Reads a file, a directory (recursively: *.yaml, *.yml, *.json, sorted by
// path) or, for "-", all of `in`.
Result<std::vector<Document>> loadDocuments(const std::string& path, std::istream& in);

// Checks the shape {kind, name, labels, spec}; server-set fields (rev,
// createdAt, updatedAt) are accepted so that `get -o yaml` output can be
// re-applied. Label values that are numbers or booleans become strings.
Result<ObjectDoc> toObjectDoc(const Document& doc);

// The body sent on create/replace: {"name", "labels", "spec"}; the rev, when
// wanted, travels as If-Match.
nlohmann::json objectBody(const ObjectDoc& doc);

}  // namespace foundry::cli
