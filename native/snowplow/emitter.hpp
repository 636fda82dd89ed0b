#pragma once
// The emitter: one background thread per receiver process that drains the store's outbox, in
// order, to the collector. A batch leaves the outbox only after the collector's 2xx, so a crash
// at any moment loses nothing (the collector may see a batch twice: Snowplow deduplicates eids).
//
//   claim a batch (≤ batch_bytes) ─► POST ─► 2xx: remove │ 400/401/403/410/413/422: bury │ else:
//        ▲                                              wait (backoff + jitter, Retry-After), renew
//        └──────── nothing waits: sleep until wake() or 200 ms ◄─────────┘ the claim, POST again
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/snowplow/emitter_policy.hpp"
#include "native/snowplow/collector_client.hpp"
#include "native/store/outbox.hpp"

namespace ie::snowplow {

struct EmitterOptions {
  std::string owner;  // unique per process: its claims in the outbox
  std::size_t batch_bytes = 64 * 1024;
  BackoffPolicy backoff;
  std::chrono::milliseconds idle_poll{200};  // how often an empty outbox is looked at again
  std::function<void(const std::string&)> log;  // default: the process log, native/log.hpp
};

class Emitter {
 public:
  // Starts the thread.
  Emitter(Outbox& outbox, std::unique_ptr<CollectorClient> client, EmitterOptions options);
  ~Emitter();  // stop()
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  // New entries were queued: look now rather than at the next poll. Cheap, from any thread.
  void wake();
  // Ends the thread: waits are cut short and a POST in flight is abandoned; its entries stay in
  // the outbox and their claim is released for the next emitter. Idempotent.
  void stop();

  std::uint64_t events_sent() const { return events_sent_; }
  std::uint64_t retries() const { return retries_; }
  std::uint64_t dead_letter_events() const { return dead_letter_events_; }

  // Counters in Prometheus's text format.
  std::string prometheus_text() const;

 private:
  void run();
  void deliver(std::vector<OutboxEntry> entries);
  bool wait_for(std::chrono::milliseconds duration);  // false: stopping
  void report(const std::string& problem);

  Outbox& outbox_;
  std::unique_ptr<CollectorClient> client_;
  EmitterOptions options_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::string last_problem_;  // logged once until it changes

  std::atomic<std::uint64_t> events_sent_{0};
  std::atomic<std::uint64_t> batches_sent_{0};
  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::uint64_t> dead_letter_events_{0};
  std::thread thread_;
};

}  // namespace ie::snowplow
