// The payload texts are written by hand with json_writer, in a fixed order: one is built for every
// tracked event on the receiver's hot path, where a JSON document per event would cost more than
// the counting itself.
#include "core/snowplow/payload.hpp"

#include <cmath>
#include <cstdio>

#include "core/iso_week.hpp"
#include "core/json_writer.hpp"

namespace ie::snowplow {

namespace {

constexpr std::string_view kBuiltInProperties[] = {"label", "property", "value"};

bool built_in(std::string_view key) {
  for (const auto name : kBuiltInProperties) {
    if (key == name) return true;
  }
  return false;
}

// "key":"value" with a comma before every member but the first.
void append_member(std::string& out, std::string_view key, std::string_view value) {
  if (out.back() != '{') out += ',';
  append_json_string(out, key);
  out += ':';
  append_json_string(out, value);
}

void append_key(std::string& out, std::string_view key) {
  if (out.back() != '{') out += ',';
  append_json_string(out, key);
  out += ':';
}

void append_optional_string(std::string& out, std::string_view key, const std::optional<std::string>& value) {
  append_key(out, key);
  if (value) append_json_string(out, *value);
  else out += "null";
}

void append_optional_integer(std::string& out, std::string_view key, std::optional<std::int64_t> value) {
  append_key(out, key);
  out += value ? std::to_string(*value) : "null";
}

std::string contexts_json(const EventCopy& copy, const Installation& installation) {
  std::string out = "{";
  append_member(out, "schema", kContextsSchema);
  out += R"(,"data":[{)";
  append_member(out, "schema", kStandardContextSchema);
  out += R"(,"data":)";
  out += standard_context_json(copy, installation);
  out += "},{";
  append_member(out, "schema", kServicePingContextSchema);
  out += R"(,"data":{"data_source":"redis_hll","event_name":)";
  append_json_string(out, copy.event->name);
  out += "}}]}";
  return out;
}

constexpr std::string_view kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Written into a buffer sized up front: appending a character at a time was a tenth of the
// receiver's time, the contexts being most of a payload's bytes.
std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  const std::size_t whole = bytes.size() / 3, rest = bytes.size() % 3;
  std::string out(whole * 4 + (rest == 0 ? 0 : pad ? 4 : rest + 1), '=');
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  char* to = out.data();
  for (std::size_t i = 0; i < whole; ++i, in += 3, to += 4) {
    const std::uint32_t n = std::uint32_t{in[0]} << 16 | std::uint32_t{in[1]} << 8 | in[2];
    to[0] = alphabet[n >> 18];
    to[1] = alphabet[(n >> 12) & 63];
    to[2] = alphabet[(n >> 6) & 63];
    to[3] = alphabet[n & 63];
  }
  if (rest) {
    const std::uint32_t n = std::uint32_t{in[0]} << 16 | (rest == 2 ? std::uint32_t{in[1]} << 8 : 0);
    to[0] = alphabet[n >> 18];
    to[1] = alphabet[(n >> 12) & 63];
    if (rest == 2) to[2] = alphabet[(n >> 6) & 63];
  }
  return out;
}

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

std::string_view platform_of(Origin origin) { return origin == Origin::backend ? "srv" : "web"; }

std::string_view source_of(Origin origin) {
  switch (origin) {
    case Origin::backend: return "internal-events-cpp";
    case Origin::browser: return "internal-events-js";
    case Origin::tp2: return "snowplow-tracker";
  }
  return "";
}

std::string standard_context_json(const EventCopy& copy, const Installation& installation) {
  const Event& event = *copy.event;
  std::string out = "{";
  append_member(out, "environment", installation.environment);
  append_member(out, "source", source_of(copy.origin));
  append_optional_string(out, "correlation_id", copy.correlation_id);
  append_optional_string(out, "plan", std::nullopt);
  append_key(out, "extra");
  out += '{';
  for (const auto& [key, value] : event.properties) {
    if (built_in(key)) continue;
    append_key(out, key);
    append_json_scalar(out, value);
  }
  out += '}';
  append_optional_string(out, "user_id", copy.user_id);
  append_optional_string(out, "global_user_id", copy.global_user_id);
  append_optional_string(out, "user_type", std::nullopt);
  append_optional_string(out, "is_gitlab_team_member", std::nullopt);
  append_optional_integer(out, "namespace_id", event.namespace_id);
  append_optional_integer(out, "ultimate_parent_namespace_id", std::nullopt);
  append_optional_integer(out, "project_id", event.project);
  append_optional_string(out, "feature_enabled_by_namespace_ids", std::nullopt);
  append_optional_string(out, "realm", installation.realm);
  append_member(out, "deployment_type", installation.deployment_type);
  append_optional_string(out, "instance_id", installation.instance_id);
  append_optional_string(out, "unique_instance_id", std::nullopt);
  append_optional_string(out, "host_name", installation.host_name);
  append_member(out, "instance_version", installation.instance_version);
  append_member(out, "context_generated_at", iso_timestamp(copy.tracked_at_ms));
  out += '}';
  return out;
}

std::string structured_event_json(const EventCopy& copy, const Installation& installation) {
  const Event& event = *copy.event;
  std::string out = "{";
  append_member(out, "e", "se");
  append_member(out, "eid", copy.eid);
  append_member(out, "tv", kTrackerVersion);
  append_member(out, "p", platform_of(copy.origin));
  append_member(out, "aid", installation.app_id);
  append_member(out, "tna", installation.tracker_namespace);
  append_member(out, "dtm", std::to_string(copy.tracked_at_ms));
  append_member(out, "se_ca", copy.category.empty() ? kDefaultCategory : std::string_view(copy.category));
  append_member(out, "se_ac", event.name);
  if (const Scalar* label = event.property("label"); label && is_string(*label)) append_member(out, "se_la", std::get<std::string>(*label));
  if (const Scalar* property = event.property("property"); property && is_string(*property)) {
    append_member(out, "se_pr", std::get<std::string>(*property));
  }
  // A NaN or infinity has no text a collector reads as a number: left out as an absent value is.
  if (const Scalar* value = event.property("value"); value && is_number(*value) && std::isfinite(as_double(*value))) {
    append_member(out, "se_va", scalar_text(*value));
  }
  append_member(out, "cx", base64url(contexts_json(copy, installation)));
  out += '}';
  return out;
}

std::string base64url(std::string_view bytes) { return encode(bytes, kBase64Url, false); }

std::string base64(std::string_view bytes) { return encode(bytes, kBase64, true); }

std::optional<std::string> decode_base64(std::string_view text) {
  // Padding, when there is any, must be what RFC 4648 writes: to a multiple of four, at most "==".
  const std::size_t padded_size = text.size();
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  const std::size_t padding = padded_size - text.size();
  if (text.size() % 4 == 1) return std::nullopt;
  if (padding > 0 && (padded_size % 4 != 0 || padding > 2)) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const int value = sextet(c);
    if (value < 0) return std::nullopt;
    bits = bits << 6 | static_cast<std::uint32_t>(value);
    if (++count == 4) {
      out += static_cast<char>(bits >> 16);
      out += static_cast<char>(bits >> 8 & 0xff);
      out += static_cast<char>(bits & 0xff);
      bits = 0;
      count = 0;
    }
  }
  if (count == 2) out += static_cast<char>(bits >> 4);
  if (count == 3) {
    out += static_cast<char>(bits >> 10);
    out += static_cast<char>(bits >> 2 & 0xff);
  }
  return out;
}

std::string iso_timestamp(std::int64_t ms) {
  constexpr std::int64_t kMsPerDay = 86'400'000;
  std::int64_t days = ms / kMsPerDay, in_day = ms % kMsPerDay;
  if (in_day < 0) {
    in_day += kMsPerDay;
    --days;
  }
  char time[32];
  std::snprintf(time, sizeof time, "T%02d:%02d:%02d.%03dZ", static_cast<int>(in_day / 3'600'000), static_cast<int>(in_day / 60'000 % 60),
                static_cast<int>(in_day / 1000 % 60), static_cast<int>(in_day % 1000));
  return format_date(date_from_days(days)) + time;
}

std::string payload_data_body(const std::vector<std::string_view>& queued_events, std::int64_t sent_at_ms) {
  std::size_t size = 100;
  for (const auto event : queued_events) size += event.size() + 32;
  std::string out;
  out.reserve(size);
  out += "{";
  append_member(out, "schema", kPayloadDataSchema);
  out += R"(,"data":[)";
  const std::string stm = R"("stm":")" + std::to_string(sent_at_ms) + '"';
  for (std::size_t i = 0; i < queued_events.size(); ++i) {
    const std::string_view event = queued_events[i];
    if (i) out += ',';
    out += '{';
    out += stm;
    const std::string_view members = event.substr(1);  // past the '{'
    const std::size_t first = members.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && members[first] != '}') out += ',';  // not "{}" nor "{ }"
    out += members;
  }
  out += "]}";
  return out;
}

}  // namespace ie::snowplow
