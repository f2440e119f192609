#pragma once
// Starts tests/client/peer_server.py (plain + TLS test peer) on ephemeral
// ports and stops it again. Test-only.

#include <string>
#include <vector>

#include <sys/types.h>

namespace foundry::client::testing {

class PeerServer {
 public:
  // args are passed to the script (e.g. --cert PATH --key PATH).
  explicit PeerServer(const std::vector<std::string>& args);
  ~PeerServer();
  PeerServer(const PeerServer&) = delete;
  PeerServer& operator=(const PeerServer&) = delete;

  bool ok() const { return httpPort_ > 0; }
  int httpPort() const { return httpPort_; }
  int httpsPort() const { return httpsPort_; }
  int altPort() const { return altPort_; }

 private:
  pid_t pid_ = -1;
  int stdinFd_ = -1;
  int httpPort_ = 0;
  int httpsPort_ = 0;
  int altPort_ = 0;
};

}  // namespace foundry::client::testing
