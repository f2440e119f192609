#pragma once
// `foundry admin backup|restore`. Backup downloads an online copy of the
// store; restore is offline and replaces <data-dir>/foundry.db, refusing
// while a server holds <data-dir>/foundryd.lock.

#include <string>
#include <string_view>

#include "common/error.h"

namespace foundry::cli {

inline constexpr std::string_view kSqliteHeader{"SQLite format 3\0", 16};

bool hasSqliteHeader(std::string_view bytes);

// Writes to a temp file beside `path`, fsyncs, renames over `path` and fsyncs
// the directory: readers see the old file or the whole new one.
Status writeFileAtomically(const std::string& path, std::string_view bytes);

// REQUIRES: no server running on dataDir (checked with flock on
// <dataDir>/foundryd.lock, which is held for the whole restore).
Status restoreBackup(const std::string& backupPath, const std::string& dataDir);

}  // namespace foundry::cli
