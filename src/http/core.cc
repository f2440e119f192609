// The registry of open sessions and the stop protocol's shared half.

#include "http/core.h"

#include <algorithm>

namespace foundry::http::detail {

ServerCore::ServerCore(ServerOptions options, Handler handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      ioc_(std::max(1, options_.threads)) {}

bool ServerCore::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

std::optional<uint64_t> ServerCore::add(std::weak_ptr<SessionBase> session) {
  std::lock_guard lock(mutex_);
  if (stopping_) return std::nullopt;
  uint64_t id = nextId_++;
  sessions_.emplace(id, std::move(session));
  return id;
}

void ServerCore::remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
  if (sessions_.empty()) idle_.notify_all();
}

// Strong references are taken under the lock but released outside it: the
// last release runs ~Session, which calls remove().
std::vector<std::shared_ptr<SessionBase>> ServerCore::snapshot() {
  std::vector<std::shared_ptr<SessionBase>> out;
  std::lock_guard lock(mutex_);
  out.reserve(sessions_.size());
  for (auto& [id, weak] : sessions_) {
    if (auto strong = weak.lock()) out.push_back(std::move(strong));
  }
  return out;
}

void ServerCore::wakeAll() {
  for (auto& session : snapshot()) session->postWake();
}

void ServerCore::shutdownAll(bool force) {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  for (auto& session : snapshot()) session->postShutdown(force);
}

bool ServerCore::waitForNoSessions(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return idle_.wait_until(lock, deadline, [this] { return sessions_.empty(); });
}

}  // namespace foundry::http::detail
