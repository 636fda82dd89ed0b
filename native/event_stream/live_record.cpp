#include "native/event_stream/live_record.hpp"

#include <span>

#include "core/live_event.hpp"

namespace ie {

void LiveRecord::estimate_size() {
  // The fixed part of a message and its Snowplow contexts, about 1 KB, and what varies.
  std::size_t bytes = 1024 + name().size() + event_id.size() + queued_copy.size();
  for (const CounterKey& key : keys) bytes += key.str().size();
  if (event) {
    for (const auto& [property, value] : event->properties) {
      bytes += 2 * property.size() + 24;  // in the message and in the copy's context
      if (const auto* text = std::get_if<std::string>(&value)) bytes += 2 * text->size();
    }
  }
  estimated_bytes = bytes;
}

void LiveBatch::estimate_size() {
  estimated_bytes = 0;
  for (std::size_t i = 0; i < size_; ++i) {
    records_[i].estimate_size();
    estimated_bytes += records_[i].estimated_bytes;
  }
}

const std::string& LiveRecord::data() const {
  std::call_once(rendered_, [this] { data_ = render(); });
  return data_;
}

std::string LiveRecord::render() const {
  std::string would_send;
  std::optional<std::string_view> payload;
  const std::string_view id(event_id.data(), event_id.size());
  if (!queued_copy.empty()) payload = queued_copy;
  else if (preview && event) payload = would_send = preview->structured(*event, origin, category, id, received_at_ms);
  const LiveEvent live{name(), event ? &*event : nullptr, origin, id, received_at_ms, event.has_value(),
                       std::span<const CounterKey>(keys.data(), keys.size()), payload, !queued_copy.empty()};
  return live_event_data(live);
}

}  // namespace ie
