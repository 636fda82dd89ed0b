#include "core/live_event.hpp"


#include "core/json_writer.hpp"

namespace ie {

namespace {

std::string_view origin_name(snowplow::Origin origin) {
  switch (origin) {
    case snowplow::Origin::backend: return "backend";
    case snowplow::Origin::browser: return "browser";
    case snowplow::Origin::tp2: return "tp2";
  }
  return "";
}

void append_key(std::string& out, std::string_view key) {
  append_json_string(out, key);
  out += ':';
}

void append_identifiers(std::string& out, const Event& event) {
  out += '{';
  bool first = true;
  const auto member = [&](std::string_view name, const std::optional<std::int64_t>& id) {
    if (!id) return;
    if (!first) out += ',';
    first = false;
    append_key(out, name);
    out += std::to_string(*id);
  };
  member("user", event.user);
  member("project", event.project);
  member("namespace", event.namespace_id);
  out += '}';
}

void append_properties(std::string& out, const Fields& properties) {
  out += '{';
  bool first = true;
  for (const auto& [name, value] : properties) {
    if (!first) out += ',';
    first = false;
    append_key(out, name);
    append_json_scalar(out, value);
  }
  out += '}';
}

void append_keys(std::string& out, std::span<const CounterKey> keys) {
  out += '[';
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, keys[i].str());
  }
  out += ']';
}

// The payload is a JSON object whose values are strings, written by our own code (the structured
// event, or a tracker's event re-encoded as it is forwarded): `"cx":"<base64>"` is replaced by
// `"contexts":<the JSON it encodes>`. Left as it is when it does not decode to an object: the
// listener still sees what goes out.
void decode_field(std::string& payload, std::string_view encoded, std::string_view decoded) {
  const std::string member = "\"" + std::string(encoded) + "\":\"";
  const std::size_t start = payload.find(member);
  if (start == std::string::npos) return;
  const std::size_t value = start + member.size();
  const std::size_t end = payload.find('"', value);
  if (end == std::string::npos) return;
  const auto json = snowplow::decode_base64(std::string_view(payload).substr(value, end - value));
  if (!json || json->empty() || json->front() != '{' || json->back() != '}') return;
  payload.replace(start, end + 1 - start, "\"" + std::string(decoded) + "\":" + *json);
}

void append_snowplow(std::string& out, const LiveEvent& event) {
  if (!event.snowplow_payload) {
    out += "null";
    return;
  }
  std::string payload(*event.snowplow_payload);
  decode_field(payload, "cx", "contexts");
  decode_field(payload, "ue_px", "unstruct");
  out += R"({"queued":)";
  out += event.snowplow_queued ? "true" : "false";
  out += R"(,"payload":)";
  out += payload;
  out += '}';
}

}  // namespace

std::string live_event_data(const LiveEvent& event) {
  std::string out = "{";
  append_key(out, "name");
  append_json_string(out, event.name);
  out += ',';
  append_key(out, "source");
  append_json_string(out, origin_name(event.origin));
  out += ',';
  append_key(out, "received_at");
  append_json_string(out, snowplow::iso_timestamp(event.received_at_ms));
  out += ',';
  append_key(out, "event_id");
  append_json_string(out, event.event_id);
  out += ',';
  append_key(out, "counted");
  out += event.counted ? "true" : "false";
  out += ',';
  append_key(out, "identifiers");
  if (event.event) append_identifiers(out, *event.event);
  else out += "{}";
  out += ',';
  append_key(out, "properties");
  if (event.event) append_properties(out, event.event->properties);
  else out += "{}";
  out += ',';
  append_key(out, "keys");
  append_keys(out, event.keys);
  out += ',';
  append_key(out, "snowplow");
  append_snowplow(out, event);
  out += '}';
  return out;
}

std::string server_sent_event(std::string_view type, std::optional<std::uint64_t> id, std::string_view data) {
  std::string out;
  out.reserve(data.size() + type.size() + 32);
  out.append("event: ").append(type).append("\n");
  if (id) out.append("id: ").append(std::to_string(*id)).append("\n");
  // A line break in data would end the field; our data is one line of JSON, which escapes them.
  out.append("data: ").append(data).append("\n\n");
  return out;
}

std::string lost_events_message(std::uint64_t lost) {
  return server_sent_event("lost", std::nullopt, R"({"lost":)" + std::to_string(lost) + "}");
}

std::vector<std::string> event_filter_of(std::string_view list) {
  std::vector<std::string> names;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    if (!name.empty()) names.emplace_back(name);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return names;
}

}  // namespace ie
