#include "native/snowplow/event_copies.hpp"

#include <unistd.h>

#include <climits>

namespace ie::snowplow {

namespace {

std::optional<std::string> this_host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return std::nullopt;
  return std::string(name);
}

}  // namespace

EventCopies::EventCopies(Installation installation, Pseudonymizer pseudonymizer)
    : installation_(std::move(installation)), pseudonymizer_(std::move(pseudonymizer)) {
  if (!installation_.instance_id) installation_.instance_id = pseudonymizer_.instance_id();
  if (!installation_.host_name) installation_.host_name = this_host_name();
}

std::string EventCopies::structured(const Event& event, Origin origin, std::string_view category, std::string_view eid,
                                    std::int64_t tracked_at_ms) const {
  EventCopy copy{&event, origin, std::string(category), eid.empty() ? random_uuid() : std::string(eid), tracked_at_ms};
  if (event.user) {
    copy.user_id = pseudonymizer_.user_id(*event.user);
    copy.global_user_id = pseudonymizer_.global_user_id(*event.user);
  }
  return structured_event_json(copy, installation_);
}

}  // namespace ie::snowplow
