#include "native/event_stream/live_batch.hpp"

#include "core/live_event.hpp"
#include "native/event_stream/packed_fields.hpp"

namespace ie {

namespace {

// The fixed part of a message and its Snowplow contexts, about 1 KB: the rest is what varies.
constexpr std::size_t kFixedMessageBytes = 1024;

}  // namespace

void LiveBatch::add(const LiveInput& input) {
  const std::size_t bytes_before = bytes_.size();
  Record& record = records_.emplace_back();
  record.name = append(input.event ? std::string_view(input.event->name) : kForwardedOnly);
  record.event_id = append(input.event_id);
  record.category = append(input.category);
  record.queued_copy = append(input.queued_copy);
  if (input.event) {
    const Event& event = *input.event;
    record.user = event.user;
    record.project = event.project;
    record.namespace_id = event.namespace_id;
    const std::size_t properties_at = bytes_.size();
    pack_fields(event.properties, bytes_);
    record.properties = {static_cast<std::uint32_t>(properties_at), static_cast<std::uint32_t>(bytes_.size() - properties_at)};
    record.property_count = static_cast<std::uint32_t>(event.properties.size());
  }
  list_keys(input.writes, record);
  record.received_at_ms = input.received_at_ms;
  record.preview = input.preview;
  record.origin = input.origin;
  record.counted = input.event != nullptr;
  // Its properties count twice: in the message and in its Snowplow copy's context.
  record.estimated_bytes = kFixedMessageBytes + (bytes_.size() - bytes_before) + record.properties.size;
  for (std::size_t i = 0; i < record.key_count; ++i) record.estimated_bytes += keys_[record.first_key + i].str().size();
  estimated_bytes_ += record.estimated_bytes;
}

LiveBatch::Slice LiveBatch::append(std::string_view text) {
  const Slice slice{static_cast<std::uint32_t>(bytes_.size()), static_cast<std::uint32_t>(text.size())};
  bytes_.append(text);
  return slice;
}

void LiveBatch::list_keys(std::span<const CounterWrite> writes, Record& record) {
  record.first_key = static_cast<std::uint32_t>(keys_.size());
  counter_keys_of(writes, keys_, record.first_key);
  record.key_count = static_cast<std::uint32_t>(keys_.size() - record.first_key);
}

const std::string& LiveBatch::data(std::size_t index) const {
  const std::lock_guard lock(render_mutex_);
  if (rendered_.size() < records_.size()) rendered_.resize(records_.size());
  std::string& data = rendered_[index];
  if (data.empty()) data = render(records_[index]);  // a message's data is a JSON object, never empty
  return data;
}

std::string LiveBatch::render(const Record& record) const {
  std::optional<Event> event;
  if (record.counted) {
    event = Event{std::string(text(record.name)), record.user, record.project, record.namespace_id,
                  unpack_fields(text(record.properties), record.property_count)};
  }
  const std::string_view id = text(record.event_id);
  std::string would_send;
  std::optional<std::string_view> payload;
  if (record.queued_copy.size) payload = text(record.queued_copy);
  else if (record.preview && event) payload = would_send = record.preview->structured(*event, record.origin, text(record.category), id, record.received_at_ms);
  const LiveEvent live{text(record.name), event ? &*event : nullptr, record.origin, id, record.received_at_ms, record.counted,
                       std::span<const CounterKey>(keys_.data() + record.first_key, record.key_count), payload, record.queued_copy.size > 0};
  return live_event_data(live);
}

void LiveBatch::reuse(std::size_t capacity) {
  records_.clear();
  records_.reserve(capacity);
  bytes_.clear();
  keys_.clear();
  rendered_.clear();
  estimated_bytes_ = 0;
  first_id = 0;
}

std::size_t LiveBatch::footprint() const {
  return records_.capacity() * sizeof(Record) + bytes_.capacity() + keys_.capacity() * sizeof(CounterKey);
}

}  // namespace ie
