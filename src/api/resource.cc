#include "api/resource.h"

#include <openssl/rand.h>

#include <array>
#include <charconv>

#include <fmt/format.h>

#include "common/clock.h"

namespace foundry::api {
namespace {

constexpr size_t kMaxJsonDepth = kMaxDocumentDepth;

// Recursion is bounded: stored documents are at most kMaxDocumentDepth deep.
void redact(nlohmann::json& node) {
  if (node.is_array()) {
    for (auto& item : node) redact(item);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, value] : node.items()) {
    if (isSecretKey(key)) {
      value = kRedacted;
    } else {
      redact(value);
    }
  }
}

// Maps the API's field names to the store's.
Result<std::string> storeField(const std::string& field) {
  if (field == "name") return std::string("key");
  if (field == "rev") return std::string("rev");
  if (field == "createdAt") return std::string("createdMs");
  if (field == "updatedAt") return std::string("updatedMs");
  if (field.rfind("spec.", 0) == 0) {
    // Filtering on a secret would let a reader recover it one guess at a time.
    size_t start = 0;
    while (start < field.size()) {
      size_t dot = field.find('.', start);
      if (isSecretKey(field.substr(start, dot == std::string::npos ? std::string::npos : dot - start))) {
        return fail(ErrorCode::kInvalidArgument, "'" + field + "' is a secret field", field,
                    "secret fields cannot be filtered or sorted on");
      }
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return field;
  }
  if (field.rfind("labels.", 0) == 0) return field;
  return fail(ErrorCode::kInvalidArgument, "unknown field '" + field + "' in list query", field,
              "filter or sort on name, rev, createdAt, updatedAt, labels.<key> or spec.<path>");
}

Result<int64_t> parseCount(const std::string& name, const std::string& value) {
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || ptr != value.data() + value.size() || n < 0) {
    return fail(ErrorCode::kInvalidArgument, name + " must be a non-negative integer", name,
                "e.g. " + name + "=100");
  }
  return n;
}

Result<store::Filter> parseFilter(const std::string& field, const std::string& raw) {
  static const std::array<std::pair<const char*, store::FilterOp>, 10> kOps{{
      {"eq", store::FilterOp::kEq}, {"ne", store::FilterOp::kNe}, {"lt", store::FilterOp::kLt},
      {"le", store::FilterOp::kLe}, {"gt", store::FilterOp::kGt}, {"ge", store::FilterOp::kGe},
      {"in", store::FilterOp::kIn}, {"re", store::FilterOp::kRegex},
      {"exists", store::FilterOp::kExists}, {"regex", store::FilterOp::kRegex}}};
  auto mapped = storeField(field);
  if (!mapped) return tl::unexpected(mapped.error());
  store::Filter f{*mapped, store::FilterOp::kEq, {raw}};
  auto colon = raw.find(':');
  if (colon != std::string::npos) {
    std::string op = raw.substr(0, colon);
    for (const auto& [name, value] : kOps) {
      if (op == name) {
        f.op = value;
        f.values = {raw.substr(colon + 1)};
      }
    }
  }
  if (f.op == store::FilterOp::kIn) {
    std::vector<std::string> parts;
    std::string all = f.values[0];
    size_t start = 0;
    while (true) {
      size_t comma = all.find(',', start);
      parts.push_back(all.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    f.values = std::move(parts);
  } else if (f.op == store::FilterOp::kExists) {
    f.values.clear();
  }
  return f;
}

}  // namespace

bool isSecretKey(std::string_view key) {
  std::string lower(key);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* secret : {"password", "passwd", "hash", "secret", "token", "privatekey"}) {
    if (lower.find(secret) != std::string::npos) return true;
  }
  return false;
}

void restoreRedacted(nlohmann::json& incoming, const nlohmann::json& stored) {
  if (incoming.is_string() && incoming.get_ref<const std::string&>() == kRedacted) {
    incoming = stored;
  } else if (incoming.is_object() && stored.is_object()) {
    for (auto& [key, value] : incoming.items()) {
      if (auto it = stored.find(key); it != stored.end()) restoreRedacted(value, *it);
    }
  } else if (incoming.is_array() && stored.is_array()) {
    for (size_t i = 0; i < incoming.size() && i < stored.size(); ++i) {
      restoreRedacted(incoming[i], stored[i]);
    }
  }
}

Status checkDocumentBounds(const nlohmann::json& doc, const std::string& field) {
  struct Item {
    const nlohmann::json* node;
    size_t depth;
  };
  std::vector<Item> stack{{&doc, 1}};
  size_t bytes = 0;
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    if (item.depth > kMaxDocumentDepth) {
      return fail(ErrorCode::kInvalidArgument,
                  field + " nests deeper than " + std::to_string(kMaxDocumentDepth) + " levels",
                  field, "flatten the document");
    }
    const nlohmann::json& n = *item.node;
    if (n.is_string()) {
      bytes += n.get_ref<const std::string&>().size() + 2;
    } else if (n.is_object()) {
      for (const auto& [key, value] : n.items()) {
        bytes += key.size() + 4;
        stack.push_back({&value, item.depth + 1});
      }
    } else if (n.is_array()) {
      for (const auto& value : n) stack.push_back({&value, item.depth + 1});
    } else {
      bytes += 8;
    }
    if (bytes > kMaxSpecBytes) {
      return fail(ErrorCode::kTooLarge,
                  field + " is larger than " + std::to_string(kMaxSpecBytes / 1024) + " KiB",
                  field, "keep bulky data (images, logs) out of objects; refer to it by URL");
    }
  }
  return {};
}

nlohmann::json toJson(const KindDef& kind, const store::Object& obj) {
  nlohmann::json j;
  j["kind"] = obj.kind;
  j["name"] = obj.key;
  j["labels"] = obj.labels;
  j["rev"] = obj.rev;
  j["createdAt"] = formatTimestamp(obj.createdMs);
  j["updatedAt"] = formatTimestamp(obj.updatedMs);
  j["spec"] = obj.spec;
  if (kind.secretSpec) redact(j["spec"]);
  return j;
}

Result<nlohmann::json> parseBody(const std::string& body) {
  if (body.empty()) {
    return fail(ErrorCode::kInvalidArgument, "request body is empty", {},
                "send a JSON object");
  }
  size_t depth = 0;
  bool tooDeep = false;
  auto guard = [&](int d, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if (event == nlohmann::json::parse_event_t::object_start ||
        event == nlohmann::json::parse_event_t::array_start) {
      depth = static_cast<size_t>(d);
      if (depth > kMaxJsonDepth) tooDeep = true;
    }
    return !tooDeep;
  };
  nlohmann::json j = nlohmann::json::parse(body, guard, false);
  if (tooDeep) {
    return fail(ErrorCode::kInvalidArgument, "request body nests deeper than 64 levels", {},
                "flatten the document");
  }
  if (j.is_discarded()) {
    return fail(ErrorCode::kInvalidArgument, "request body is not valid JSON", {},
                "check the JSON syntax (quotes, commas, brackets)");
  }
  return j;
}

Result<store::Object> fromJson(const KindDef& kind, const nlohmann::json& body,
                               const std::string& pathName, std::optional<int64_t>* bodyRev) {
  if (!body.is_object()) {
    return fail(ErrorCode::kInvalidArgument, "body must be a JSON object", {},
                "send {\"name\": ..., \"labels\": {...}, \"spec\": {...}}");
  }
  store::Object obj;
  obj.kind = kind.name;
  if (auto it = body.find("kind"); it != body.end() && *it != kind.name) {
    return fail(ErrorCode::kInvalidArgument, "body kind does not match the route", "kind",
                "send it to /api/v1/<plural of its kind>, or remove 'kind'");
  }
  if (auto it = body.find("name"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return fail(ErrorCode::kInvalidArgument, "name must be a string", "name");
    obj.key = it->get<std::string>();
  }
  if (!pathName.empty()) {
    if (!obj.key.empty() && obj.key != pathName) {
      return fail(ErrorCode::kInvalidArgument,
                  "body name '" + obj.key + "' differs from the URL's '" + pathName + "'", "name",
                  "objects cannot be renamed; create a new one and delete the old");
    }
    obj.key = pathName;
  }
  if (obj.key.empty()) {
    if (!kind.uuidKey) {
      return fail(ErrorCode::kInvalidArgument, kind.name + " needs a name", "name",
                  "add \"name\": \"...\" to the body");
    }
    obj.key = newUuid();
  }
  if (auto ok = validateName(obj.key); !ok) return tl::unexpected(ok.error());
  if (auto it = body.find("labels"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) {
      return fail(ErrorCode::kInvalidArgument, "labels must be an object of strings", "labels");
    }
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) {
        return fail(ErrorCode::kInvalidArgument, "label '" + k + "' must be a string",
                    "labels." + k, "quote the value");
      }
      if (auto ok = validateLabel(k, v.get<std::string>()); !ok) return tl::unexpected(ok.error());
      obj.labels[k] = v.get<std::string>();
    }
  }
  if (auto it = body.find("spec"); it != body.end() && !it->is_null()) obj.spec = *it;
  if (auto ok = checkDocumentBounds(obj.spec, "spec"); !ok) return tl::unexpected(ok.error());
  if (auto ok = validateSpec(kind, obj.spec); !ok) return tl::unexpected(ok.error());
  if (bodyRev != nullptr) {
    *bodyRev = std::nullopt;
    if (auto it = body.find("rev"); it != body.end() && !it->is_null()) {
      if (!it->is_number_integer()) {
        return fail(ErrorCode::kInvalidArgument, "rev must be an integer", "rev");
      }
      *bodyRev = it->get<int64_t>();
    }
  }
  return obj;
}

Result<store::ListQuery> parseListQuery(const std::multimap<std::string, std::string>& params) {
  store::ListQuery q;
  q.limit = kDefaultListLimit;
  for (const auto& [name, value] : params) {
    if (name == "limit") {
      auto n = parseCount(name, value);
      if (!n) return tl::unexpected(n.error());
      if (*n > kMaxListLimit) {
        return fail(ErrorCode::kInvalidArgument, "limit is above " + std::to_string(kMaxListLimit),
                    "limit", "page through with limit and offset");
      }
      q.limit = *n == 0 ? kDefaultListLimit : *n;
    } else if (name == "offset") {
      auto n = parseCount(name, value);
      if (!n) return tl::unexpected(n.error());
      q.offset = *n;
    } else if (name == "sort") {
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string part = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        bool desc = !part.empty() && part[0] == '-';
        if (desc) part.erase(0, 1);
        auto mapped = storeField(part);
        if (!mapped) return tl::unexpected(mapped.error());
        q.sort.push_back({*mapped, desc});
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else {
      auto f = parseFilter(name, value);
      if (!f) return tl::unexpected(f.error());
      q.filters.push_back(std::move(*f));
    }
  }
  return q;
}

Result<std::optional<int64_t>> parseIfMatch(const std::string& header) {
  if (header.empty()) return std::optional<int64_t>{};
  std::string_view v = header;
  if (v.rfind("W/", 0) == 0) v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t rev = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), rev);
  if (ec != std::errc() || ptr != v.data() + v.size() || rev <= 0) {
    return fail(ErrorCode::kInvalidArgument, "If-Match must be a revision like \"42\"", "If-Match",
                "send the ETag you got from GET");
  }
  return std::optional<int64_t>{rev};
}

std::string newUuid() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    // RAND_bytes only fails when the OS entropy source is broken; refuse to
    // produce a predictable id.
    throw std::runtime_error("RAND_bytes failed");
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
                     "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                     b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                     b[12], b[13], b[14], b[15]);
}

}  // namespace foundry::api
