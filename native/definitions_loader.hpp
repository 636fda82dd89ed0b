#pragma once
// Reads a definitions folder in GitLab's layout: events/**/*.yml and metrics/**/*.yml. YAML is
// turned into JSON here (the only place that knows YAML) and handed to core's DefinitionsBuilder.
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "core/definitions_json.hpp"

namespace ie {

struct LoadedDefinitions {
  Definitions definitions;
  std::vector<DefinitionError> errors;  // every problem found, with file and field
  std::size_t event_files = 0;
  std::size_t metric_files = 0;
  std::size_t ignored_metrics = 0;  // metrics of other data sources (database, redis)
};

LoadedDefinitions read_definitions(const std::filesystem::path& folder);

// For the receiver and the commands that need usable definitions: the first errors, joined.
struct DefinitionsInvalid : std::runtime_error {
  using std::runtime_error::runtime_error;
};
Definitions load_definitions(const std::filesystem::path& folder);

// YAML text → JSON with YAML 1.2 core types; quoted scalars stay strings ("16.9" vs 16.9). Throws
// YAML::Exception for what is not YAML, std::runtime_error past 64 levels or 100000 values (what
// aliases can build: a cycle, or a "billion laughs").
nlohmann::json yaml_to_json(const std::string& yaml_text);

}  // namespace ie
