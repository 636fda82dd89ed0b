// open_store: the one place that turns a store URL into a store.
#include <stdexcept>

#include "native/store/counter_store.hpp"
#include "native/store/redis_store.hpp"
#include "native/store/sqlite_store.hpp"

namespace ie {

std::unique_ptr<CounterStore> open_store(const std::string& url) {
  constexpr std::string_view sqlite = "sqlite:";
  if (url.starts_with(sqlite)) {
    if (url.size() == sqlite.size()) throw std::invalid_argument("invalid store URL '" + url + "': sqlite: needs a file path");
    return std::make_unique<SqliteStore>(url.substr(sqlite.size()));
  }
  if (url.starts_with("redis://")) return std::make_unique<RedisStore>(RedisAddress::parse(url));
  throw std::invalid_argument("unsupported store URL '" + url + "': expected sqlite:PATH or redis://HOST:PORT[/DB]");
}

}  // namespace ie
