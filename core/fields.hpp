#pragma once
// Named scalars, such as an event's identifiers or properties, kept sorted by name in one vector.
// An event carries a handful of them: a std::map spent a node allocation on each and a chain of
// string compares on each lookup, for every tracked event. Iteration is in name order, as a
// std::map's, because validation names the first bad field in that order.
#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/scalar.hpp"

namespace ie {

class Fields {
 public:
  using value_type = std::pair<std::string, Scalar>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  Fields() = default;
  // Of repeated names the first counts, as in a std::map built from the same list.
  Fields(std::initializer_list<value_type> fields) {
    for (const auto& [name, value] : fields) try_emplace(name, value);
  }
  explicit Fields(const std::map<std::string, Scalar>& fields) : items_(fields.begin(), fields.end()) {}

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }

  iterator find(std::string_view name) {
    const auto at = lower_bound(name);
    return at != items_.end() && at->first == name ? at : items_.end();
  }
  const_iterator find(std::string_view name) const { return const_cast<Fields*>(this)->find(name); }
  bool contains(std::string_view name) const { return find(name) != end(); }
  std::size_t count(std::string_view name) const { return contains(name) ? 1 : 0; }
  const Scalar& at(std::string_view name) const {
    const auto found = find(name);
    if (found == end()) {
#if __cpp_exceptions
      throw std::out_of_range("no field " + std::string(name));
#else
      std::abort();  // the browser's build has no exceptions; nothing there asks for a missing field
#endif
    }
    return found->second;
  }

  // A field added as null when absent, as std::map::operator[] does.
  Scalar& operator[](std::string_view name) { return try_emplace(name, nullptr).first->second; }
  void insert_or_assign(std::string_view name, Scalar value) { try_emplace(name, nullptr).first->second = std::move(value); }
  std::pair<iterator, bool> try_emplace(std::string_view name, Scalar value) {
    if (items_.capacity() == 0) items_.reserve(kFirstCapacity);
    const auto at = lower_bound(name);
    if (at != items_.end() && at->first == name) return {at, false};
    return {items_.emplace(at, std::string(name), std::move(value)), true};
  }
  std::size_t erase(std::string_view name) {
    const auto found = find(name);
    if (found == end()) return 0;
    items_.erase(found);
    return 1;
  }
  template <typename Predicate>
  friend std::size_t erase_if(Fields& fields, Predicate predicate) {
    return std::erase_if(fields.items_, predicate);
  }

  friend bool operator==(const Fields&, const Fields&) = default;

 private:
  static constexpr std::size_t kFirstCapacity = 4;  // one allocation for a typical event's fields

  iterator lower_bound(std::string_view name) {
    return std::lower_bound(items_.begin(), items_.end(), name, [](const value_type& item, std::string_view key) { return item.first < key; });
  }

  std::vector<value_type> items_;
};

}  // namespace ie
