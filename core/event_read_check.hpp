#pragma once
// Whether an event read (`event=…&unique=…&time_frame=…`) asks for something the definitions count.
// A unique count exists only where a metric definition writes it: an entry naming the event with
// that `unique`, no filter and no operator, under a time frame whose keys the window reads (weekly
// keys for 7d, 28d and current_week; the all-time key for all). Anything else would read keys
// nobody writes and answer 0 as if it were a measurement.
#include <optional>
#include <string>
#include <vector>

#include "core/counter_reads.hpp"
#include "core/definitions.hpp"

namespace ie {

struct ReadRefusal {
  enum class Reason { unknown_unique, not_counted };  // 400, 404
  Reason reason;
  std::string message;
};

// What `unique=` may name for an event: its identifiers (user.id, …), its properties, and whatever
// its metrics count uniquely, sorted.
std::vector<std::string> allowed_uniques(const Definitions& definitions, const EventDefinition& event);

// nullopt when the read is answerable; totals always are (every event keeps weekly and all-time totals).
std::optional<ReadRefusal> refuse_event_read(const Definitions& definitions, const EventDefinition& event,
                                             const std::optional<std::string>& unique, ReadWindow window);

}  // namespace ie
