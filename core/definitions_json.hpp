#pragma once
// Definitions from JSON documents (one per file, GitLab's format) and the browser bundle back out.
// Every problem is collected with the file and the field it is about, so `definitions check` can
// list them all at once instead of stopping at the first.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/definitions.hpp"

namespace ie {

struct DefinitionError {
  std::string file;
  std::string field;  // "action", "events[0].unique", "time_frame[1]"; "(file)" for the whole file
  std::string message;

  std::string text() const;  // "file: field: message"
};

class DefinitionsBuilder {
 public:
  void add_event(const nlohmann::json& document, const std::string& file);
  void add_metric(const nlohmann::json& document, const std::string& file);
  void add_error(DefinitionError error) { errors_.push_back(std::move(error)); }

  // Also checks what no single file can: metrics naming undefined events, duplicate names.
  const std::vector<DefinitionError>& finish();
  std::size_t ignored_metrics() const { return ignored_metrics_; }
  Definitions take() { return std::move(definitions_); }

 private:
  Definitions definitions_;
  std::vector<DefinitionError> errors_;
  std::size_t ignored_metrics_ = 0;
};

// JSON for the browser: each event's identifiers and declared properties, nothing else.
nlohmann::json definitions_bundle(const Definitions& definitions);

}  // namespace ie
