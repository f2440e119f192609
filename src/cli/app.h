#pragma once
// The `foundry` command line: parses argv, runs one command, prints at most
// one error line on stderr and returns the process exit code (0, 1 for API or
// transport errors, 2 for usage errors).

#include "cli/commands.h"

namespace foundry::cli {

int runCli(int argc, const char* const* argv, CliIo& io);

}  // namespace foundry::cli
