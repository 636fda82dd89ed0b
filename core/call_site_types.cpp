#include "core/call_site_types.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace ie {

namespace {

// A description inside a comment: one line, and nothing that ends the comment (`*/`) or joins the
// next line to it (a trailing backslash).
std::string comment_text(const std::string& text) {
  std::string line;
  for (char c : text) line += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  for (std::size_t at = line.find("*/"); at != std::string::npos; at = line.find("*/", at)) line.replace(at, 2, "*\\/");
  while (!line.empty() && (line.back() == '\\' || line.back() == ' ')) line.pop_back();
  return line;
}

const PropertyDefinition& property_of(const EventDefinition& event, const std::string& name) {
  static const PropertyDefinition undescribed;
  const auto found = event.properties.find(name);
  return found == event.properties.end() ? undescribed : found->second;
}

// --- TypeScript

std::string typescript_type(PropertyType type) {
  switch (type) {
    case PropertyType::string: return "string";
    case PropertyType::number: return "number";
    case PropertyType::boolean: return "boolean";
    case PropertyType::any: return "string | number | boolean";
  }
  return "string | number | boolean";
}

std::string typescript_event(const EventDefinition& event) {
  std::string text;
  if (!event.description.empty()) text += "    /** " + comment_text(event.description) + " */\n";
  // Record<string, never>: {} would accept any object, as TypeScript skips its excess-property check.
  if (event.additional_properties.empty()) return text + "    '" + event.action + "': Record<string, never>;\n";
  text += "    '" + event.action + "': {\n";
  for (const auto& name : event.additional_properties) {
    const PropertyDefinition& property = property_of(event, name);
    if (!property.description.empty()) text += "      /** " + comment_text(property.description) + " */\n";
    text += "      '" + name + "'" + (property.required ? ": " : "?: ") + typescript_type(property.type) + ";\n";
  }
  return text + "    };\n";
}

// --- C++

bool is_cpp_keyword(const std::string& name) {
  static const std::set<std::string> keywords = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch", "char",
      "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr", "constinit",
      "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete", "do", "double",
      "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if",
      "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or",
      "or_eq", "private", "protected", "public", "register", "reinterpret_cast", "requires", "return", "short", "signed",
      "sizeof", "static", "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw",
      "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
      "wchar_t", "while", "xor", "xor_eq"};
  return keywords.count(name) > 0;
}

std::string cpp_kind(PropertyType type) {
  switch (type) {
    case PropertyType::string: return "Text";
    case PropertyType::number: return "Number";
    case PropertyType::boolean: return "Boolean";
    case PropertyType::any: return "AnyScalar";
  }
  return "AnyScalar";
}

// The C++ names of `names`, refusing two that would be one.
std::map<std::string, std::string> cpp_names(const std::vector<std::string>& names, const std::string& what) {
  std::map<std::string, std::string> by_cpp_name;
  std::map<std::string, std::string> cpp_name_of;
  for (const auto& name : names) {
    const std::string cpp = cpp_identifier(name);
    if (const auto other = by_cpp_name.find(cpp); other != by_cpp_name.end()) {
      throw std::invalid_argument(what + " '" + other->second + "' and '" + name + "' would both be named " + cpp + " in C++");
    }
    by_cpp_name.emplace(cpp, name);
    cpp_name_of.emplace(name, cpp);
  }
  return cpp_name_of;
}

std::string identifier_member(const std::string& identifier) { return identifier == "namespace" ? "namespace_id" : identifier; }

// The declared identifiers of user, project and namespace (feature_enabled_by_namespace_ids is
// GitLab's own, and the tracker takes no such argument).
std::vector<std::string> trackable_identifiers(const EventDefinition& event) {
  std::vector<std::string> identifiers;
  for (const char* name : {"user", "project", "namespace"}) {
    for (const auto& declared : event.identifiers) {
      if (declared == name) identifiers.push_back(name);
    }
  }
  return identifiers;
}

// Designated initializers follow the declaration order, which is the names' order.
std::vector<std::string> member_order(const EventDefinition& event) {
  std::vector<std::string> names = event.additional_properties;
  std::sort(names.begin(), names.end());
  return names;
}

bool has_required_property(const EventDefinition& event) {
  for (const auto& [name, property] : event.properties) {
    if (property.required) return true;
  }
  return false;
}

// Members in the order of ie::Identifiers and of the property names, the order designated
// initializers must follow; the optional ones initialized, so that -Wextra's
// missing-field-initializers does not warn of those a call leaves out.
std::string cpp_structs(const EventDefinition& event, const std::string& cpp_name) {
  std::string identifiers = "struct " + cpp_name + " {\n";
  for (const auto& identifier : trackable_identifiers(event)) {
    identifiers += "  ie::typed::Optional<ie::typed::Id> " + identifier_member(identifier) + "{};\n";
  }
  std::string properties = "struct " + cpp_name + " {\n";
  const auto members = cpp_names(event.additional_properties, "the properties of " + event.action + ",");
  for (const auto& name : member_order(event)) {
    const PropertyDefinition& property = property_of(event, name);
    properties += "  ie::typed::" + std::string(property.required ? "Required" : "Optional") + "<ie::typed::" +
                  cpp_kind(property.type) + "> " + members.at(name) + (property.required ? ";" : "{};");
    properties += property.description.empty() ? "\n" : "  // " + comment_text(property.description) + "\n";
  }
  return "namespace ie::event_identifiers {\n" + identifiers + "};\n}  // namespace ie::event_identifiers\n" +
         "namespace ie::event_properties {\n" + properties + "};\n}  // namespace ie::event_properties\n";
}

std::string cpp_function(const EventDefinition& event, const std::string& cpp_name) {
  // Defaults only where {} is a valid call: a required property has no default.
  const std::string defaults = has_required_property(event) ? "" : " = {}";
  std::string text;
  if (!event.description.empty()) text += "// " + comment_text(event.description) + "\n";
  // An event without identifiers or properties has them in its signature all the same, so that
  // every call reads alike.
  const std::string unused_identifiers = trackable_identifiers(event).empty() ? "[[maybe_unused]] " : "";
  const std::string unused_properties = event.additional_properties.empty() ? "[[maybe_unused]] " : "";
  text += "inline bool " + cpp_name + "(ie::Tracker& tracker, " + unused_identifiers + "const ie::event_identifiers::" + cpp_name +
          "& identifiers" + defaults + ",\n    " + unused_properties + "const ie::event_properties::" + cpp_name + "& properties" +
          defaults + ", bool send_snowplow_event = true) {\n";
  text += "  std::map<std::string, ie::Scalar> additional;\n";
  const auto members = cpp_names(event.additional_properties, "the properties of " + event.action + ",");
  for (const auto& name : event.additional_properties) {
    text += "  ie::typed::put(additional, \"" + name + "\", properties." + members.at(name) + ");\n";
  }
  std::string ids;
  for (const auto& identifier : trackable_identifiers(event)) {
    const std::string member = identifier_member(identifier);
    ids += std::string(ids.empty() ? "" : ", ") + "." + member + " = ie::typed::id(identifiers." + member + ")";
  }
  text += "  return tracker.track_event(\"" + event.action + "\", {" + ids + "}, additional, send_snowplow_event);\n}\n";
  return text;
}

}  // namespace

std::string cpp_identifier(const std::string& name) {
  if (!name.empty() && name[0] >= '0' && name[0] <= '9') return "event_" + name;
  return is_cpp_keyword(name) ? name + "_" : name;
}

std::string typescript_declarations(const Definitions& definitions, const std::string& source) {
  std::string text =
      "// Generated by `internal-events definitions types " + comment_text(source) + "`: do not edit; run it again when\n"
      "// the definitions change. It fills the package's EventProperties, so that tsc checks every\n"
      "// InternalEvents.track_event call: event names, and each property's presence and type.\n"
      "import 'internal-events';\n\n"
      "declare module 'internal-events' {\n"
      "  interface EventProperties {\n";
  for (const auto& [name, event] : definitions.events) text += typescript_event(event);
  return text + "  }\n}\n";
}

std::string cpp_events_header(const Definitions& definitions, const std::string& source) {
  std::vector<std::string> names;
  for (const auto& [name, event] : definitions.events) names.push_back(name);
  const auto functions = cpp_names(names, "the events");
  std::string text =
      "// Generated by `internal-events definitions types " + comment_text(source) + "`: do not edit; run it again when\n"
      "// the definitions change. One function per event over ie::Tracker::track_event, whose\n"
      "// identifiers and properties are the declared ones with their types, so that a misspelt event,\n"
      "// an undeclared or mistyped property or a missing required one does not compile:\n"
      "//   ie::events::pull_package(tracker, {.user = 1, .project = 7}, {.label = \"npm\"});\n"
      "#pragma once\n#include <map>\n#include <string>\n\n#include \"core/typed_properties.hpp\"\n#include \"native/tracker.hpp\"\n\n";
  for (const auto& [name, event] : definitions.events) text += cpp_structs(event, functions.at(name)) + "\n";
  text += "namespace ie::events {\n\n";
  for (const auto& [name, event] : definitions.events) text += cpp_function(event, functions.at(name)) + "\n";
  return text + "}  // namespace ie::events\n";
}

}  // namespace ie
