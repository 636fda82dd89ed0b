#pragma once
// The two tracking routes. Limits are checked in the contract's order: JSON, batch length,
// identity, then each event. Nothing is answered 2xx before the Tracker has committed, and no
// thread waits for that commit: the answer goes to `later` once the store calls back.
#include <boost/container/small_vector.hpp>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "native/http/access.hpp"
#include "native/http/event_body.hpp"
#include "native/http/json_reader.hpp"
#include "native/http/message.hpp"
#include "native/http/prometheus.hpp"
#include "native/tracker.hpp"

namespace ie::http {

class TrackHandler {
 public:
  TrackHandler(Tracker& tracker, const Access& access, ReceiverMetrics& metrics, std::size_t max_batch_events, bool strict)
      : tracker_(tracker), access_(access), metrics_(metrics), max_batch_events_(max_batch_events), strict_(strict) {}

  // Both throw HttpError for what is wrong before anything is committed; the request must live
  // until `later` is called.
  // POST track_event: 200 {"status":"ok"}, or 422 naming the problem. An unknown event is a 422
  // here in both modes: nothing was counted, and a 200 would tell the caller it was.
  void one(const Request& request, Later later);
  // POST track_events: 200 {"accepted":N,"rejected":[{"index":i,"error":"…"}]}.
  void batch(const Request& request, Later later);

 private:
  struct Outcome {
    std::size_t accepted = 0;
    std::vector<std::pair<std::size_t, EventProblem>> rejected;  // by index in the request
  };
  using Answer = std::function<Response(const Outcome&)>;
  // Per event of a request: room for one inline, so a single event allocates neither.
  using EventIndexes = boost::container::small_vector<std::size_t, 1>;
  using IdentityRules = boost::container::small_vector<IdentityRule, 1>;
  // What answering needs besides the Tracker's outcome, while the commit is pending.
  struct Pending {
    EventIndexes indexes;  // the request index of each event given to the Tracker
    Outcome outcome;       // the events refused before the Tracker saw them
    Answer answer;
  };

  // The events are read here, not after: their values belong to the thread's JsonReader.
  void track(const Request& request, std::span<const JsonValue> events, const JsonValue* batch_identity, bool is_batch, Later later,
             Answer answer);
  IdentityRules identity_rules(const Request& request, std::span<const JsonValue> events, const JsonValue* batch_identity) const;
  void report(const JsonValue& event, const EventProblem& problem) const;
  void refuse_unknown_events(std::span<const JsonValue> events, bool is_batch) const;
  void commit(std::vector<TrackRequest> requests, EventIndexes indexes, Outcome outcome, Later later, Answer answer);
  Outcome merged(BatchOutcome tracked, const EventIndexes& indexes, Outcome outcome);

  Tracker& tracker_;
  const Access& access_;
  ReceiverMetrics& metrics_;
  std::size_t max_batch_events_;
  bool strict_;
};

}  // namespace ie::http
