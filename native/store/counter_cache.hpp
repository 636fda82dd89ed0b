#pragma once
// The writer's counters, parsed, most recently used first, so a hot weekly HLL is parsed once and
// not per event. Write-through: after a commit they equal the rows. Bounded by count between
// batches; within a batch it may grow, since what a batch changed must stay until written.
#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "native/store/redis_values.hpp"

namespace ie::sqlite {

class CounterCache {
 public:
  struct Entry {
    std::string key;
    Counter counter;
  };

  // Marks the entry most recently used; nullptr when not cached.
  Entry* find(const std::string& key);
  Entry& insert(const std::string& key, Counter counter);
  // Drops the least recently used entries beyond capacity.
  void trim(std::size_t capacity);
  void clear();

 private:
  std::list<Entry> entries_;
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views of entries_' keys
};

}  // namespace ie::sqlite
