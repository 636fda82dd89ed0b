#include "native/store/event_id_set.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <system_error>

#include "core/murmur_hash64a.hpp"
#include "native/thread_name.hpp"

namespace ie::sqlite {

namespace {

constexpr std::size_t kInitialSlots = 1024;
constexpr std::size_t kMovedPerId = 8;  // slots moved to the new table per id added
constexpr std::size_t kPreparedFromSlots = std::size_t{1} << 20;  // 16 MB: smaller tables fault in quickly
constexpr std::uint64_t kHighSeed = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kLowSeed = 0xc2b2ae3d27d4eb4fULL;
// An expiry in 1970: taken back, or expired. Unlike an empty slot it keeps probe chains intact.
constexpr std::int64_t kTakenBack = 1;

std::int64_t stored_expiry(std::int64_t expires_at_ms) { return std::max<std::int64_t>(expires_at_ms, kTakenBack + 1); }

bool occupied(std::int64_t expires_at_ms) { return expires_at_ms != 0; }
bool live(std::int64_t expires_at_ms, std::int64_t now_ms) { return expires_at_ms > kTakenBack && expires_at_ms >= now_ms; }

}  // namespace

EventIdSet::ZeroedSlots::ZeroedSlots(std::size_t count)
    : slots_(static_cast<Slot*>(std::calloc(count, sizeof(Slot)))), size_(count) {  // all-zero bytes: empty slots
  if (!slots_) throw std::bad_alloc();
}

// MADV_POPULATE_WRITE allocates the pages as a write would, without writing: the writer may store
// slots in them meanwhile. Where the kernel lacks it (before 5.14), the writer faults them in itself.
std::thread EventIdSet::ZeroedSlots::fault_in_on_helper() const {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<std::uintptr_t>(slots_.get()) + page - 1) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(slots_.get()) + size_ * sizeof(Slot)) / page * page;
  return std::thread([begin, end] {
    name_this_thread("ie-sqlite-pages");
#ifdef MADV_POPULATE_WRITE
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#endif
  });
}

EventIdSet::EventIdSet() { table_.slots = ZeroedSlots(kInitialSlots); }

EventIdSet::~EventIdSet() {
  if (faulting_in_.joinable()) faulting_in_.join();
}

EventIdSet::Fingerprint EventIdSet::fingerprint_of(std::string_view id) {
  return {murmur_hash64a(id, kHighSeed), murmur_hash64a(id, kLowSeed)};
}

// The home slot's cache line and the next: where a probe nearly always ends at three quarters full.
// While the table moves, a new id is also looked for in the table before: unfetched, that lookup
// was half of remember()'s time, though the table moves only for a sixth of the ids.
void EventIdSet::prefetch(const Fingerprint& fingerprint) const {
  prefetch_home(table_, fingerprint);
  if (!moving_.slots.empty()) prefetch_home(moving_, fingerprint);
}

void EventIdSet::prefetch_home(const Table& table, const Fingerprint& fingerprint) {
  const char* home = reinterpret_cast<const char*>(&table.slots[table.home_of(fingerprint)]);
  __builtin_prefetch(home);
  __builtin_prefetch(home + 64);
}

bool EventIdSet::remember(const Fingerprint& fingerprint, std::int64_t now_ms, std::int64_t expires_at_ms) {
  Slot& slot = claim(fingerprint);
  const std::int64_t known = known_expiry(slot, fingerprint);
  if (live(known, now_ms)) return false;
  undo_log_.push_back({fingerprint, known});
  if (!occupied(slot.expires_at_ms())) ++table_.used;
  slot = Slot(fingerprint, stored_expiry(expires_at_ms));
  move_some(kMovedPerId);
  return true;
}

// In table_ the previous value shadows whatever moving_ still holds.
void EventIdSet::undo() {
  for (auto undo = undo_log_.rbegin(); undo != undo_log_.rend(); ++undo) {
    Slot& slot = table_.slot_for(undo->fingerprint);
    if (!occupied(slot.expires_at_ms())) ++table_.used;
    slot = Slot(undo->fingerprint, occupied(undo->previous_expires_at_ms) ? undo->previous_expires_at_ms : kTakenBack);
  }
  undo_log_.clear();
}

void EventIdSet::load(std::string_view id, std::int64_t expires_at_ms) {
  const Fingerprint fingerprint = fingerprint_of(id);
  Slot& slot = claim(fingerprint);
  const std::int64_t known = known_expiry(slot, fingerprint);
  if (!occupied(slot.expires_at_ms())) ++table_.used;
  slot = Slot(fingerprint, std::max(known, stored_expiry(expires_at_ms)));
  move_some(kMovedPerId);
}

EventIdSet::Slot& EventIdSet::Table::slot_for(const Fingerprint& fingerprint) {
  const std::size_t mask = slots.size() - 1;
  for (std::size_t index = home_of(fingerprint);; index = (index + 1) & mask) {
    Slot& slot = slots[index];
    if (!occupied(slot.expires_at_ms()) || slot.holds(fingerprint)) return slot;
  }
}

EventIdSet::Slot& EventIdSet::claim(const Fingerprint& fingerprint) {
  if (table_.full()) start_moving();
  else if (next_slots_.empty() && table_.slots.size() >= kPreparedFromSlots && table_.next_due()) prepare_next_table();
  return table_.slot_for(fingerprint);
}

// Without a thread to spare, the writer faults the pages in itself: a slower write, not a failed one.
void EventIdSet::prepare_next_table() {
  if (faulting_in_.joinable()) faulting_in_.join();  // the last table's, done long ago
  next_slots_ = ZeroedSlots(table_.next_size());
  try {
    faulting_in_ = next_slots_.fault_in_on_helper();
  } catch (const std::system_error&) {
  }
}

// The id's expiry: its slot in table_ when it has one there, else the one moving_ still holds.
std::int64_t EventIdSet::known_expiry(const Slot& slot, const Fingerprint& fingerprint) {
  if (occupied(slot.expires_at_ms()) || moving_.slots.empty()) return slot.expires_at_ms();
  return moving_.slot_for(fingerprint).expires_at_ms();  // 0 when empty, the only other answer
}

// table_ becomes the table being moved, into one twice the size of what it holds (the prepared
// one, if any): by the time every slot has moved (kMovedPerId a new id), the new table is not yet
// half full.
void EventIdSet::start_moving() {
  move_some(moving_.slots.size());  // a move still under way ends first
  moving_ = std::move(table_);
  moved_ = 0;
  table_ = Table{};
  table_.slots = next_slots_.empty() ? ZeroedSlots(moving_.next_size()) : std::move(next_slots_);
}

// Moves the next `count` slots that are live at the horizon (unless table_ already has the id,
// which then shadows it); frees the old table after its last.
void EventIdSet::move_some(std::size_t count) {
  if (moving_.slots.empty()) return;
  const std::size_t end = std::min(moving_.slots.size(), moved_ + count);
  for (; moved_ < end; ++moved_) {
    const Slot& old = moving_.slots[moved_];
    if (!live(old.expires_at_ms(), horizon_ms_)) continue;
    Slot& slot = table_.slot_for(old.fingerprint());
    if (occupied(slot.expires_at_ms())) continue;
    slot = old;
    ++table_.used;
  }
  if (moved_ == moving_.slots.size()) moving_ = Table{};
}

}  // namespace ie::sqlite
