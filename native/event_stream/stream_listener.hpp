#pragma once
// One listener of GET /-/events: the messages published for it and not yet written, bounded.
//
// The receiver never waits for a listener. Publishing appends under a short lock and, when the
// listener had nothing waiting, wakes its connection once; the connection takes everything waiting
// in one go, renders it on its own thread (live_batch.hpp) and writes it at its own pace. A
// listener that does not keep up loses its own oldest messages past the bound (kMaxBytes or
// kMaxMessages), and the next take() begins with `event: lost` saying how many: tracking and the
// other listeners go on as if it were not there.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "native/event_stream/live_batch.hpp"

namespace ie {

class StreamListener {
 public:
  // ~1 MiB (as records estimate themselves) or 500 messages waiting, whichever comes first: more
  // than a person watching a monitor or the demo sees pass, and a bounded cost for a listener that
  // never reads. Why not more: what a stalled listener holds is what its cost is made of, as the
  // memory of every batch comes round again once 500 newer events have come; with 2000 (and 4 MiB)
  // the records of one stalled listener outgrew the core's cache and cost batched ingest 0.85 of
  // its rate against 0.92 with 500 (bench/event_stream.sh's setup, alternating 4 s runs, before
  // records were packed: live_batch.hpp).
  static constexpr std::size_t kMaxBytes = 1 << 20;
  static constexpr std::size_t kMaxMessages = 500;

  // `events`: the names it wants, empty for all.
  explicit StreamListener(std::vector<std::string> events) : events_(std::move(events)) {}

  bool wants(std::string_view event) const;

  // From the connection's thread: `ready` is called (from a publishing thread, under this
  // listener's lock: it must only hand over) when messages arrive while none were waiting.
  void on_ready(std::function<void()> ready);
  // Everything waiting, `event: lost` first when messages were lost; empty when nothing is.
  std::string take();
  // The connection is gone: nothing is kept or woken any more.
  void close();
  bool closed() const;

  // From a publishing thread: a batch's records, those it wants, under one lock.
  void push(const std::shared_ptr<const LiveBatch>& batch);

  std::uint64_t lost_total() const;

 private:
  // Records [begin, end) of a batch, waiting; a batch's wanted records in a row make one span.
  struct Span {
    std::shared_ptr<const LiveBatch> batch;
    std::size_t begin;
    std::size_t end;
    std::size_t bytes;  // of the records in it
  };
  // Under mutex_, all four.
  void add_span(Span span);  // then bounds the backlog and wakes the connection
  void wake();
  void bound_backlog();
  void drop_oldest();

  const std::vector<std::string> events_;
  mutable std::mutex mutex_;
  std::deque<Span> waiting_;
  std::size_t waiting_records_ = 0;
  std::size_t waiting_bytes_ = 0;
  std::uint64_t lost_since_take_ = 0;
  std::uint64_t lost_total_ = 0;
  bool woken_ = false;  // `ready` was called and take() has not run since
  bool closed_ = false;
  std::function<void()> ready_;
};

}  // namespace ie
