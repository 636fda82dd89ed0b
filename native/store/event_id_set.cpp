#include "native/store/event_id_set.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <string>
#include <utility>

#include "core/murmur_hash64a.hpp"
#include "native/store/event_id_log.hpp"

namespace ie::sqlite {

namespace {

constexpr std::uint64_t kHighSeed = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kLowSeed = 0xc2b2ae3d27d4eb4fULL;
// An expiry in 1970: taken back, or expired. Unlike an empty slot it keeps probe chains intact.
constexpr std::int64_t kTakenBack = 1;

std::int64_t stored_expiry(std::int64_t expires_at_ms) { return std::max<std::int64_t>(expires_at_ms, kTakenBack + 1); }

bool occupied(std::int64_t expires_at_ms) { return expires_at_ms != 0; }
bool live(std::int64_t expires_at_ms, std::int64_t now_ms) { return expires_at_ms > kTakenBack && expires_at_ms >= now_ms; }

std::size_t page_size() {
  static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

// Live ids fill a rebuilt shard to 70%; a shard at its cap keeps 60% (room to fill before the next).
std::size_t slots_for(std::size_t live) { return (live + 1) * 10 / 7 + 1; }
// A shard whose ids nearly all live is growing (more ids arrive than expire): it grows to 55%, so
// that it is rebuilt every time it gains 45% rather than 14%. At 70% the rebuilds were an eighth of
// the writer's time under batched ingest, and the batches 13% slower.
std::size_t slots_for_growing(std::size_t live) { return (live + 1) * 20 / 11 + 1; }
std::size_t kept_at_cap(std::size_t max_slots) { return max_slots * 6 / 10; }

}  // namespace

EventIdSet::Slots::Slots(std::size_t at_least) {
  const std::size_t bytes = (at_least * sizeof(Slot) + page_size() - 1) / page_size() * page_size();
  // MAP_POPULATE: the pages arrive in one call, not one fault at a time while the shard is filled.
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  slots_ = static_cast<Slot*>(memory);  // zero bytes: empty slots
  size_ = bytes / sizeof(Slot);
}

EventIdSet::Slots::Slots(Slots&& other) noexcept
    : slots_(std::exchange(other.slots_, nullptr)), size_(std::exchange(other.size_, 0)) {}

EventIdSet::Slots& EventIdSet::Slots::operator=(Slots&& other) noexcept {
  std::swap(slots_, other.slots_);
  std::swap(size_, other.size_);
  return *this;
}

EventIdSet::Slots::~Slots() {
  if (slots_) ::munmap(slots_, size_ * sizeof(Slot));
}

EventIdSet::EventIdSet() : shards_(kShards) {
  for (Shard& shard : shards_) shard.slots = Slots(1);
}

EventIdSet::Fingerprint EventIdSet::fingerprint_of_logged(std::string_view logged) {
  return {murmur_hash64a(logged, kHighSeed), murmur_hash64a(logged, kLowSeed)};
}

EventIdSet::Fingerprint EventIdSet::fingerprint_of(std::string_view id) {
  std::string logged;
  append_event_id(logged, id);
  return fingerprint_of_logged(logged);
}

// The bits below the shard's pick an index in [0, size): a multiply, not a modulo.
std::size_t EventIdSet::Shard::home_of(const Fingerprint& fingerprint) const {
  const unsigned __int128 spread = static_cast<unsigned __int128>(fingerprint.high << kShardBits) * slots.size();
  return static_cast<std::size_t>(spread >> 64);
}

EventIdSet::Slot& EventIdSet::Shard::slot_for(const Fingerprint& fingerprint) {
  for (std::size_t index = home_of(fingerprint);; index = index + 1 == slots.size() ? 0 : index + 1) {
    Slot& slot = slots[index];
    if (!occupied(slot.expires_at_ms()) || slot.holds(fingerprint)) return slot;
  }
}

// The home slot's cache line and the next: where a probe nearly always ends.
void EventIdSet::prefetch(const Fingerprint& fingerprint) const {
  const Shard& shard = shard_of(fingerprint);
  const char* home = reinterpret_cast<const char*>(&shard.slots[shard.home_of(fingerprint)]);
  __builtin_prefetch(home);
  __builtin_prefetch(home + 64);
}

bool EventIdSet::remember(const Fingerprint& fingerprint, std::int64_t now_ms, std::int64_t expires_at_ms) {
  Slot& slot = claim(fingerprint);
  const std::int64_t known = slot.expires_at_ms();
  if (live(known, std::max(now_ms, forgotten_before_ms_))) return false;
  undo_log_.push_back({fingerprint, known});
  if (!occupied(known)) ++shard_of(fingerprint).used;
  slot = Slot(fingerprint, stored_expiry(expires_at_ms));
  return true;
}

// An id whose slot a rebuild dropped (expired, or taken back) reads as unknown, which is what the
// undo would have left: only slots still there need their previous value back.
void EventIdSet::undo() {
  for (auto undo = undo_log_.rbegin(); undo != undo_log_.rend(); ++undo) {
    Slot& slot = shard_of(undo->fingerprint).slot_for(undo->fingerprint);
    if (!occupied(slot.expires_at_ms())) continue;
    slot = Slot(undo->fingerprint, occupied(undo->previous_expires_at_ms) ? undo->previous_expires_at_ms : kTakenBack);
  }
  undo_log_.clear();
}

void EventIdSet::load(const Fingerprint& fingerprint, std::int64_t expires_at_ms) {
  Slot& slot = claim(fingerprint);
  const std::int64_t known = slot.expires_at_ms();
  if (!occupied(known)) ++shard_of(fingerprint).used;
  slot = Slot(fingerprint, std::max(known, stored_expiry(expires_at_ms)));
}

void EventIdSet::set_memory_max(std::size_t bytes) {
  max_slots_per_shard_ = bytes == 0 ? 0 : std::max(bytes, kMinMemoryMax) / kShards / page_size() * page_size() / sizeof(Slot);
}

std::size_t EventIdSet::memory_bytes() const {
  std::size_t bytes = 0;
  for (const Shard& shard : shards_) bytes += shard.slots.size() * sizeof(Slot);
  return bytes;
}

std::size_t EventIdSet::slots_used() const {
  std::size_t used = 0;
  for (const Shard& shard : shards_) used += shard.used;
  return used;
}

EventIdSet::Slot& EventIdSet::claim(const Fingerprint& fingerprint) {
  Shard& shard = shard_of(fingerprint);
  if (shard.full()) rebuild(shard);
  return shard.slot_for(fingerprint);
}

bool EventIdSet::kept(std::int64_t expires_at_ms) const {
  return live(expires_at_ms, std::max(horizon_ms_, forgotten_before_ms_));
}

void EventIdSet::reserve(std::size_t ids) {
  const std::size_t per_shard = ids / kShards;
  const std::size_t wanted = slots_for(per_shard + per_shard / 32 + 16);  // shards differ by a few per cent
  for (Shard& shard : shards_) {
    if (shard.slots.size() < wanted) rebuild(shard, wanted);
  }
}

// Into a table sized for the live ids (or at_least_slots); past the cap, the oldest are forgotten first.
void EventIdSet::rebuild(Shard& shard, std::size_t at_least_slots) {
  std::size_t live = live_slots(shard);
  if (max_slots_per_shard_ && slots_for(live) > max_slots_per_shard_) {
    forget_oldest(shard, live, kept_at_cap(max_slots_per_shard_));
    live = live_slots(shard);
  }
  const bool growing = live * 10 >= shard.used * 9;
  std::size_t wanted = std::max(growing ? slots_for_growing(live) : slots_for(live), at_least_slots);
  if (max_slots_per_shard_) wanted = std::min(wanted, max_slots_per_shard_);
  Shard next;
  next.slots = Slots(wanted);
  for (std::size_t index = 0; index < shard.slots.size(); ++index) {
    const Slot& old = shard.slots[index];
    if (!kept(old.expires_at_ms())) continue;
    next.slot_for(old.fingerprint()) = old;
    ++next.used;
  }
  shard = std::move(next);
}

std::size_t EventIdSet::live_slots(const Shard& shard) const {
  std::size_t live = 0;
  for (std::size_t index = 0; index < shard.slots.size(); ++index) live += kept(shard.slots[index].expires_at_ms());
  return live;
}

// Moves forgotten_before_ms_ past the expiries of the shard's oldest (live - keep) ids. Ids that
// expire in the same millisecond go together, so a few more may be forgotten than needed.
void EventIdSet::forget_oldest(const Shard& shard, std::size_t live, std::size_t keep) {
  if (live <= keep) return;
  expiries_.clear();
  for (std::size_t index = 0; index < shard.slots.size(); ++index) {
    const std::int64_t expiry = shard.slots[index].expires_at_ms();
    if (kept(expiry)) expiries_.push_back(expiry);
  }
  const auto oldest_kept = expiries_.begin() + static_cast<std::ptrdiff_t>(live - keep - 1);
  std::nth_element(expiries_.begin(), oldest_kept, expiries_.end());
  forgotten_before_ms_ = std::max(forgotten_before_ms_, *oldest_kept + 1);
}

}  // namespace ie::sqlite
