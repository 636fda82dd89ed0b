#include "native/event_stream/stream_listener.hpp"

#include <algorithm>

#include "core/live_event.hpp"

namespace ie {

bool StreamListener::wants(std::string_view event) const {
  return events_.empty() || std::find(events_.begin(), events_.end(), event) != events_.end();
}

void StreamListener::on_ready(std::function<void()> ready) {
  const std::lock_guard lock(mutex_);
  ready_ = std::move(ready);
  wake();
}

std::string StreamListener::take() {
  std::deque<Span> taken;
  std::uint64_t lost = 0;
  {
    const std::lock_guard lock(mutex_);
    taken.swap(waiting_);
    waiting_records_ = 0;
    waiting_bytes_ = 0;
    lost = std::exchange(lost_since_take_, 0);
    woken_ = false;
  }
  std::string out = lost ? lost_events_message(lost) : std::string{};
  for (const Span& span : taken) {
    for (std::size_t i = span.begin; i < span.end; ++i) out += server_sent_event("tracked", span.batch->first_id + i, span.batch->data(i));
  }
  return out;
}

void StreamListener::close() {
  const std::lock_guard lock(mutex_);
  closed_ = true;
  ready_ = nullptr;
  waiting_.clear();
  waiting_records_ = 0;
  waiting_bytes_ = 0;
}

bool StreamListener::closed() const {
  const std::lock_guard lock(mutex_);
  return closed_;
}

void StreamListener::push(const std::shared_ptr<const LiveBatch>& batch) {
  const std::lock_guard lock(mutex_);
  if (closed_) return;
  const LiveBatch& records = *batch;
  if (events_.empty()) {  // it wants everything: the batch is one span, nothing to look at per record
    add_span({batch, 0, records.size(), records.estimated_bytes()});
    return;
  }
  for (std::size_t begin = 0; begin < records.size();) {
    if (!wants(records.name(begin))) {
      ++begin;
      continue;
    }
    std::size_t end = begin;
    std::size_t bytes = 0;
    for (; end < records.size() && wants(records.name(end)); ++end) bytes += records.estimated_bytes(end);
    add_span({batch, begin, end, bytes});
    begin = end;
  }
}

void StreamListener::add_span(Span span) {
  waiting_records_ += span.end - span.begin;
  waiting_bytes_ += span.bytes;
  waiting_.push_back(std::move(span));
  bound_backlog();
  wake();
}

void StreamListener::bound_backlog() {
  while (waiting_records_ > 1 && (waiting_bytes_ > kMaxBytes || waiting_records_ > kMaxMessages)) drop_oldest();
}

void StreamListener::wake() {
  if (!woken_ && ready_ && !waiting_.empty()) {
    woken_ = true;
    ready_();
  }
}

// A whole span when the bound on messages is past it (a stalled listener drops a batch for each
// one pushed: one step, not fifty), else its oldest record.
void StreamListener::drop_oldest() {
  Span& oldest = waiting_.front();
  const std::size_t records = oldest.end - oldest.begin;
  const bool whole = waiting_records_ > records && waiting_records_ - records >= kMaxMessages;
  const std::size_t lost = whole ? records : 1;
  const std::size_t bytes = whole ? oldest.bytes : oldest.batch->estimated_bytes(oldest.begin);
  oldest.begin += lost;
  oldest.bytes -= bytes;
  if (oldest.begin == oldest.end) waiting_.pop_front();
  waiting_records_ -= lost;
  waiting_bytes_ -= bytes;
  lost_since_take_ += lost;
  lost_total_ += lost;
}

std::uint64_t StreamListener::lost_total() const {
  const std::lock_guard lock(mutex_);
  return lost_total_;
}

}  // namespace ie
