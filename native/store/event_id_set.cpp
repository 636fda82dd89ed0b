#include "native/store/event_id_set.hpp"

#include <algorithm>
#include <bit>

#include "core/murmur_hash64a.hpp"

namespace ie::sqlite {

namespace {

constexpr std::size_t kInitialSlots = 1024;
constexpr std::uint64_t kHighSeed = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kLowSeed = 0xc2b2ae3d27d4eb4fULL;
// An expiry in 1970: taken back, or expired. Unlike an empty slot it keeps probe chains intact.
constexpr std::int64_t kTakenBack = 1;

std::int64_t stored_expiry(std::int64_t expires_at_ms) { return std::max<std::int64_t>(expires_at_ms, kTakenBack + 1); }

bool occupied(std::int64_t expires_at_ms) { return expires_at_ms != 0; }
bool live(std::int64_t expires_at_ms, std::int64_t now_ms) { return expires_at_ms > kTakenBack && expires_at_ms >= now_ms; }

}  // namespace

EventIdSet::EventIdSet() : slots_(kInitialSlots) {}

EventIdSet::Fingerprint EventIdSet::fingerprint_of(std::string_view id) {
  return {murmur_hash64a(id, kHighSeed), murmur_hash64a(id, kLowSeed)};
}

// The home slot's cache line and the next: where a probe nearly always ends at three quarters full.
void EventIdSet::prefetch(const Fingerprint& fingerprint) const {
  const char* home = reinterpret_cast<const char*>(&slots_[home_of(fingerprint)]);
  __builtin_prefetch(home);
  __builtin_prefetch(home + 64);
}

bool EventIdSet::remember(const Fingerprint& fingerprint, std::int64_t now_ms, std::int64_t expires_at_ms) {
  Slot& slot = claim(fingerprint);
  if (live(slot.expires_at_ms, now_ms)) return false;
  undo_log_.push_back({fingerprint, slot.expires_at_ms});
  if (!occupied(slot.expires_at_ms)) ++used_;
  slot = {fingerprint, stored_expiry(expires_at_ms)};
  return true;
}

void EventIdSet::undo() {
  for (auto undo = undo_log_.rbegin(); undo != undo_log_.rend(); ++undo) {
    slot_for(undo->fingerprint).expires_at_ms = occupied(undo->previous_expires_at_ms) ? undo->previous_expires_at_ms : kTakenBack;
  }
  undo_log_.clear();
}

void EventIdSet::load(std::string_view id, std::int64_t expires_at_ms) {
  const Fingerprint fingerprint = fingerprint_of(id);
  Slot& slot = claim(fingerprint);
  if (!occupied(slot.expires_at_ms)) ++used_;
  slot = {fingerprint, std::max(slot.expires_at_ms, stored_expiry(expires_at_ms))};
}

EventIdSet::Slot& EventIdSet::slot_for(const Fingerprint& fingerprint) {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t index = home_of(fingerprint);; index = (index + 1) & mask) {
    Slot& slot = slots_[index];
    if (!occupied(slot.expires_at_ms) || slot.fingerprint == fingerprint) return slot;
  }
}

// At most three quarters full, so probe chains stay short and an empty slot always ends them.
EventIdSet::Slot& EventIdSet::claim(const Fingerprint& fingerprint) {
  if ((used_ + 1) * 4 > slots_.size() * 3) rebuild();
  return slot_for(fingerprint);
}

// Keeps the slots live at the horizon, in a table at most half full after.
void EventIdSet::rebuild() {
  std::vector<Slot> kept;
  kept.reserve(used_);
  for (const Slot& slot : slots_) {
    if (live(slot.expires_at_ms, horizon_ms_)) kept.push_back(slot);
  }
  slots_.assign(std::bit_ceil(std::max(kInitialSlots, kept.size() * 2)), Slot{});
  used_ = kept.size();
  for (const Slot& slot : kept) slot_for(slot.fingerprint) = slot;
}

}  // namespace ie::sqlite
