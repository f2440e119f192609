#pragma once
// File operations pki needs, with the crash-safety contract spelled out:
// writes go to a fresh temp file (O_CREAT|O_EXCL, final mode from the start),
// are fsynced, then renamed over the target and the directory fsynced, so a
// crash leaves either the old file or the new one, never a half-written one.

#include <sys/types.h>

#include <string>

#include "common/error.h"

namespace foundry::pki {

// Creates `dir` (mode 0700) and missing parents; ok when it already exists as
// a directory.
Status ensurePrivateDirectory(const std::string& dir);

// True when `path` exists (any type); false when absent; kIo for other
// errors (e.g. permission denied on the directory).
Result<bool> fileExists(const std::string& path);

// Reads the whole file; kIo naming the file on failure. REQUIRES: the file
// is small (certificates and keys; bounded to 1 MiB).
Result<std::string> readSmallFile(const std::string& path);

// Atomically replaces `path` with `data`, created with `mode`.
Status writeFileAtomic(const std::string& path, const std::string& data, mode_t mode);

}  // namespace foundry::pki
