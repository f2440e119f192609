#include "cli/documents.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <yaml-cpp/yaml.h>

namespace foundry::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool parseInt(const std::string& s, int64_t* out) {
  std::string_view v(s);
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  if (v.empty()) return false;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
  return ec == std::errc() && ptr == v.data() + v.size();
}

bool parseFloat(const std::string& s, double* out) {
  std::string_view v(s);
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  if (v.empty() || v.find_first_of("0123456789") == std::string_view::npos) return false;
  if (v.find_first_not_of("0123456789+-.eE") != std::string_view::npos) return false;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
  return ec == std::errc() && ptr == v.data() + v.size();
}

}  // namespace

json yamlPlainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  int64_t i = 0;
  if (parseInt(s, &i)) return i;
  double d = 0;
  if (parseFloat(s, &d)) return d;
  return s;
}

namespace {

bool isYamlFile(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

Result<std::string> readFile(const fs::path& path) {
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (ec) return fail(ErrorCode::kInvalidArgument, "cannot read " + path.string() + ": " + ec.message());
  if (size > kMaxInputBytes) {
    return fail(ErrorCode::kTooLarge, path.string() + " is larger than 64 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kInvalidArgument, "cannot open " + path.string());
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

Result<std::vector<fs::path>> listDirectory(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec) && isYamlFile(it->path())) files.push_back(it->path());
  }
  if (ec) return fail(ErrorCode::kInvalidArgument, "cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::string> labelValue(const std::string& source, const std::string& key, const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return fail(ErrorCode::kInvalidArgument, source + ": label '" + key + "' must be a string",
              "labels." + key);
}

}  // namespace

json yamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : node) obj[kv.first.Scalar()] = yamlToJson(kv.second);
      return obj;
    }
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : node) arr.push_back(yamlToJson(item));
      return arr;
    }
    case YAML::NodeType::Scalar:
      // Quoted scalars carry the non-specific tag "!"; only plain ones are typed.
      return node.Tag() == "!" ? json(node.Scalar()) : yamlPlainScalar(node.Scalar());
    default:
      return nullptr;
  }
}

Result<std::vector<Document>> parseDocuments(std::string_view text, const std::string& source) {
  std::vector<Document> docs;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      return fail(ErrorCode::kInvalidArgument, source + ": invalid JSON");
    }
    if (!parsed.is_array()) return std::vector<Document>{{source, std::move(parsed)}};
    for (size_t i = 0; i < parsed.size(); ++i) {
      docs.push_back({source + "#" + std::to_string(i + 1), std::move(parsed[i])});
    }
    return docs;
  }
  try {
    std::vector<YAML::Node> nodes = YAML::LoadAll(std::string(text));
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].IsNull()) continue;
      std::string where = nodes.size() > 1 ? source + "#" + std::to_string(i + 1) : source;
      docs.push_back({where, yamlToJson(nodes[i])});
    }
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kInvalidArgument, source + ": invalid YAML: " + e.what());
  }
  return docs;
}

Result<std::vector<Document>> loadDocuments(const std::string& path, std::istream& in) {
  if (path == "-") {
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      text.append(buf, static_cast<size_t>(in.gcount()));
      if (text.size() > kMaxInputBytes) return fail(ErrorCode::kTooLarge, "stdin is larger than 64 MiB");
    }
    return parseDocuments(text, "<stdin>");
  }
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    Result<std::vector<fs::path>> listed = listDirectory(path);
    if (!listed) return tl::unexpected(listed.error());
    files = std::move(*listed);
  } else {
    files.emplace_back(path);
  }
  std::vector<Document> all;
  for (const fs::path& file : files) {
    Result<std::string> text = readFile(file);
    if (!text) return tl::unexpected(text.error());
    Result<std::vector<Document>> docs = parseDocuments(*text, file.string());
    if (!docs) return tl::unexpected(docs.error());
    std::move(docs->begin(), docs->end(), std::back_inserter(all));
  }
  return all;
}

Result<ObjectDoc> toObjectDoc(const Document& doc) {
  const json& b = doc.body;
  auto bad = [&](const std::string& what, const std::string& field = {}) {
    return fail(ErrorCode::kInvalidArgument, doc.source + ": " + what, field,
                "a document is {kind, name, labels, spec}");
  };
  if (!b.is_object()) return bad("document is not an object");
  ObjectDoc out;
  out.source = doc.source;
  for (const auto& [key, value] : b.items()) {
    if (key == "kind" || key == "name") {
      if (!value.is_string()) return bad("'" + key + "' must be a string", key);
      (key == "kind" ? out.kind : out.name) = value.get<std::string>();
    } else if (key == "labels") {
      if (value.is_null()) continue;
      if (!value.is_object()) return bad("'labels' must be a map", key);
      for (const auto& [lk, lv] : value.items()) {
        Result<std::string> text = labelValue(doc.source, lk, lv);
        if (!text) return tl::unexpected(text.error());
        out.labels[lk] = *text;
      }
    } else if (key == "spec") {
      if (!value.is_null()) out.spec = value;
    } else if (key == "rev") {
      if (value.is_number_integer()) out.rev = value.get<int64_t>();
    } else if (key != "createdAt" && key != "updatedAt") {
      return bad("unknown field '" + key + "'", key);
    }
  }
  return out;
}

json objectBody(const ObjectDoc& doc) {
  json body = json::object();
  if (!doc.name.empty()) body["name"] = doc.name;
  body["labels"] = doc.labels;
  body["spec"] = doc.spec;
  return body;
}

}  // namespace foundry::cli
