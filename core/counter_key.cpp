#include "core/counter_key.hpp"

#include <mutex>
#include <unordered_set>

namespace ie {

namespace {

// Node-based: a pooled string never moves. Looked up once per rule and week by each DayKeys, so
// the lock is rare; in the browser there is one thread and it costs nothing.
struct KeyPool {
  std::mutex mutex;
  std::unordered_set<std::string> texts;
};

KeyPool& pool() {
  static KeyPool* keys = new KeyPool;  // never destroyed: keys may outlive static destructors
  return *keys;
}

}  // namespace

CounterKey::CounterKey(std::string_view text) {
  KeyPool& keys = pool();
  const std::lock_guard lock(keys.mutex);
  text_ = &*keys.texts.emplace(text).first;
}

}  // namespace ie
