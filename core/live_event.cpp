#include "core/live_event.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

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

// Each key once, in the order first written: an event may add to one key twice (a unique count
// and its total share nothing, but two rules can share a key).
void append_keys(std::string& out, std::span<const CounterWrite> writes) {
  std::vector<std::string_view> keys;
  for (const auto& write : writes) {
    const std::string_view key = write.key.str();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  out += '[';
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, keys[i]);
  }
  out += ']';
}

// A base64 field of the payload replaced by the JSON it encodes, under a name that says so. Left as
// it is when it does not decode: the listener still sees what goes out.
void decode_field(nlohmann::ordered_json& payload, const char* encoded, const char* decoded) {
  const auto found = payload.find(encoded);
  if (found == payload.end() || !found->is_string()) return;
  const auto bytes = snowplow::decode_base64(found->get_ref<const std::string&>());
  if (!bytes) return;
  nlohmann::ordered_json value = nlohmann::ordered_json::parse(*bytes, nullptr, false);
  if (value.is_discarded()) return;
  payload.erase(found);
  payload[decoded] = std::move(value);
}

void append_snowplow(std::string& out, const LiveEvent& event) {
  if (!event.snowplow_payload) {
    out += "null";
    return;
  }
  nlohmann::ordered_json payload = nlohmann::ordered_json::parse(*event.snowplow_payload, nullptr, false);
  if (payload.is_object()) {
    decode_field(payload, "cx", "contexts");
    decode_field(payload, "ue_px", "unstruct");
  }
  out += R"({"queued":)";
  out += event.snowplow_queued ? "true" : "false";
  out += R"(,"payload":)";
  out += payload.is_discarded() ? "null" : payload.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
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
  append_keys(out, event.writes);
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
