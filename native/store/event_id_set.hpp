#pragma once
// The event ids the SQLite store remembers, held in memory, so "seen before?" is one hash lookup.
// Keeping them in an indexed table instead cost a random B-tree insert per event (UUIDs are random),
// which dirtied pages all over the file and took most of a batch's commit time. The durable truth
// is the append-only event_id_log table (sqlite_writer); this set is rebuilt from it when the
// store first meets an event id.
//
// A slot holds an 86-bit fingerprint of the id (MurmurHash64A with two seeds: one hash and 22 bits
// of the other) and its expiry in ms (42 bits, enough until 2109): 16 bytes, four to a cache line,
// in one open-addressing table with linear probing. Two different ids share a fingerprint with a
// probability near n / 2^86 per new id: for ten million live ids, 1e-19. The table is most of the
// receiver's memory, and its lookups most of the writer's cache misses: at 24 bytes (the whole
// 128 bits and a 64-bit expiry) it was half as large again and a probe often spanned two lines.
//
// Expired slots stay until the table next grows, which moves only the live slots to the new table:
// that is the set's purge, and why its size follows the ids of the window rather than all ever
// seen. The move is gradual, as Redis rehashes its dicts: each new id moves a few slots over,
// and until all have moved an id is looked for in the new table, then in the old. Moving millions
// at once held the writer (and every request waiting on a commit) for a tenth of a second or more.
//
// The new table is allocated ahead, when the one in use is 70% full, and a helper thread faults its
// pages in while that one fills to 75%. Left to the writer, a fresh table's pages were faulted in
// by its lookups, one at a time and most of them twice (read, then written); at about 2 µs a fault
// here, a table of 256 MB cost the writer a quarter of a second, while every request waited on it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace ie::sqlite {

class EventIdSet {
 public:
  struct Fingerprint {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    bool operator==(const Fingerprint&) const = default;
  };
  static Fingerprint fingerprint_of(std::string_view id);

  EventIdSet();
  ~EventIdSet();  // waits for the helper faulting a table in, if it still runs

  // Fetches the slots where the id is looked for into the cache, ahead of remember(). In a table of
  // millions nearly every lookup misses the cache; prefetching a request's ids together lets those
  // misses overlap instead of coming one after another.
  void prefetch(const Fingerprint& fingerprint) const;

  // true when the id was not live at now_ms: it is remembered from now on until expires_at_ms.
  // false: a live id, left as it was. Undoable until keep().
  bool remember(const Fingerprint& fingerprint, std::int64_t now_ms, std::int64_t expires_at_ms);
  bool remember(std::string_view id, std::int64_t now_ms, std::int64_t expires_at_ms) {
    return remember(fingerprint_of(id), now_ms, expires_at_ms);
  }

  // The transaction that recorded them rolled back: every remember() since the last keep() is
  // taken back. keep(): it committed.
  void undo();
  void keep() { undo_log_.clear(); }

  // An id read back from the log (on open, or written by another process): kept until the later
  // of its expiries.
  void load(std::string_view id, std::int64_t expires_at_ms);

  // Ids expired before this may be dropped: the next time the table grows, they are. The store's
  // purge decides it, with the same care for callers' clocks as for the rows it deletes.
  void forget_expired_before(std::int64_t now_ms) { horizon_ms_ = now_ms; }

 private:
  class Slot {
   public:
    static constexpr int kExpiryBits = 42;
    static constexpr std::uint64_t kExpiryMask = (std::uint64_t{1} << kExpiryBits) - 1;

    Slot() = default;
    Slot(const Fingerprint& fingerprint, std::int64_t expires_at_ms)
        : high_(fingerprint.high), low_and_expiry_((fingerprint.low & ~kExpiryMask) | clamped(expires_at_ms)) {}

    std::int64_t expires_at_ms() const { return static_cast<std::int64_t>(low_and_expiry_ & kExpiryMask); }  // 0: empty
    Fingerprint fingerprint() const { return {high_, low_and_expiry_ & ~kExpiryMask}; }
    bool holds(const Fingerprint& fingerprint) const {
      return high_ == fingerprint.high && (low_and_expiry_ & ~kExpiryMask) == (fingerprint.low & ~kExpiryMask);
    }

   private:
    static std::uint64_t clamped(std::int64_t ms) {
      return ms < 0 ? 0 : std::min(static_cast<std::uint64_t>(ms), kExpiryMask);
    }
    std::uint64_t high_ = 0;
    std::uint64_t low_and_expiry_ = 0;  // the top 22 bits of the fingerprint's `low`, then the expiry
  };
  static_assert(sizeof(Slot) == 16);
  // Slots straight from calloc: for a table of millions the kernel hands out zeroed pages as they
  // are first touched, where a vector writes every byte up front, holding the writer for a tenth
  // of a second when the table grows to tens of millions of slots.
  class ZeroedSlots {
   public:
    ZeroedSlots() = default;
    explicit ZeroedSlots(std::size_t count);
    // What is moved from is left empty, size included.
    ZeroedSlots(ZeroedSlots&& other) noexcept : slots_(std::move(other.slots_)), size_(std::exchange(other.size_, 0)) {}
    ZeroedSlots& operator=(ZeroedSlots&& other) noexcept {
      slots_ = std::move(other.slots_);
      size_ = std::exchange(other.size_, 0);
      return *this;
    }
    Slot& operator[](std::size_t index) { return slots_[index]; }
    const Slot& operator[](std::size_t index) const { return slots_[index]; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    // Has a helper thread fault the pages in; the slots may be in use meanwhile (see the .cpp).
    std::thread fault_in_on_helper() const;

   private:
    struct Free {
      void operator()(Slot* slots) const { std::free(slots); }
    };
    std::unique_ptr<Slot[], Free> slots_;
    std::size_t size_ = 0;
  };
  // Open addressing with linear probing; a power of two in size.
  struct Table {
    ZeroedSlots slots;
    std::size_t used = 0;  // slots not empty, expired ones included
    std::size_t home_of(const Fingerprint& fingerprint) const { return fingerprint.high & (slots.size() - 1); }
    Slot& slot_for(const Fingerprint& fingerprint);  // its slot, or the empty one where it belongs
    bool full() const { return (used + 1) * 4 > slots.size() * 3; }  // past three quarters
    bool next_due() const { return (used + 1) * 10 > slots.size() * 7; }  // past 70%: prepare the next
    // Once full, twice the size: that is twice what it holds, rounded up to a power of two.
    std::size_t next_size() const { return slots.size() * 2; }
  };
  struct Undo {
    Fingerprint fingerprint;
    std::int64_t previous_expires_at_ms;  // 0: it was absent
  };

  static void prefetch_home(const Table& table, const Fingerprint& fingerprint);
  Slot& claim(const Fingerprint& fingerprint);  // its slot in table_, starting a move first if needed
  std::int64_t known_expiry(const Slot& slot, const Fingerprint& fingerprint);  // 0: unknown
  void prepare_next_table();
  void start_moving();
  void move_some(std::size_t count);

  Table table_;               // where ids go
  Table moving_;              // while its slots move to table_, the table before; else empty
  ZeroedSlots next_slots_;    // the table after table_, once prepared; else empty
  std::thread faulting_in_;   // the helper faulting a prepared table in
  std::size_t moved_ = 0;     // moving_'s slots before this one are in table_
  std::int64_t horizon_ms_ = 0;
  std::vector<Undo> undo_log_;
};

}  // namespace ie::sqlite
