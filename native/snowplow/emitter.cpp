#include "native/snowplow/emitter.hpp"

#include <random>

#include "core/snowplow/payload.hpp"
#include "native/log.hpp"
#include "native/store/counter_store.hpp"
#include "native/thread_name.hpp"
#include "native/wall_clock.hpp"

namespace ie::snowplow {

namespace {

void log_warning(const std::string& line) { log::warn(line); }

double random_unit() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0, 1)(generator);
}

std::string body_of(const std::vector<OutboxEntry>& entries) {
  std::vector<std::string_view> payloads;
  payloads.reserve(entries.size());
  for (const auto& entry : entries) payloads.push_back(entry.payload);
  return payload_data_body(payloads, wall_clock_ms());
}

void append_counter(std::string& out, const char* name, const char* help, std::uint64_t value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name).append(" counter\n");
  out.append(name).append(" ").append(std::to_string(value)).append("\n");
}

}  // namespace

Emitter::Emitter(Outbox& outbox, std::unique_ptr<CollectorClient> client, EmitterOptions options)
    : outbox_(outbox), client_(std::move(client)), options_(std::move(options)) {
  if (!options_.log) options_.log = log_warning;
  thread_ = std::thread([this] {
    name_this_thread("ie-snowplow");
    run();
  });
}

Emitter::~Emitter() { stop(); }

void Emitter::wake() {
  {
    const std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void Emitter::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  client_->cancel();
  if (thread_.joinable()) thread_.join();
}

bool Emitter::wait_for(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, duration, [&] { return stopping_ || woken_; });
  woken_ = false;
  return !stopping_;
}

void Emitter::run() {
  unsigned store_failures = 0;
  while (true) {
    {
      const std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    std::vector<OutboxEntry> entries;
    try {
      entries = outbox_.claim(options_.owner, options_.batch_bytes, wall_clock_ms());
      store_failures = 0;
    } catch (const std::exception& error) {
      report(std::string("Snowplow outbox unavailable: ") + error.what());
      if (!wait_for(std::chrono::milliseconds(retry_delay_ms(options_.backoff, ++store_failures, random_unit())))) break;
      continue;
    }
    if (entries.empty()) {
      if (!wait_for(options_.idle_poll)) break;
      continue;
    }
    deliver(std::move(entries));
  }
  try {
    outbox_.release(options_.owner);
  } catch (const std::exception&) {
    // The lease runs out by itself: another emitter takes over a little later.
  }
}

// Until the batch has left the outbox (delivered or buried) or the emitter stops.
void Emitter::deliver(std::vector<OutboxEntry> entries) {
  const std::string body = body_of(entries);
  for (unsigned attempt = 1;; ++attempt) {
    const CollectorReply reply = client_->post(body);
    const CollectorAnswer answer = classify_answer(reply.status);
    try {
      if (answer == CollectorAnswer::delivered) {
        outbox_.remove(entries);
        events_sent_ += entries.size();
        ++batches_sent_;
        last_problem_.clear();
        return;
      }
      if (answer == CollectorAnswer::dead) {
        const std::string reason = "HTTP " + std::to_string(reply.status) + ": " + reply.body_start;
        outbox_.bury(entries, reply.status, reason, wall_clock_ms());
        dead_letter_events_ += entries.size();
        options_.log("Snowplow collector refused " + std::to_string(entries.size()) + " events (" + reason + "): kept as dead letters");
        return;
      }
    } catch (const std::exception& error) {
      report(std::string("Snowplow outbox unavailable: ") + error.what());  // the batch is sent again: at least once
    }
    if (answer == CollectorAnswer::retry) {
      report("Snowplow collector " + client_->url().describe() + ": " +
             (reply.status ? "HTTP " + std::to_string(reply.status) : reply.error) + "; retrying with backoff");
    }
    ++retries_;
    std::optional<std::uint32_t> retry_after;
    if (reply.retry_after) retry_after = retry_after_seconds_ms(*reply.retry_after);
    auto delay = std::chrono::milliseconds(retry_delay_ms(options_.backoff, attempt, random_unit(), retry_after));
    // A wait longer than the lease is cut into parts, each followed by a renewal of the claim.
    while (delay.count() > 0) {
      const auto part = std::min(delay, std::chrono::milliseconds(kOutboxLeaseMs / 3));
      if (!wait_for(part)) return;
      delay -= part;
      try {
        outbox_.renew(options_.owner, entries, wall_clock_ms());
      } catch (const std::exception& error) {
        report(std::string("Snowplow outbox unavailable: ") + error.what());
      }
    }
  }
}

// One line per new problem, not one per retry.
void Emitter::report(const std::string& problem) {
  if (problem == last_problem_) return;
  last_problem_ = problem;
  options_.log(problem);
}

std::string Emitter::prometheus_text() const {
  std::string out;
  append_counter(out, "internal_events_snowplow_events_sent_total", "Snowplow events the collector accepted.", events_sent_);
  append_counter(out, "internal_events_snowplow_batches_sent_total", "Batches the collector accepted.", batches_sent_);
  append_counter(out, "internal_events_snowplow_retries_total", "POSTs to the collector that will be tried again.", retries_);
  append_counter(out, "internal_events_snowplow_dead_letter_events_total", "Snowplow events the collector refused.", dead_letter_events_);
  return out;
}

}  // namespace ie::snowplow
