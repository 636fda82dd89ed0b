#include "core/event_payload.hpp"

#include "core/json_writer.hpp"

namespace ie {

namespace {

void append_identifier(std::string& out, const char* field, const std::optional<std::int64_t>& id) {
  if (!id) return;
  out += ",\"";
  out += field;
  out += "\":";
  out += std::to_string(*id);
}

}  // namespace

std::string format_uuid_v4(UuidBytes random) {
  static constexpr char kHex[] = "0123456789abcdef";
  random[6] = static_cast<std::uint8_t>((random[6] & 0x0f) | 0x40);
  random[8] = static_cast<std::uint8_t>((random[8] & 0x3f) | 0x80);
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < random.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += kHex[random[i] >> 4];
    text += kHex[random[i] & 0xf];
  }
  return text;
}

std::string event_payload_json(const Event& event, std::string_view eid, std::string_view category) {
  std::string out = "{\"event\":";
  append_json_string(out, event.name);
  out += ",\"eid\":";
  append_json_string(out, eid);
  append_identifier(out, "user_id", event.user);
  append_identifier(out, "project_id", event.project);
  append_identifier(out, "namespace_id", event.namespace_id);
  if (!event.properties.empty()) {
    out += ",\"additional_properties\":{";
    bool first = true;
    for (const auto& [key, value] : event.properties) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, key);
      out += ':';
      append_json_scalar(out, value);
    }
    out += '}';
  }
  if (!category.empty()) {
    out += ",\"category\":";
    append_json_string(out, category);
  }
  out += '}';
  return out;
}

std::string batch_body_json(std::string_view joined_events, std::string_view identity) {
  std::string out = "{\"events\":[";
  out += joined_events;
  out += ']';
  if (!identity.empty()) {
    out += ",\"identity\":";
    append_json_string(out, identity);
  }
  out += '}';
  return out;
}

std::size_t batch_body_overhead(std::string_view identity) { return batch_body_json({}, identity).size(); }

}  // namespace ie
