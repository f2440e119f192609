#pragma once
// Compiles a ListQuery into SQL over the `objects` table. User text only ever
// reaches SQLite as bound parameters; field names are validated against a
// strict charset before they shape the SQL, and even then the JSON paths they
// produce are bound, not spliced.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sqlite3.h>

#include "common/error.h"
#include "store/sqlite_db.h"
#include "store/store.h"

namespace foundry::store {

inline constexpr size_t kMaxRegexPattern = 256;
// std::regex matches recursively; longer subjects never match rather than
// risk the stack.
inline constexpr size_t kMaxRegexSubject = 4096;
inline constexpr size_t kMaxFilterValues = 1000;
inline constexpr size_t kMaxFieldLength = 512;

struct CompiledQuery {
  std::string where;  // boolean SQL expression, starts with the kind condition
  std::vector<BindValue> whereBinds;
  std::string orderBy;  // without the ORDER BY keyword
  std::vector<BindValue> orderBinds;
};

// Errors: kInvalidArgument naming the field for a bad field name, value count,
// non-numeric value for a numeric column, or bad/oversized regex.
Result<CompiledQuery> compileListQuery(const std::string& kind, const ListQuery& query);

// A value parses fully as a number: an int64, or else a finite double.
std::optional<BindValue> parseNumber(std::string_view text);

// Registers REGEXP (std::regex, ECMAScript, search semantics) and
// foundry_num(x) (number for numbers and numeric text, else NULL) on `db`.
Status registerSqlFunctions(sqlite3* db);

}  // namespace foundry::store
