#pragma once
// The event ids the SQLite store remembers, held in memory, so "seen before?" is one hash lookup.
// Keeping them in an indexed table instead cost a random B-tree insert per event (UUIDs are random),
// which dirtied pages all over the file and took most of a batch's commit time. The durable truth
// is the append-only event_id_log table (sqlite_writer); this set is rebuilt from it when the
// store first meets an event id.
//
// A slot holds an 86-bit fingerprint of the id (MurmurHash64A with two seeds: one hash and 22 bits
// of the other) and its expiry in ms (42 bits, enough until 2109): 16 bytes, four to a cache line.
// Two different ids share a fingerprint with a probability near n / 2^86 per new id: for ten
// million live ids, 1e-19.
//
//   the set: 256 shards, chosen by the fingerprint's top 8 bits
//   +---------+---------+-----+---------+
//   | shard 0 | shard 1 | ... | shard 255|   each an open-addressing table with linear probing,
//   +---------+---------+-----+---------+   its own size (not a power of two), its own mmap
//        |
//        v  slot = [ high 64 bits | low 22 bits . expiry 42 bits ]   16 bytes
//
// Memory is the point of this layout. A shard is rebuilt when it is 80% full (expired slots
// included) into a table sized for its live ids at 70%: at steady state (as many ids expire as
// arrive) a slot is a remembered id 70% of the time, 23 bytes per id, measured at ten million ids
// (bench/event_ids.sh). While the window fills, nearly every id of a shard lives, and the shard is
// rebuilt at 55% instead (20 to 29 bytes per id): rebuilt at 70%, it was rebuilt each time it grew
// by a seventh, which made batched ingest 13% slower. One table doubling in place
// sat between 37% and 75% full and needed the old and the new table at once: 57 bytes per id were
// measured, with peaks far above. A rebuild touches one shard, 1/256 of the set: at the default cap
// of 512 MiB that is 2 MB, about a millisecond, so it is done at once, where moving one table of
// hundreds of MB held the writer (and every request waiting on a commit) for a tenth of a second.
//
// The cap (set_memory_max) bounds every shard to 1/256 of it. A shard that would need more forgets
// its oldest ids down to 60% of its cap, and every shard forgets ids expiring before the same
// moment (forgotten_before_ms): the window shortens, the memory does not grow.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ie::sqlite {

class EventIdSet {
 public:
  struct Fingerprint {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    bool operator==(const Fingerprint&) const = default;
  };
  // Of an id as the log keeps it (event_id_log.hpp: a UUID is its 16 bytes), so that ids read back
  // from the log are fingerprinted without being turned into text again.
  static Fingerprint fingerprint_of_logged(std::string_view logged);
  static Fingerprint fingerprint_of(std::string_view id);

  EventIdSet();

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
  void load(const Fingerprint& fingerprint, std::int64_t expires_at_ms);
  void load(std::string_view id, std::int64_t expires_at_ms) { load(fingerprint_of(id), expires_at_ms); }

  // Room for about this many ids before they are loaded: a set filled from empty rebuilds each
  // shard every time it grows by a seventh, and probes ever longer chains while it does. Reading
  // ten million ids from the log that way took over 5 s; into tables sized ahead, well under 2.
  void reserve(std::size_t ids);

  // Ids expired before this may be dropped: the next time their shard is rebuilt, they are. The
  // store's purge decides it, with the same care for callers' clocks as for the rows it deletes.
  void forget_expired_before(std::int64_t now_ms) { horizon_ms_ = now_ms; }

  // At most this many bytes of slots (0: no cap); at least kMinMemoryMax.
  void set_memory_max(std::size_t bytes);
  static constexpr std::size_t kMinMemoryMax = std::size_t{1} << 20;
  // Ids expiring before this were forgotten early to stay under the cap: 0 while none was.
  std::int64_t forgotten_before_ms() const { return forgotten_before_ms_; }
  // What the slots take, in bytes, and how many hold an id (expired ones included).
  std::size_t memory_bytes() const;
  std::size_t slots_used() const;

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

  // Zeroed slots straight from mmap, whole pages: unmapped when freed, so a rebuilt shard gives its
  // old memory back at once (malloc may keep it), and what the set takes is what the process holds.
  class Slots {
   public:
    Slots() = default;
    explicit Slots(std::size_t at_least);  // rounded up to whole pages
    Slots(Slots&& other) noexcept;
    Slots& operator=(Slots&& other) noexcept;
    ~Slots();
    Slot& operator[](std::size_t index) { return slots_[index]; }
    const Slot& operator[](std::size_t index) const { return slots_[index]; }
    std::size_t size() const { return size_; }

   private:
    Slot* slots_ = nullptr;
    std::size_t size_ = 0;
  };

  struct Shard {
    Slots slots;
    std::size_t used = 0;  // slots not empty, expired ones included
    std::size_t home_of(const Fingerprint& fingerprint) const;
    Slot& slot_for(const Fingerprint& fingerprint);  // its slot, or the empty one where it belongs
    bool full() const { return (used + 1) * 5 > slots.size() * 4; }  // past 80%
  };
  struct Undo {
    Fingerprint fingerprint;
    std::int64_t previous_expires_at_ms;  // 0: it was absent
  };

  static constexpr int kShardBits = 8;
  static constexpr std::size_t kShards = std::size_t{1} << kShardBits;

  Shard& shard_of(const Fingerprint& fingerprint) { return shards_[fingerprint.high >> (64 - kShardBits)]; }
  const Shard& shard_of(const Fingerprint& fingerprint) const { return shards_[fingerprint.high >> (64 - kShardBits)]; }
  Slot& claim(const Fingerprint& fingerprint);  // its slot, the shard rebuilt first if full
  void rebuild(Shard& shard, std::size_t at_least_slots = 0);
  std::size_t live_slots(const Shard& shard) const;
  void forget_oldest(const Shard& shard, std::size_t live, std::size_t keep);
  bool kept(std::int64_t expires_at_ms) const;  // survives a rebuild

  std::vector<Shard> shards_;
  std::size_t max_slots_per_shard_ = 0;  // 0: no cap
  std::int64_t horizon_ms_ = 0;
  std::int64_t forgotten_before_ms_ = 0;
  std::vector<Undo> undo_log_;
  std::vector<std::int64_t> expiries_;  // forget_oldest()'s scratch, kept for its capacity
};

}  // namespace ie::sqlite
