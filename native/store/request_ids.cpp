#include "native/store/request_ids.hpp"

#include "native/store/event_id_log.hpp"

namespace ie::sqlite {

RequestIds::RequestIds(std::vector<EventWrites>& events) : fingerprints_(events.size()) {
  logged_ends_.reserve(events.size());
  for (std::size_t index = 0; index < events.size(); ++index) {
    const std::string id = std::move(events[index].event_id);
    events[index].event_id.clear();  // a moved-from string is valid but unspecified
    if (!id.empty()) {
      // Grown one id at a time, the logged bytes were reallocated six times for 50 ids.
      if (logged_.empty()) logged_.reserve((events.size() - index) * kLoggedUuidBytes);
      fingerprints_[index] = EventIdSet::fingerprint_of(id);
      append_event_id(logged_, id);
    }
    logged_ends_.push_back(logged_.size());
  }
}

}  // namespace ie::sqlite
