#pragma once
// The read routes: one metric or one event's count, and the whole service ping. `date=` means
// "as if today were that day"; without it, today in UTC.
#include "native/http/message.hpp"
#include "native/http/target.hpp"
#include "native/metric_reader.hpp"
#include "native/tracker.hpp"

namespace ie::http {

class ReadHandler {
 public:
  explicit ReadHandler(Tracker& tracker) : tracker_(tracker), reader_(tracker.definitions(), tracker.store()) {}

  // key_path=… (in the metric's own time frame), or event=…[&unique=user.id]&time_frame=…
  Response metric(const Request& request, const Target& target);
  Response service_ping(const Request& request, const Target& target);

 private:
  Date read_date(const Target& target) const;
  double event_value(const Target& target, const std::string& event, const Date& date, std::int64_t now_ms);

  Tracker& tracker_;
  MetricReader reader_;
};

}  // namespace ie::http
