// The LRU bookkeeping of the writer's counter cache: a list in use order and an index into it.
#include "native/store/counter_cache.hpp"

#include <utility>

namespace ie::sqlite {

CounterCache::Entry* CounterCache::find(const std::string& key) {
  const auto found = index_.find(key);
  if (found == index_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, found->second);
  return &entries_.front();
}

CounterCache::Entry& CounterCache::insert(const std::string& key, Counter counter) {
  entries_.push_front(Entry{key, std::move(counter)});
  index_.emplace(entries_.front().key, entries_.begin());
  return entries_.front();
}

void CounterCache::trim(std::size_t capacity) {
  while (entries_.size() > capacity) {
    index_.erase(entries_.back().key);
    entries_.pop_back();
  }
}

void CounterCache::clear() {
  index_.clear();
  entries_.clear();
}

}  // namespace ie::sqlite
