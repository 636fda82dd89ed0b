#include "core/snowplow/received_event.hpp"

#include <charconv>

#include "core/number_text.hpp"
#include "core/snowplow/payload.hpp"

namespace ie::snowplow {

namespace {

using json = nlohmann::json;

// As the JSON routes' reader allows (native/http/json_reader.hpp); a payload needs 4, contexts a few.
constexpr int kMaxNesting = 64;

constexpr std::string_view kPayloadDataPrefix = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-";
constexpr std::string_view kStandardContextPrefix = "iglu:com.gitlab/gitlab_standard/jsonschema/";

std::optional<std::int64_t> whole_number(std::string_view text) {
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') ++i;
  else if (!digits()) return false;
  if (i < text.size() && text[i] == '.' && (++i, !digits())) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

// parse_double, not std::from_chars: Emscripten's libc++ has no floating-point from_chars.
std::optional<Scalar> number_value(std::string_view text) {
  if (auto whole = whole_number(text)) return Scalar{*whole};
  if (!is_json_number(text)) return std::nullopt;
  return Scalar{parse_double(text)};
}

// Where JSON text opens an array or object deeper than kMaxNesting (from 0), if it does. nlohmann
// parses with a stack of its own, but copying, comparing and dumping a document recurse once per
// level: a tp2 body of 200000 '[' overflowed the receiver's stack (found by the tp2 fuzzer).
std::optional<std::size_t> too_deep_at(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

std::string too_deep(std::string_view what) {
  return std::string(what) + " nests more than " + std::to_string(kMaxNesting) + " arrays and objects inside each other";
}

// An identifier in a context: an integer, or (as some trackers send them) its decimal text.
std::optional<std::int64_t> identifier(const json& data, const char* key) {
  const auto found = data.find(key);
  if (found == data.end()) return std::nullopt;
  if (found->is_number_integer()) return found->get<std::int64_t>();
  if (found->is_string()) return whole_number(found->get_ref<const std::string&>());
  return std::nullopt;
}

// The contexts of `cx` (base64) or `co` (plain JSON): the envelope's data array, or null.
json contexts_of(const json& fields) {
  std::string text;
  if (const auto cx = fields.find("cx"); cx != fields.end()) {
    auto decoded = decode_base64(cx->get_ref<const std::string&>());
    if (!decoded) throw std::invalid_argument("cx is not base64");
    text = std::move(*decoded);
  } else if (const auto co = fields.find("co"); co != fields.end()) {
    text = co->get<std::string>();
  } else {
    return nullptr;
  }
  const char* name = fields.contains("cx") ? "cx" : "co";
  if (too_deep_at(text)) throw std::invalid_argument(too_deep(name));
  json envelope = json::parse(text, nullptr, false);
  if (envelope.is_discarded() || !envelope.is_object() || !envelope.contains("data") || !envelope["data"].is_array()) {
    throw std::invalid_argument(std::string(name) + " is not a contexts envelope");
  }
  return envelope;
}

json* standard_context(json& envelope) {
  if (envelope.is_null()) return nullptr;
  for (json& context : envelope["data"]) {
    if (!context.is_object() || !context.contains("schema") || !context["schema"].is_string()) continue;
    if (context["schema"].get_ref<const std::string&>().starts_with(kStandardContextPrefix) && context.contains("data") &&
        context["data"].is_object()) {
      return &context["data"];
    }
  }
  return nullptr;
}

void read_structured(ReceivedEvent& event) {
  const json& fields = event.fields;
  const auto action = fields.find("se_ac");
  if (action == fields.end()) throw std::invalid_argument("a structured event (e=se) needs se_ac");
  EventInput input{action->get<std::string>(), {}, {}};
  if (const auto label = fields.find("se_la"); label != fields.end()) input.properties["label"] = label->get<std::string>();
  if (const auto property = fields.find("se_pr"); property != fields.end()) input.properties["property"] = property->get<std::string>();
  if (const auto value = fields.find("se_va"); value != fields.end()) {
    auto number = number_value(value->get_ref<const std::string&>());
    if (!number) throw std::invalid_argument("se_va must be a number, not '" + value->get<std::string>() + "'");
    input.properties["value"] = *number;
  }
  event.category = fields.value("se_ca", "");
  event.structured = std::move(input);
}

}  // namespace

std::variant<json, std::string> parse_payload_body(std::string_view body) {
  const std::string expected = ": the body must be a payload_data object";
  if (const auto nul = body.find('\0'); nul != std::string_view::npos) {
    return "malformed JSON at byte " + std::to_string(nul + 1) + expected;
  }
  if (const auto deep = too_deep_at(body)) return "malformed JSON at byte " + std::to_string(*deep + 1) + ": " + too_deep("the body");
  try {
    return json::parse(body);
  } catch (const json::parse_error& error) {
    return "malformed JSON at byte " + std::to_string(error.byte) + expected;
  } catch (const json::out_of_range& error) {  // 406: "number overflow parsing '1e400'", after nlohmann's "[json.exception…] "
    const std::string_view what = error.what();
    return "malformed JSON: " + std::string(what.substr(what.find("] ") + 2)) + expected;
  }
}

std::variant<std::vector<json>, std::string> payload_data_events(const json& body) {
  if (!body.is_object()) return std::string("the body must be a payload_data object: {\"schema\": …, \"data\": […]}");
  const auto schema = body.find("schema");
  if (schema == body.end() || !schema->is_string() || !schema->get_ref<const std::string&>().starts_with(kPayloadDataPrefix)) {
    return std::string("schema must be iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-*");
  }
  const auto data = body.find("data");
  if (data == body.end() || !data->is_array() || data->empty()) return std::string("data must be a non-empty array of events");
  return data->get<std::vector<json>>();
}

std::variant<ReceivedEvent, std::string> read_received_event(const json& fields) {
  if (!fields.is_object()) return std::string("an event must be an object of strings");
  for (const auto& [key, value] : fields.items()) {
    if (!value.is_string()) return "field " + key + " must be a string, not " + value.type_name();
  }
  for (const char* required : {"e", "p", "tv"}) {
    if (!fields.contains(required)) return std::string("the event has no ") + required;
  }
  ReceivedEvent event{fields, fields.value("eid", ""), std::nullopt, {}, {}, {}, {}};
  try {
    if (fields["e"] == "se") read_structured(event);
    json contexts = contexts_of(fields);
    if (const json* standard = standard_context(contexts)) {
      event.claimed_user = identifier(*standard, "user_id");
      event.claimed_project = identifier(*standard, "project_id");
      event.claimed_namespace = identifier(*standard, "namespace_id");
    }
  } catch (const std::invalid_argument& error) {
    return std::string(error.what());
  }
  return event;
}

std::variant<ReceivedEvent, std::string> read_received_event(const std::map<std::string, std::string>& query) {
  json fields = json::object();
  for (const auto& [key, value] : query) fields[key] = value;
  return read_received_event(fields);
}

std::string forwarded_event_json(const ReceivedEvent& event, const Pseudonyms& pseudonyms) {
  json fields = event.fields;
  fields.erase("stm");
  if (const auto uid = fields.find("uid"); uid != fields.end()) {
    if (const auto id = whole_number(uid->get_ref<const std::string&>())) *uid = pseudonyms.user_id(*id);
  }
  json contexts = contexts_of(fields);
  if (json* standard = standard_context(contexts)) {
    if (const auto id = identifier(*standard, "user_id")) (*standard)["user_id"] = pseudonyms.user_id(*id);
    if (const auto id = identifier(*standard, "global_user_id")) (*standard)["global_user_id"] = pseudonyms.global_user_id(*id);
    if (fields.contains("cx")) fields["cx"] = base64url(contexts.dump(-1, ' ', false, json::error_handler_t::replace));
    else fields["co"] = contexts.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return fields.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace ie::snowplow
