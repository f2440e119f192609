#pragma once
// Runs a child process for tests: argv, output to a file, signals, and a
// bounded wait. The destructor kills a child that is still running.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace foundry::testing {

class Process {
 public:
  // Starts argv[0] with stdout and stderr appended to logPath.
  Process(std::vector<std::string> argv, const std::string& logPath);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }
  void signal(int sig);
  // Exit status (or 128+signal) once exited; nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool running();

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Runs to completion; returns exit status and captures combined output.
int runCommand(const std::vector<std::string>& argv, std::string* output,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(30'000));

std::string readFile(const std::string& path);

}  // namespace foundry::testing
