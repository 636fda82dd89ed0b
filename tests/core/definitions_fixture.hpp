#pragma once
// Definitions built from inline JSON, as the YAML loader would hand them to core.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/definitions_json.hpp"

namespace ie::test {

inline Definitions definitions_from(const nlohmann::json& events, const nlohmann::json& metrics) {
  DefinitionsBuilder builder;
  for (const auto& event : events) builder.add_event(event, "events/" + event.value("action", std::string("x")) + ".yml");
  int index = 0;
  for (const auto& metric : metrics) builder.add_metric(metric, "metrics/metric_" + std::to_string(index++) + ".yml");
  const auto& errors = builder.finish();
  for (const auto& error : errors) FAIL(error.text());
  return builder.take();
}

}  // namespace ie::test
