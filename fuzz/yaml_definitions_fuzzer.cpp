// One definitions file (native/definitions_loader.cpp): YAML text to JSON, then core's
// DefinitionsBuilder as an event file and as a metric file, every problem collected as an error
// naming its file. What load_file catches (YAML and other std::exception) is an answer; anything
// else, or a crash, is a finding.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "native/definitions_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nlohmann::json document;
  try {
    document = ie::yaml_to_json(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const std::exception&) {
    return 0;  // "invalid YAML at line …", as read_definitions reports it
  }
  ie::DefinitionsBuilder builder;
  builder.add_event(document, "events/fuzz.yml");
  builder.add_metric(document, "metrics/fuzz.yml");
  for (const auto& error : builder.finish()) {
    if (error.file.empty() || error.message.empty()) std::abort();
  }
  return 0;
}
