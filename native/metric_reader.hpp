#pragma once
// Answers metric questions from a store: one metric by key_path (in its own time frame), one
// event's total or unique count in any window, and the whole service-ping report.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/counter_reads.hpp"
#include "native/store/counter_store.hpp"

namespace ie {

class MetricReader {
 public:
  MetricReader(const Definitions& definitions, CounterStore& store) : definitions_(definitions), store_(store) {}

  double metric_value(const MetricDefinition& metric, const Date& today, std::int64_t now_ms);

  // nullopt when no metric has that key_path.
  std::optional<double> value_of(const std::string& key_path, const Date& today, std::int64_t now_ms);

  // An event's total (no unique) or unique count (user.id, label, …) in a window.
  double event_value(const std::string& event, const std::optional<std::string>& unique, ReadWindow window,
                     const Date& today, std::int64_t now_ms);

  // Every metric, nested by the dots of its key_path, as GitLab's service ping reports them.
  nlohmann::json service_ping(const Date& today, std::int64_t now_ms);

 private:
  double read(const MetricRead& read, std::int64_t now_ms);

  const Definitions& definitions_;
  CounterStore& store_;
};

// Whole numbers as JSON integers (counts), others as floats (sums).
nlohmann::json number_json(double value);

}  // namespace ie
