#pragma once
// The CLI's table of object kinds: the word a user types (singular or plural,
// case-insensitive), the server's Kind name and the REST path segment. The
// server keeps its own registry; this table is the one place the CLI mirrors
// it, so a new kind is one line here.

#include <span>
#include <string>
#include <string_view>

#include "common/error.h"

namespace foundry::cli {

struct KindInfo {
  std::string_view kind;      // server Kind, e.g. "Machine"
  std::string_view singular;  // lower-case word, e.g. "machine"
  std::string_view plural;    // REST path segment, e.g. "machines"
  bool readOnly;              // derived by the server; writes get 405
};

std::span<const KindInfo> allKinds();

// Resolves "machine", "machines" or "Machine" (any case). Unknown words give
// kInvalidArgument whose hint lists the known kinds.
Result<const KindInfo*> findKind(std::string_view word);

// "bmc, bootenv, ..." (singular words, sorted) for help and error hints.
std::string knownKindsList();

}  // namespace foundry::cli
