#include "core/usage_snippets.hpp"

#include <algorithm>
#include <vector>

#include "core/call_site_types.hpp"

namespace ie {

namespace {

struct ExampleValue {
  std::string name;
  PropertyType type;
};

// In name order: the order of the typed header's members, which designated initializers follow.
std::vector<ExampleValue> example_values(const EventDefinition& event) {
  std::vector<std::string> names = event.additional_properties;
  std::sort(names.begin(), names.end());
  std::vector<ExampleValue> values;
  for (const auto& name : names) {
    const auto found = event.properties.find(name);
    values.push_back({name, found == event.properties.end() ? PropertyType::any : found->second.type});
  }
  return values;
}

// Example values a reader replaces: a string, 1 or true.
std::string example(PropertyType type, char quote) {
  if (type == PropertyType::number) return "1";
  if (type == PropertyType::boolean) return "true";
  return std::string(1, quote) + "example" + quote;
}

std::string identifiers_cpp(const EventDefinition& event) {
  std::string text;
  for (const char* name : {"user", "project", "namespace"}) {
    for (const auto& declared : event.identifiers) {
      if (declared != name) continue;
      const std::string member = declared == "namespace" ? "namespace_id" : declared;
      text += std::string(text.empty() ? "" : ", ") + "." + member + " = " + declared + "_id";
    }
  }
  return "{" + text + "}";
}

std::string cpp_snippet(const EventDefinition& event) {
  std::string map;
  std::string typed;
  for (const auto& value : example_values(event)) {
    // std::string(…): a bare "…" would become the Scalar's bool.
    const std::string cpp_value = value.type == PropertyType::number || value.type == PropertyType::boolean
                                      ? example(value.type, '"')
                                      : "std::string(\"example\")";
    map += std::string(map.empty() ? "" : ", ") + "{\"" + value.name + "\", " + cpp_value + "}";
    typed += std::string(typed.empty() ? "" : ", ") + "." + cpp_identifier(value.name) + " = " + example(value.type, '"');
  }
  return "C++ (native/tracker.hpp):\n  tracker.track_event(\"" + event.action + "\", " + identifiers_cpp(event) + ", {" + map + "});\n" +
         "  // or type-checked, with the header `internal-events definitions types DIR` writes:\n" +
         "  ie::events::" + cpp_identifier(event.action) + "(tracker, " + identifiers_cpp(event) + ", {" + typed + "});\n";
}

std::string javascript_properties(const EventDefinition& event) {
  std::string text;
  for (const auto& value : example_values(event)) {
    text += std::string(text.empty() ? "" : ", ") + value.name + ": " + example(value.type, '\'');
  }
  return text.empty() ? "" : ", { " + text + " }";
}

std::string html_snippet(const EventDefinition& event) {
  std::string attributes = "data-event-tracking=\"" + event.action + "\"";
  std::string additional;
  for (const auto& value : example_values(event)) {
    const std::string text = example(value.type, '"');
    if (value.name == "label" || value.name == "property") attributes += " data-event-" + value.name + "=\"example\"";
    else if (value.name == "value") attributes += " data-event-value=\"1\"";
    else additional += std::string(additional.empty() ? "" : ",") + "\"" + value.name + "\":" + text;
  }
  if (!additional.empty()) attributes += " data-event-additional='{" + additional + "}'";
  return "HTML (once InternalEvents.bindInternalEventDocument() has run):\n  <button " + attributes + ">…</button>\n";
}

}  // namespace

std::string usage_snippets(const EventDefinition& event) {
  const std::string call = "'" + event.action + "'" + javascript_properties(event);
  return cpp_snippet(event) + "\nJavaScript:\n  InternalEvents.track_event(" + call + ");\n" +
         "\nVue (2.7 and 3):\n  export default {\n    mixins: [InternalEvents.mixin()],\n"
         "    methods: { onClick() { this.trackEvent(" + call + "); } },\n  };\n" +
         "\n" + html_snippet(event);
}

}  // namespace ie
