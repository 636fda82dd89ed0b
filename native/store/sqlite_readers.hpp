#pragma once
// Readers: connections of their own, so reads never wait for the writer (WAL), and the pool that
// lends them out to concurrent callers.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "native/store/counter_store.hpp"
#include "native/store/sqlite_handles.hpp"

namespace ie::sqlite {

class Reader {
 public:
  explicit Reader(const std::filesystem::path& path);

  // As multi-key PFCOUNT: the union of the registers, then one estimate.
  std::uint64_t count_unique(const std::vector<std::string>& keys, std::int64_t now_ms);
  double sum(const std::vector<std::string>& keys, std::int64_t now_ms);
  std::vector<StoredKey> dump(std::int64_t now_ms);

 private:
  // Leaves the row in select_ when the key is present and unexpired.
  bool find_live(const std::string& key, std::int64_t now_ms);
  std::map<std::string, std::int64_t> live_event_ids(std::int64_t now_ms);  // id → expires_at_ms

  Connection db_;
  Statement select_, live_counters_, live_ids_;
};

// Idle readers; a caller takes one (or opens a new one when none is idle) and gives it back.
class ReaderPool {
 public:
  explicit ReaderPool(std::filesystem::path path) : path_(std::move(path)) {}

  template <typename Use>
  auto with_reader(Use&& use) {
    std::unique_ptr<Reader> reader = take();
    auto result = use(*reader);
    give_back(std::move(reader));
    return result;
  }

 private:
  std::unique_ptr<Reader> take();
  void give_back(std::unique_ptr<Reader> reader);

  std::filesystem::path path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Reader>> idle_;
};

}  // namespace ie::sqlite
