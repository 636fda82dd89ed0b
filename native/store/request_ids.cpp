#include "native/store/request_ids.hpp"

#include "native/store/event_id_log.hpp"

namespace ie::sqlite {

// A request without ids (a backend's, or a single event) allocates nothing here: the vectors are
// made at its first id.
RequestIds::RequestIds(std::vector<EventWrites>& events) {
  for (std::size_t index = 0; index < events.size(); ++index) {
    const std::string id = std::move(events[index].event_id);
    events[index].event_id.clear();  // a moved-from string is valid but unspecified
    if (!id.empty()) {
      if (logged_.empty()) make_room(events.size(), index);
      const std::size_t start = logged_.size();
      append_event_id(logged_, id);
      fingerprints_[index] = EventIdSet::fingerprint_of_logged(std::string_view(logged_).substr(start));
    }
    if (!logged_.empty()) logged_ends_.push_back(logged_.size());  // from the first id on
  }
}

// At the first id, the `index`th of `events`: the events before it logged nothing. Grown one id at
// a time, the logged bytes were reallocated six times for 50 ids.
void RequestIds::make_room(std::size_t events, std::size_t index) {
  fingerprints_.resize(events);
  logged_ends_.reserve(events);
  logged_ends_.assign(index, 0);
  logged_.reserve((events - index) * kLoggedUuidBytes);
}

}  // namespace ie::sqlite
