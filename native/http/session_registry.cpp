#include "native/http/session_registry.hpp"

#include <algorithm>

namespace ie::http {

void SessionRegistry::add(const std::shared_ptr<Session>& session) {
  const std::lock_guard lock(mutex_);
  if (stopping_) {
    session->stop();
    return;
  }
  sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(), [](const auto& weak) { return weak.expired(); }), sessions_.end());
  sessions_.push_back(session);
}

void SessionRegistry::stop_all() {
  const std::lock_guard lock(mutex_);
  stopping_ = true;
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock()) session->stop();
  }
  sessions_.clear();
}

}  // namespace ie::http
