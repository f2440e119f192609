#include "store/query.h"

#include <charconv>
#include <cmath>
#include <memory>
#include <re2/re2.h>

namespace foundry::store {
namespace {

enum class FieldKind { kKey, kRev, kCreated, kUpdated, kLabel, kSpec };

struct Field {
  FieldKind kind = FieldKind::kKey;
  std::string label;     // label name for kLabel
  std::string jsonPath;  // bound path for kLabel/kSpec, e.g. $."nics"."count"
  std::string column;    // column for the fixed fields
};

bool isNumericColumn(FieldKind kind) {
  return kind == FieldKind::kRev || kind == FieldKind::kCreated || kind == FieldKind::kUpdated;
}

bool validChars(std::string_view text, std::string_view extra) {
  for (char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && extra.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return !text.empty();
}

tl::unexpected<Error> badField(const std::string& field, const std::string& why) {
  return fail(ErrorCode::kInvalidArgument, "invalid field '" + field.substr(0, 64) + "': " + why,
              field.substr(0, kMaxFieldLength),
              "use key, rev, createdMs, updatedMs, labels.<name> or spec.<path>");
}

Result<Field> parseField(const std::string& name) {
  if (name.size() > kMaxFieldLength) {
    return badField(name, "too long");
  }
  if (name == "key") return Field{FieldKind::kKey, {}, {}, "key"};
  if (name == "rev") return Field{FieldKind::kRev, {}, {}, "rev"};
  if (name == "createdMs") return Field{FieldKind::kCreated, {}, {}, "created_ms"};
  if (name == "updatedMs") return Field{FieldKind::kUpdated, {}, {}, "updated_ms"};
  if (name.starts_with("labels.")) {
    std::string label = name.substr(7);
    // Label names may carry a DNS prefix (example.com/rack); the charset
    // excludes quotes and backslashes, so quoting the JSON path is safe.
    if (!validChars(label, "._/-")) {
      return badField(name, "label names use letters, digits and . _ / -");
    }
    std::string path = "$.\"" + label + "\"";
    return Field{FieldKind::kLabel, std::move(label), std::move(path), {}};
  }
  if (name.starts_with("spec.")) {
    std::string path = "$";
    std::string_view rest = std::string_view(name).substr(5);
    while (true) {
      const size_t dot = rest.find('.');
      const std::string_view segment = rest.substr(0, dot);
      if (!validChars(segment, "_-")) {
        return badField(name, "spec paths are dot-separated members of letters, digits, _ and -");
      }
      path += ".\"" + std::string(segment) + "\"";
      if (dot == std::string_view::npos) {
        break;
      }
      rest = rest.substr(dot + 1);
    }
    return Field{FieldKind::kSpec, {}, std::move(path), {}};
  }
  return badField(name, "unknown field");
}

// SQL expression that yields the field's value, with its bound parameters.
std::string valueExpr(const Field& field, std::vector<BindValue>& binds) {
  switch (field.kind) {
    case FieldKind::kLabel:
      binds.emplace_back(field.jsonPath);
      return "json_extract(labels, ?)";
    case FieldKind::kSpec:
      binds.emplace_back(field.jsonPath);
      return "json_extract(spec, ?)";
    default:
      return field.column;
  }
}

const char* sqlOperator(FilterOp op) {
  switch (op) {
    case FilterOp::kEq: return "=";
    case FilterOp::kNe: return "IS NOT";
    case FilterOp::kLt: return "<";
    case FilterOp::kLe: return "<=";
    case FilterOp::kGt: return ">";
    case FilterOp::kGe: return ">=";
    default: return "=";
  }
}

// One comparison of the field with one value, for Eq..Ge.
std::string comparison(const Field& field, FilterOp op, const std::string& value,
                       const std::string& kind, std::vector<BindValue>& binds) {
  const auto number = field.kind == FieldKind::kKey ? std::nullopt : parseNumber(value);
  if (number) {
    std::string expr = valueExpr(field, binds);
    if (!isNumericColumn(field.kind)) {
      expr = "foundry_num(" + expr + ")";
    }
    binds.push_back(*number);
    return expr + " " + sqlOperator(op) + " ?";
  }
  if (field.kind == FieldKind::kLabel && (op == FilterOp::kEq || op == FilterOp::kNe)) {
    // Served by the object_labels index instead of parsing every row's JSON.
    binds.emplace_back(kind);
    binds.emplace_back(field.label);
    binds.emplace_back(value);
    return std::string(op == FilterOp::kEq ? "key IN" : "key NOT IN") +
           " (SELECT key FROM object_labels WHERE kind = ? AND name = ? AND value = ?)";
  }
  if (field.kind == FieldKind::kSpec && (value == "true" || value == "false" || value == "null") &&
      (op == FilterOp::kEq || op == FilterOp::kNe)) {
    binds.emplace_back(field.jsonPath);
    binds.emplace_back(value);
    return std::string("json_type(spec, ?) ") + sqlOperator(op) + " ?";
  }
  std::string expr = valueExpr(field, binds);
  binds.emplace_back(value);
  return expr + " " + sqlOperator(op) + " ?";
}

Status checkRegex(const Filter& filter) {
  const std::string& pattern = filter.values.front();
  if (pattern.size() > kMaxRegexPattern) {
    return fail(ErrorCode::kInvalidArgument,
                "regex longer than " + std::to_string(kMaxRegexPattern) + " characters",
                filter.field);
  }
  RE2 compiled(pattern, RE2::Quiet);
  if (!compiled.ok()) {
    return fail(ErrorCode::kInvalidArgument, "invalid regex: " + compiled.error(), filter.field,
                "regexes use RE2 syntax (no backreferences or lookaround)");
  }
  return {};
}

Status checkValues(const Filter& filter, const Field& field) {
  const size_t n = filter.values.size();
  if (filter.op == FilterOp::kExists ? n != 0 : filter.op == FilterOp::kIn ? n == 0 : n != 1) {
    return fail(ErrorCode::kInvalidArgument, "wrong number of values for this operator",
                filter.field, "kIn takes one or more values, kExists none, the others one");
  }
  if (n > kMaxFilterValues) {
    return fail(ErrorCode::kInvalidArgument, "too many values", filter.field);
  }
  if (isNumericColumn(field.kind) && filter.op != FilterOp::kRegex) {
    for (const auto& value : filter.values) {
      if (!parseNumber(value)) {
        return fail(ErrorCode::kInvalidArgument, "value '" + value.substr(0, 64) + "' is not a number",
                    filter.field);
      }
    }
  }
  if (filter.op == FilterOp::kRegex) {
    return checkRegex(filter);
  }
  return {};
}

Result<std::string> compileFilter(const Filter& filter, const std::string& kind,
                                  std::vector<BindValue>& binds) {
  auto field = parseField(filter.field);
  if (!field) {
    return tl::unexpected(field.error());
  }
  if (auto ok = checkValues(filter, *field); !ok) {
    return tl::unexpected(ok.error());
  }
  switch (filter.op) {
    case FilterOp::kExists:
      if (field->kind == FieldKind::kLabel) {
        binds.emplace_back(kind);
        binds.emplace_back(field->label);
        return std::string("key IN (SELECT key FROM object_labels WHERE kind = ? AND name = ?)");
      }
      if (field->kind == FieldKind::kSpec) {
        binds.emplace_back(field->jsonPath);
        return std::string("json_type(spec, ?) IS NOT NULL");
      }
      return std::string("1");
    case FilterOp::kRegex: {
      std::string expr = valueExpr(*field, binds);
      binds.emplace_back(filter.values.front());
      return expr + " REGEXP ?";
    }
    case FilterOp::kIn: {
      std::string out = "(";
      for (size_t i = 0; i < filter.values.size(); ++i) {
        out += (i == 0 ? "" : " OR ") + comparison(*field, FilterOp::kEq, filter.values[i], kind, binds);
      }
      return out + ")";
    }
    default:
      return comparison(*field, filter.op, filter.values.front(), kind, binds);
  }
}

}  // namespace

std::optional<BindValue> parseNumber(std::string_view text) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  int64_t integer = 0;
  if (auto [ptr, ec] = std::from_chars(begin, end, integer); ec == std::errc() && ptr == end) {
    return BindValue(integer);
  }
  double real = 0;
  if (auto [ptr, ec] = std::from_chars(begin, end, real);
      ec == std::errc() && ptr == end && std::isfinite(real)) {
    return BindValue(real);
  }
  return std::nullopt;
}

Result<CompiledQuery> compileListQuery(const std::string& kind, const ListQuery& query) {
  CompiledQuery out;
  out.where = "kind = ?";
  out.whereBinds.emplace_back(kind);
  for (const Filter& filter : query.filters) {
    auto sql = compileFilter(filter, kind, out.whereBinds);
    if (!sql) {
      return tl::unexpected(sql.error());
    }
    out.where += " AND " + *sql;
  }
  bool sortedByKey = false;
  for (const SortKey& sort : query.sort) {
    auto field = parseField(sort.field);
    if (!field) {
      return tl::unexpected(field.error());
    }
    sortedByKey = sortedByKey || field->kind == FieldKind::kKey;
    out.orderBy += valueExpr(*field, out.orderBinds) + (sort.descending ? " DESC, " : " ASC, ");
  }
  // Key is unique within the kind: ending on it makes pages stable.
  if (sortedByKey) {
    out.orderBy.resize(out.orderBy.size() - 2);
  } else {
    out.orderBy += "key ASC";
  }
  return out;
}

namespace {

void foundryNum(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  switch (sqlite3_value_type(argv[0])) {
    case SQLITE_INTEGER:
      sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]));
      return;
    case SQLITE_FLOAT:
      sqlite3_result_double(ctx, sqlite3_value_double(argv[0]));
      return;
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
      const auto size = static_cast<size_t>(sqlite3_value_bytes(argv[0]));
      auto number = parseNumber(std::string_view(text, size));
      if (number && std::holds_alternative<int64_t>(*number)) {
        sqlite3_result_int64(ctx, std::get<int64_t>(*number));
      } else if (number) {
        sqlite3_result_double(ctx, std::get<double>(*number));
      } else {
        sqlite3_result_null(ctx);
      }
      return;
    }
    default:
      sqlite3_result_null(ctx);
  }
}

void deleteRegex(void* p) { delete static_cast<RE2*>(p); }

// X REGEXP Y calls regexp(Y, X): argv[0] is the pattern. The compiled regex is
// cached per statement with sqlite3_set_auxdata.
void regexpFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  try {
    auto* re = static_cast<RE2*>(sqlite3_get_auxdata(ctx, 0));
    std::unique_ptr<RE2> compiled;
    if (re == nullptr) {
      const auto* pattern = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
      const auto size = static_cast<size_t>(sqlite3_value_bytes(argv[0]));
      if (size > kMaxRegexPattern) {
        sqlite3_result_error(ctx, "regex pattern too long", -1);
        return;
      }
      compiled = std::make_unique<RE2>(re2::StringPiece(pattern, size), RE2::Quiet);
      if (!compiled->ok()) {
        sqlite3_result_error(ctx, "invalid regex", -1);
        return;
      }
      re = compiled.get();
    }
    const auto* subject = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    const auto length = static_cast<size_t>(sqlite3_value_bytes(argv[1]));
    const bool match =
        length <= kMaxRegexSubject && RE2::PartialMatch(re2::StringPiece(subject, length), *re);
    sqlite3_result_int(ctx, match ? 1 : 0);
    if (compiled) {
      // SQLite owns it from here, possibly destroying it at once.
      sqlite3_set_auxdata(ctx, 0, compiled.release(), deleteRegex);
    }
  } catch (const std::exception& e) {
    sqlite3_result_error(ctx, e.what(), -1);
  }
}

}  // namespace

Status registerSqlFunctions(sqlite3* db) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int rc = sqlite3_create_function_v2(db, "foundry_num", 1, flags, nullptr, foundryNum, nullptr,
                                      nullptr, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db, "regexp", 2, flags, nullptr, regexpFunction, nullptr,
                                    nullptr, nullptr);
  }
  if (rc != SQLITE_OK) {
    return tl::unexpected(sqliteError(db, rc, "register SQL functions"));
  }
  return {};
}

}  // namespace foundry::store
