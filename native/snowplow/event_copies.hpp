#pragma once
// The Snowplow copies of tracked events, as the outbox keeps them: core builds the payload, this
// adds what core may not know (the pseudonyms, made with the store's secret; the host's name).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/snowplow/payload.hpp"
#include "native/snowplow/pseudonymizer.hpp"

namespace ie::snowplow {

class EventCopies {
 public:
  // The installation's instance_id is the store's (from the pseudonymizer) unless it is set;
  // host_name is this machine's unless it is set.
  EventCopies(Installation installation, Pseudonymizer pseudonymizer);

  // The structured event with its contexts. `eid`: the event's own, or a new UUID when empty.
  std::string structured(const Event& event, Origin origin, std::string_view category, std::string_view eid,
                         std::int64_t tracked_at_ms) const;

  const Installation& installation() const { return installation_; }
  const Pseudonymizer& pseudonymizer() const { return pseudonymizer_; }

 private:
  Installation installation_;
  Pseudonymizer pseudonymizer_;
};

}  // namespace ie::snowplow
