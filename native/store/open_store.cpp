// open_store: the one place that turns a store URL into a store.
#include "native/store/open_store.hpp"

#include <filesystem>

#include "native/store/redis_cluster_store.hpp"
#include "native/store/redis_store.hpp"
#include "native/store/sqlite_store.hpp"

namespace ie {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSqlite = "sqlite:";

// Refuses what `creation` does not allow before SQLite (which creates the file) and SqliteStore
// (which creates the folders) get to run.
void check_creation_allowed(const fs::path& file, StoreCreation creation) {
  std::error_code error;
  if (creation == StoreCreation::file_and_folders || fs::exists(file, error)) return;
  if (creation == StoreCreation::nothing) throw StoreNotFound("no store at " + file.string());
  const fs::path folder = file.parent_path();
  if (!folder.empty() && !fs::is_directory(folder, error)) {
    throw StoreNotFound("no folder " + folder.string() + " for the store " + file.string());
  }
}

}  // namespace

std::unique_ptr<CounterStore> open_store(const std::string& url, StoreCreation creation) {
  if (url.starts_with(kSqlite)) {
    if (url.size() == kSqlite.size()) throw std::invalid_argument("invalid store URL '" + url + "': sqlite: needs a file path");
    const fs::path file = url.substr(kSqlite.size());
    check_creation_allowed(file, creation);
    return std::make_unique<SqliteStore>(file);
  }
  if (url.starts_with("redis://")) return std::make_unique<RedisStore>(RedisAddress::parse(url));
  if (url.starts_with(kRedisClusterScheme)) return std::make_unique<RedisClusterStore>(RedisClusterAddress::parse(url));
  throw std::invalid_argument("unsupported store URL '" + url +
                              "': expected sqlite:PATH, redis://HOST:PORT[/DB] or redis-cluster://HOST:PORT[,HOST:PORT…][?wait=N]");
}

std::unique_ptr<CounterStore> open_store(const std::string& url) { return open_store(url, StoreCreation::file_and_folders); }

}  // namespace ie
