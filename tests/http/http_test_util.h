#pragma once
// Helpers for the HTTP tests: run real clients (curl, openssl) as child
// processes, talk raw TCP, make temp dirs. Everything stays on 127.0.0.1.

#include <cstdint>
#include <string>

namespace foundry::http::testing {

struct CommandResult {
  int exitCode = -1;   // the command's exit status, or -1 when it did not exit
  std::string output;  // stdout
};

// Runs `command` through /bin/sh and collects its stdout.
CommandResult runCommand(const std::string& command);

// "curl -q -s --noproxy '*'" plus the given arguments.
std::string curl(const std::string& args);

// A child whose stdout is read line by line with a timeout (curl -N).
class LineReader {
 public:
  explicit LineReader(const std::string& command);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Next line without its '\n'; false on EOF or after `timeoutMs`.
  bool readLine(std::string& line, int timeoutMs);
  // Waits for the child to exit and returns its exit status.
  int wait();

 private:
  int fd_ = -1;
  int pid_ = -1;
  std::string pending_;
};

// A fresh directory under $TMPDIR, removed with its content on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes a self-signed P-256 certificate for CN=localhost, IP:127.0.0.1 into
// dir/cert.pem and dir/key.pem using the openssl CLI. Returns false on failure.
bool makeSelfSignedCert(const std::string& dir);

void writeFile(const std::string& path, const std::string& content);

// Connects to 127.0.0.1:port, sends `bytes`, returns everything read until the
// server closes (or `timeoutMs` passes). `closed` tells whether EOF was seen.
std::string rawExchange(uint16_t port, const std::string& bytes, int timeoutMs, bool* closed);

// True when a TCP connect to 127.0.0.1:port is refused.
bool connectRefused(uint16_t port);

}  // namespace foundry::http::testing
