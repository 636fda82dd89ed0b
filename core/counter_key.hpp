#pragma once
// A counter's key, interned: every CounterKey of the same text points at one string that lives as
// long as the process. Keys repeat endlessly (each event writes the same few keys of its week), and
// copying them as strings was three allocations per tracked event, freed on the store's thread.
// A CounterKey copies, compares and hashes as a pointer.
//
// The pool only grows, by the keys the definitions allow: a few per rule and ISO week. Request
// data never becomes a key (members and values are not keys), so nobody can make it grow at will.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace ie {

class CounterKey {
 public:
  explicit CounterKey(std::string_view text);  // the pooled string of this text (thread-safe)

  const std::string& str() const { return *text_; }
  operator const std::string&() const { return *text_; }  // NOLINT: used wherever a key string was
  bool starts_with(std::string_view prefix) const { return text_->starts_with(prefix); }

  friend bool operator==(CounterKey a, CounterKey b) { return a.text_ == b.text_; }
  friend bool operator==(CounterKey a, std::string_view b) { return *a.text_ == b; }

 private:
  friend struct std::hash<CounterKey>;
  const std::string* text_;
};

}  // namespace ie

template <>
struct std::hash<ie::CounterKey> {
  std::size_t operator()(ie::CounterKey key) const noexcept { return std::hash<const void*>{}(key.text_); }
};
