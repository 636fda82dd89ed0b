#pragma once
// The live sessions, so that shutdown can reach every connection (idle ones close at once, busy
// ones after their answer) without the sessions being owned by anything but their own handlers.
#include <memory>
#include <mutex>
#include <vector>

#include "native/http/session.hpp"

namespace ie::http {

class SessionRegistry {
 public:
  void add(const std::shared_ptr<Session>& session);  // a session added during shutdown is stopped at once
  void stop_all();

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<Session>> sessions_;
  bool stopping_ = false;
};

}  // namespace ie::http
