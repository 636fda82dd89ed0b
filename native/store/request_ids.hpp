#pragma once
// A request's event ids as the SQLite writer needs them: the fingerprints it looks up in the set,
// and the bytes it appends to event_id_log. Prepared on the caller's thread, in apply_async(): the
// writer is the one thread every request waits for, and hashing and packing a batch's ids there
// was a tenth of its time, while the HTTP threads had time to spare.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "native/store/counter_store.hpp"
#include "native/store/event_id_set.hpp"

namespace ie::sqlite {

class RequestIds {
 public:
  RequestIds() = default;
  // Takes the events' ids, leaving them empty: the writer needs only what is kept here, and their
  // text is freed on the caller's thread, which allocated it, rather than on the writer's.
  explicit RequestIds(std::vector<EventWrites>& events);

  bool has_id(std::size_t event) const { return !logged_ends_.empty() && logged_ends_[event] > logged_start(event); }
  // Unused for an event without an id.
  const EventIdSet::Fingerprint& fingerprint(std::size_t event) const { return fingerprints_[event]; }
  // Every event's, one after another: what the log gets when none is a duplicate.
  const std::string& all_logged() const { return logged_; }
  // Where the event's logged form starts in all_logged(); only for a request with ids.
  std::size_t logged_start(std::size_t event) const { return event ? logged_ends_[event - 1] : 0; }

 private:
  void make_room(std::size_t events, std::size_t index);

  std::vector<EventIdSet::Fingerprint> fingerprints_;
  std::string logged_;
  std::vector<std::size_t> logged_ends_;  // empty when no event has an id
};

}  // namespace ie::sqlite
