#pragma once
// Cross-origin access for the browser module: only configured origins get
// Access-Control-Allow-Origin; everyone else is answered without it, so their browser refuses.
#include <set>
#include <string>
#include <vector>

#include "native/http/message.hpp"

namespace ie::http {

class Cors {
 public:
  explicit Cors(const std::vector<std::string>& allowed_origins);  // "*" allows every origin

  void decorate(const Request& request, Response& response) const;
  Response preflight(const Request& request) const;  // the answer to OPTIONS

 private:
  bool allows(const std::string& origin) const;

  std::set<std::string> allowed_;
};

}  // namespace ie::http
