#pragma once
// HyperLogLog, byte for byte the one of Redis (src/hyperloglog.c, Redis 7): the same hash, the same
// two encodings, the same in-place edits of the sparse encoding, the same estimator. After the same
// adds, to_redis_bytes() equals what `GET key` returns after the same PFADDs, and count() equals
// PFCOUNT. So counters kept by the embedded store can be copied into Redis with SET, and keys read
// from Redis (or from several Redis Cluster slots) can be counted here.
//
// The idea
// ========
//
// Every value is hashed (MurmurHash64A, seed 0xadc83b19). The low 14 bits of the hash choose one of
// 16384 registers; the remaining 50 bits are scanned from the least significant end for the first 1,
// and the position of that 1 (1 when bit 14 is set, up to 51 when all 50 bits are zero) is the
// "pattern length". A register keeps the largest pattern length it has seen. The cardinality is then
// estimated from the histogram of register values with Otmar Ertl's improved raw estimator ("New
// cardinality estimation algorithms for HyperLogLog sketches", arXiv:1702.01284), as Redis does
// since 5.0. The standard error is 0.81%.
//
// Header (both encodings)
// =======================
//
//   byte  0     4   5         8                                  16
//        +------+---+---------+-----------------------------------+
//        | HYLL | E | 0  0  0 | cached cardinality, 8 bytes, LE   |  registers ...
//        +------+---+---------+-----------------------------------+
//
// "HYLL" is the magic; E is the encoding, 0 dense or 1 sparse; three unused bytes. The cached
// cardinality is what the last PFCOUNT computed, little-endian. The most significant bit of its last
// byte (byte 15) set means "invalid, recompute": PFADD sets that one bit when a register changed and
// leaves the other 63 bits as they were, so after a PFCOUNT and a changing PFADD byte 15 is 0x80
// but bytes 8..14 still hold the old count. PFCOUNT of a single key writes the value back (a
// read-only looking command that changes the string); PFCOUNT of several keys writes nothing.
//
// Dense encoding (E = 0): 16 + 12288 bytes
// ========================================
//
// 16384 registers of 6 bits, packed from the least significant bit of each byte upwards, a register
// continuing into the next byte when it does not fit:
//
//   +--------+--------+--------+------//      //--+
//   |11000000|22221111|33333322|55444444 ....     |     (most significant bit on the left)
//   +--------+--------+--------+------//      //--+
//
// Register i starts at bit 6*i: byte 6*i/8, bit offset 6*i%8. Every 3 bytes hold exactly 4
// registers, which is what the counting loops use.
//
// Sparse encoding (E = 1): 16 + a few bytes
// =========================================
//
// A run-length encoding of the registers, from register 0 to 16383, with three opcodes:
//
//   ZERO   00xxxxxx            xxxxxx+1 registers (1..64) are 0
//   XZERO  01xxxxxx yyyyyyyy   xxxxxxyyyyyyyy+1 registers (1..16384) are 0, big-endian 14 bits
//   VAL    1vvvvvxx            xx+1 registers (1..4) hold the value vvvvv+1 (1..32)
//
// An empty HyperLogLog is the single opcode XZERO:16384 (bytes 0x7f 0xff). Registers 1000 = 2 and
// 1020, 1021 = 3 with all others 0 are:
//
//   XZERO:1000  VAL:2,1  ZERO:19  VAL:3,2  XZERO:15362        (2 + 1 + 1 + 1 + 2 = 7 bytes)
//
// A valid sparse HyperLogLog covers exactly 16384 registers. Raising a register edits the opcodes in
// place: the opcode that covers it is split (a zero run becomes ZERO/XZERO + VAL + ZERO/XZERO, a
// value run VAL + VAL + VAL), and then adjacent VAL opcodes of equal value are joined, looking at
// no more than five opcodes from the one before the edit. Because of that short window the bytes
// depend on the order of the adds, not only on the set: to give Redis's bytes this code makes the
// same edits in the same order.
//
// The sparse encoding turns dense for good (the header is kept, E becomes 0) when a register must
// hold a value above 32, or when an edit would make the whole string (header included) longer than
// sparse_max_bytes (Redis's `hll-sparse-max-bytes`, default 3000). Edits that do not grow the string
// never turn it dense, even when it is already past a limit that was lowered later.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ie {

// A string that is not a valid HyperLogLog: wrong magic, unknown encoding, wrong dense length, or
// sparse opcodes that run past the end or do not describe exactly 16384 registers.
struct HllCorruptError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class HyperLogLog {
 public:
  static constexpr int kPrecision = 14;
  static constexpr std::size_t kRegisters = std::size_t{1} << kPrecision;  // 16384
  static constexpr std::size_t kHeaderBytes = 16;
  static constexpr std::size_t kDenseBytes = kHeaderBytes + kRegisters * 6 / 8;  // 12304
  static constexpr std::size_t kDefaultSparseMaxBytes = 3000;

  enum class Encoding : std::uint8_t { dense = 0, sparse = 1 };

  // Empty, and byte for byte what PFADD creates for a missing key: sparse XZERO:16384 with the
  // cached cardinality marked invalid.
  explicit HyperLogLog(std::size_t sparse_max_bytes = kDefaultSparseMaxBytes);

  // Loads a string as Redis stores it (GET). Throws HllCorruptError for anything Redis would not
  // accept as a HyperLogLog, and also for sparse opcodes that run past the end of the string.
  static HyperLogLog from_redis_bytes(std::string_view bytes,
                                      std::size_t sparse_max_bytes = kDefaultSparseMaxBytes);
  std::string to_redis_bytes() const;

  // PFADD with one value: true when a register changed (and the cached cardinality was invalidated).
  bool add(std::string_view value);

  // PFCOUNT of this key: the cached cardinality when valid, otherwise the estimate, which is then
  // stored in the header as Redis does.
  std::uint64_t count();
  // The same estimate without reading or writing the cache.
  std::uint64_t estimate() const;

  // PFMERGE this this sources...: every register becomes the maximum over this and the sources;
  // dense when any of them is dense. The cache is invalidated, as PFMERGE always does.
  void merge(std::span<const HyperLogLog* const> sources);
  void merge(const HyperLogLog& source);

  Encoding encoding() const { return static_cast<Encoding>(bytes_[4]); }
  std::size_t size_bytes() const { return bytes_.size() - 1; }
  std::size_t sparse_max_bytes() const { return sparse_max_bytes_; }
  // Like CONFIG SET hll-sparse-max-bytes: applies to the next edits.
  void set_sparse_max_bytes(std::size_t limit) { sparse_max_bytes_ = limit; }
  // The cached cardinality when the header says it is valid.
  std::optional<std::uint64_t> cached_count() const;

  // All register values, as PFDEBUG GETREG lists them.
  std::array<std::uint8_t, kRegisters> registers() const;

 private:
  friend class HyperLogLogUnion;

  // Where the sparse opcode covering a register is, and the opcode before it (the edit that follows
  // may join VAL opcodes starting from there).
  struct SparseCursor {
    std::size_t offset;       // of the covering opcode, in bytes_
    std::size_t prev_offset;  // of the opcode before it, or 0 when it is the first
    std::uint32_t first;      // first register the covering opcode describes
    std::uint32_t span;       // registers it describes
  };

  // A shortcut into the sparse opcodes, so that finding a register scans about one block of
  // registers instead of the whole string (Redis scans from the start every time; the edits and so
  // the bytes are the same, they are only found sooner). For each block of kSpan registers it keeps
  // an opcode that ends at or before the block's first register, and the register after that
  // opcode; offset 0 means none is known (start from the first opcode). Any such opcode is correct;
  // the nearest is fastest, and lookups record the nearest ones they pass.
  class SparseIndex {
   public:
    static constexpr std::uint32_t kSpan = 256;
    static constexpr std::uint32_t kBlocks = kRegisters / kSpan;

    SparseIndex() = default;
    SparseIndex(const SparseIndex& other);
    SparseIndex& operator=(const SparseIndex& other);
    SparseIndex(SparseIndex&&) noexcept = default;
    SparseIndex& operator=(SparseIndex&&) noexcept = default;

    bool empty() const { return !anchors_; }
    void clear() { anchors_.reset(); }
    void reset();  // every block: none known
    SparseCursor start(const std::uint8_t* bytes, std::uint32_t index) const;
    void record(std::uint32_t block, std::size_t offset, std::uint32_t next_first);
    // After an edit that changed bytes [edit_from, untouched_from) (untouched_from as the offset was
    // before the edit) and moved everything after by `delta` bytes.
    void moved(std::size_t edit_from, std::size_t untouched_from, std::ptrdiff_t delta, std::uint32_t first_block);

   private:
    // Offsets fit 16 bits: a valid sparse string is at most 16 + 2 * 16384 bytes.
    struct Anchors {
      std::array<std::uint16_t, kBlocks> offset;
      std::array<std::uint16_t, kBlocks> next_first;
    };
    std::unique_ptr<Anchors> anchors_;
  };

  HyperLogLog(std::vector<std::uint8_t> bytes, std::size_t sparse_max_bytes);

  bool is_dense() const { return bytes_[4] == static_cast<std::uint8_t>(Encoding::dense); }
  std::uint8_t* registers_begin() { return bytes_.data() + kHeaderBytes; }
  const std::uint8_t* registers_begin() const { return bytes_.data() + kHeaderBytes; }
  const std::uint8_t* end() const { return bytes_.data() + size_bytes(); }
  void invalidate_cache() { bytes_[15] |= 0x80; }

  bool raise(std::uint32_t index, std::uint8_t value);
  bool sparse_raise(std::uint32_t index, std::uint8_t value);
  bool promote_and_raise(std::uint32_t index, std::uint8_t value);
  void promote_to_dense();
  SparseCursor locate(std::uint32_t index);
  void replace_opcode(std::size_t offset, std::size_t old_length, const std::uint8_t* with, std::size_t length);
  void finish_edit(const SparseCursor& at, std::size_t size_before, bool in_place);
  std::size_t join_equal_values(std::size_t from);

  // The Redis string plus one zero byte past its end (Redis's strings have their terminating NUL
  // there too): reading a dense register or a sparse opcode as two bytes then needs no bounds check.
  std::vector<std::uint8_t> bytes_;
  std::size_t sparse_max_bytes_;
  SparseIndex index_;  // sparse only, from the first lookup on
};

// The union of several HyperLogLogs, as multi-key PFCOUNT computes it: one byte per register holding
// the maximum seen, then the same estimator. The inputs are never modified.
class HyperLogLogUnion {
 public:
  void add(const HyperLogLog& hll);
  // Merges a string as Redis stores it, without copying it into a HyperLogLog first; throws
  // HllCorruptError as HyperLogLog::from_redis_bytes does.
  void add_redis_bytes(std::string_view bytes);
  std::uint64_t count() const;

 private:
  friend class HyperLogLog;
  std::array<std::uint8_t, HyperLogLog::kRegisters> max_{};
};

}  // namespace ie
