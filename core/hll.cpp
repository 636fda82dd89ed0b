#include "core/hll.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "core/murmur_hash64a.hpp"

namespace ie {

namespace {

constexpr std::size_t kRegisters = HyperLogLog::kRegisters;
constexpr std::size_t kHeaderBytes = HyperLogLog::kHeaderBytes;
constexpr std::size_t kDenseBytes = HyperLogLog::kDenseBytes;
constexpr int kPrecision = HyperLogLog::kPrecision;
constexpr int kQ = 64 - kPrecision;  // hash bits left for the pattern: lengths are 1..kQ+1
constexpr unsigned kRegisterMask = 63;

// ---------------------------------------------------------------------------------------------
// Hashing: which register a value touches, and the value it offers.

struct Pattern {
  std::uint32_t index;
  std::uint8_t length;
};

Pattern pattern_of(std::string_view value) {
  std::uint64_t hash = murmur_hash64a(value);
  const auto index = static_cast<std::uint32_t>(hash & (kRegisters - 1));
  hash >>= kPrecision;
  hash |= std::uint64_t{1} << kQ;  // a sentinel 1, so all-zero bits give kQ+1
  return {index, static_cast<std::uint8_t>(std::countr_zero(hash) + 1)};
}

// ---------------------------------------------------------------------------------------------
// Dense registers. A register is read as the 16 bits of its first byte and the next one; the next
// byte exists even for the last register (see bytes_ in hll.hpp).

unsigned dense_get(const std::uint8_t* registers, std::uint32_t index) {
  const std::uint32_t bit = index * 6;
  const unsigned pair = registers[bit >> 3] | (unsigned{registers[(bit >> 3) + 1]} << 8);
  return (pair >> (bit & 7)) & kRegisterMask;
}

void dense_set(std::uint8_t* registers, std::uint32_t index, unsigned value) {
  const std::uint32_t bit = index * 6;
  const unsigned shift = bit & 7;
  std::uint8_t* at = registers + (bit >> 3);
  unsigned pair = at[0] | (unsigned{at[1]} << 8);
  pair = (pair & ~(kRegisterMask << shift)) | (value << shift);
  at[0] = static_cast<std::uint8_t>(pair);
  at[1] = static_cast<std::uint8_t>(pair >> 8);
}

bool dense_raise(std::uint8_t* registers, std::uint32_t index, unsigned value) {
  if (value <= dense_get(registers, index)) return false;
  dense_set(registers, index, value);
  return true;
}

// Calls visit(index, value) for the 16384 registers in order, four registers from each three bytes.
template <class Visit>
void for_each_dense_register(const std::uint8_t* registers, Visit&& visit) {
  for (std::uint32_t group = 0; group < kRegisters / 4; ++group) {
    const std::uint8_t* b = registers + group * 3;
    const std::uint32_t word = b[0] | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16);
    visit(group * 4 + 0, word & kRegisterMask);
    visit(group * 4 + 1, (word >> 6) & kRegisterMask);
    visit(group * 4 + 2, (word >> 12) & kRegisterMask);
    visit(group * 4 + 3, word >> 18);
  }
}

// ---------------------------------------------------------------------------------------------
// Sparse opcodes.

constexpr unsigned kZeroMaxLength = 64;
constexpr unsigned kXZeroMaxLength = 16384;
constexpr unsigned kValMaxValue = 32;
constexpr unsigned kValMaxLength = 4;

constexpr bool is_zero(unsigned op) { return (op & 0xc0) == 0x00; }
constexpr bool is_xzero(unsigned op) { return (op & 0xc0) == 0x40; }
constexpr bool is_val(unsigned op) { return (op & 0x80) != 0; }
constexpr unsigned zero_length(unsigned op) { return (op & 0x3f) + 1u; }
unsigned xzero_length(const std::uint8_t* op) { return (((op[0] & 0x3fu) << 8) | op[1]) + 1u; }
unsigned val_value(std::uint8_t op) { return ((op >> 2) & 0x1fu) + 1u; }
constexpr unsigned val_length(unsigned op) { return (op & 0x3u) + 1u; }
unsigned opcode_bytes(std::uint8_t op) { return 1u + is_xzero(op); }

// Registers covered by the opcode at `op`; reads the byte after it only for an XZERO.
unsigned opcode_span(const std::uint8_t* op) {
  if (is_zero(*op)) return zero_length(*op);
  if (is_val(*op)) return val_length(*op);
  return xzero_length(op);
}

// The same for the scan that finds a register, its hottest loop: a table for the one-byte opcodes,
// and the byte after `op` read whatever the opcode, so it must exist: in bytes_ it always does (the
// pad byte).
constexpr std::array<std::uint8_t, 256> kOneByteSpan = [] {
  std::array<std::uint8_t, 256> spans{};
  for (unsigned op = 0; op < 256; ++op) {
    spans[op] = static_cast<std::uint8_t>(is_zero(op) ? zero_length(op) : is_val(op) ? val_length(op) : 0);
  }
  return spans;
}();

unsigned padded_opcode_span(const std::uint8_t* op) {
  const unsigned xzero = xzero_length(op);
  return is_xzero(op[0]) ? xzero : kOneByteSpan[op[0]];
}

std::uint8_t val_opcode(unsigned value, unsigned length) {
  return static_cast<std::uint8_t>(0x80 | ((value - 1) << 2) | (length - 1));
}

// A zero run as Redis writes it: ZERO up to 64 registers, XZERO beyond. Returns the bytes written.
std::size_t write_zero_run(std::uint8_t* out, unsigned length) {
  if (length <= kZeroMaxLength) {
    out[0] = static_cast<std::uint8_t>(length - 1);
    return 1;
  }
  out[0] = static_cast<std::uint8_t>(0x40 | ((length - 1) >> 8));
  out[1] = static_cast<std::uint8_t>((length - 1) & 0xff);
  return 2;
}

// Walks sparse opcodes, calling run(first_register, length, value) for each (value 0 for zero
// runs), never reading past `end` and never reporting a register past 16383.
struct SparseWalk {
  enum class Status { ok, truncated, too_many_registers, too_few_registers } status;
  std::size_t offset;  // of the faulty opcode, from the start of the opcodes
  std::uint64_t registers;
};

template <class Run>
SparseWalk walk_sparse(const std::uint8_t* begin, const std::uint8_t* end, Run&& run) {
  std::uint64_t index = 0;
  for (const std::uint8_t* p = begin; p < end;) {
    const auto offset = static_cast<std::size_t>(p - begin);
    if (is_xzero(*p) && p + 1 >= end) return {SparseWalk::Status::truncated, offset, index};
    const unsigned span = opcode_span(p);
    if (index + span > kRegisters) return {SparseWalk::Status::too_many_registers, offset, index + span};
    run(static_cast<std::uint32_t>(index), span, is_val(*p) ? val_value(*p) : 0u);
    index += span;
    p += opcode_bytes(*p);
  }
  if (index != kRegisters) return {SparseWalk::Status::too_few_registers, static_cast<std::size_t>(end - begin), index};
  return {SparseWalk::Status::ok, 0, index};
}

// ---------------------------------------------------------------------------------------------
// Validation of strings from outside.

[[noreturn]] void corrupt(const std::string& why) { throw HllCorruptError("corrupt HyperLogLog: " + why); }

// Checks a string as Redis's isHLLObjectOrReply does, and, for sparse strings, the opcodes as Redis
// checks them when it reads them. Returns the encoding byte.
std::uint8_t validate_redis_bytes(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes) {
    corrupt(std::to_string(bytes.size()) + " bytes is shorter than the 16-byte header");
  }
  if (bytes.substr(0, 4) != "HYLL") corrupt("bad magic (the first 4 bytes are not \"HYLL\")");
  const auto encoding = static_cast<std::uint8_t>(bytes[4]);
  if (encoding > 1) corrupt("unknown encoding " + std::to_string(encoding) + " (0 is dense, 1 sparse)");
  if (encoding == 0) {
    if (bytes.size() != kDenseBytes) {
      corrupt("dense encoding must be " + std::to_string(kDenseBytes) + " bytes, not " +
              std::to_string(bytes.size()));
    }
    return encoding;
  }
  const auto* begin = reinterpret_cast<const std::uint8_t*>(bytes.data()) + kHeaderBytes;
  const auto walk = walk_sparse(begin, begin + (bytes.size() - kHeaderBytes), [](auto, auto, auto) {});
  const std::string at = " (opcode at byte " + std::to_string(walk.offset + kHeaderBytes) + ")";
  switch (walk.status) {
    case SparseWalk::Status::ok:
      break;
    case SparseWalk::Status::truncated:
      corrupt("sparse XZERO opcode cut off by the end of the string" + at);
    case SparseWalk::Status::too_many_registers:
      corrupt("sparse opcodes describe more than " + std::to_string(kRegisters) + " registers" + at);
    case SparseWalk::Status::too_few_registers:
      corrupt("sparse opcodes describe " + std::to_string(walk.registers) + " registers, not " +
              std::to_string(kRegisters));
  }
  return encoding;
}

// ---------------------------------------------------------------------------------------------
// The estimator: Ertl's improved raw estimator over the histogram of register values, in Redis's
// exact order of floating-point operations, so that every count equals PFCOUNT's. (Compilers must
// not contract a*b+c into a fused multiply-add here: C++ in ISO mode does not, and neither the x86-64
// baseline nor WebAssembly has one.)

using Histogram = std::array<std::uint32_t, 64>;

double sigma(double x) {
  if (x == 1.) return std::numeric_limits<double>::infinity();
  double y = 1;
  double z = x;
  double previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous != z);
  return z;
}

double tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double y = 1.0;
  double z = 1 - x;
  double previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    const double gap = 1 - x;
    z -= gap * gap * y;  // Redis writes pow(1 - x, 2), which compilers turn into this product
  } while (previous != z);
  return z / 3;
}

std::uint64_t estimate_from(const Histogram& histogram) {
  constexpr double m = kRegisters;
  constexpr double alpha_infinity = 0.721347520444481703680;  // 1 / (2 ln 2)
  double z = m * tau((m - histogram[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  return static_cast<std::uint64_t>(std::llround(alpha_infinity * m * m / z));
}

// Four interleaved histograms: most registers share a few values, and one table would make every
// increment wait for the previous one to the same slot.
Histogram dense_histogram(const std::uint8_t* registers) {
  std::array<std::array<std::uint32_t, 64>, 4> partial{};
  for (std::uint32_t group = 0; group < kRegisters / 4; ++group) {
    const std::uint8_t* b = registers + group * 3;
    const std::uint32_t word = b[0] | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16);
    ++partial[0][word & kRegisterMask];
    ++partial[1][(word >> 6) & kRegisterMask];
    ++partial[2][(word >> 12) & kRegisterMask];
    ++partial[3][word >> 18];
  }
  Histogram histogram{};
  for (std::size_t v = 0; v < histogram.size(); ++v) {
    histogram[v] = partial[0][v] + partial[1][v] + partial[2][v] + partial[3][v];
  }
  return histogram;
}

Histogram sparse_histogram(const std::uint8_t* begin, const std::uint8_t* end) {
  Histogram histogram{};
  walk_sparse(begin, end, [&](std::uint32_t, unsigned length, unsigned value) { histogram[value] += length; });
  return histogram;
}

// ---------------------------------------------------------------------------------------------
// Header fields, and the empty HyperLogLog.

std::uint64_t read_little_endian64(const std::uint8_t* bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

void write_little_endian64(std::uint8_t* bytes, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::vector<std::uint8_t> empty_sparse() {
  std::vector<std::uint8_t> bytes(kHeaderBytes + 2 + 1, 0);
  std::memcpy(bytes.data(), "HYLL", 4);
  bytes[4] = static_cast<std::uint8_t>(HyperLogLog::Encoding::sparse);
  write_zero_run(bytes.data() + kHeaderBytes, kXZeroMaxLength);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Registers as one byte each: what unions (multi-key PFCOUNT, PFMERGE) work on.

using Maxima = std::array<std::uint8_t, kRegisters>;

void merge_dense(Maxima& maxima, const std::uint8_t* registers) {
  for_each_dense_register(registers, [&](std::uint32_t index, unsigned value) {
    maxima[index] = std::max(maxima[index], static_cast<std::uint8_t>(value));
  });
}

// All registers at once, four to each three bytes (the pad byte after them stays zero).
void write_dense(std::uint8_t* registers, const Maxima& values) {
  for (std::uint32_t group = 0; group < kRegisters / 4; ++group) {
    const std::uint8_t* v = values.data() + group * 4;
    const std::uint32_t word = v[0] | (std::uint32_t{v[1]} << 6) | (std::uint32_t{v[2]} << 12) | (std::uint32_t{v[3]} << 18);
    registers[group * 3] = static_cast<std::uint8_t>(word);
    registers[group * 3 + 1] = static_cast<std::uint8_t>(word >> 8);
    registers[group * 3 + 2] = static_cast<std::uint8_t>(word >> 16);
  }
}

void merge_sparse(Maxima& maxima, const std::uint8_t* begin, const std::uint8_t* end) {
  walk_sparse(begin, end, [&](std::uint32_t first, unsigned length, unsigned value) {
    if (value == 0) return;
    for (std::uint32_t index = first; index < first + length; ++index) {
      maxima[index] = std::max(maxima[index], static_cast<std::uint8_t>(value));
    }
  });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// HyperLogLog

HyperLogLog::HyperLogLog(std::size_t sparse_max_bytes) : HyperLogLog(empty_sparse(), sparse_max_bytes) {
  // PFADD on a missing key counts as a change even with no values, so the cache starts invalid.
  invalidate_cache();
}

HyperLogLog::HyperLogLog(std::vector<std::uint8_t> bytes, std::size_t sparse_max_bytes)
    : bytes_(std::move(bytes)), sparse_max_bytes_(sparse_max_bytes) {}

HyperLogLog HyperLogLog::from_redis_bytes(std::string_view bytes, std::size_t sparse_max_bytes) {
  validate_redis_bytes(bytes);
  std::vector<std::uint8_t> copy(bytes.size() + 1, 0);
  std::memcpy(copy.data(), bytes.data(), bytes.size());
  return HyperLogLog(std::move(copy), sparse_max_bytes);
}

std::string HyperLogLog::to_redis_bytes() const {
  return std::string(reinterpret_cast<const char*>(bytes_.data()), size_bytes());
}

bool HyperLogLog::add(std::string_view value) {
  const Pattern pattern = pattern_of(value);
  if (!raise(pattern.index, pattern.length)) return false;
  invalidate_cache();
  return true;
}

std::optional<std::uint64_t> HyperLogLog::cached_count() const {
  if (bytes_[15] & 0x80) return std::nullopt;
  return read_little_endian64(bytes_.data() + 8);
}

std::uint64_t HyperLogLog::count() {
  if (const auto cached = cached_count()) return *cached;
  const std::uint64_t estimated = estimate();
  write_little_endian64(bytes_.data() + 8, estimated);
  return estimated;
}

std::uint64_t HyperLogLog::estimate() const {
  return estimate_from(is_dense() ? dense_histogram(registers_begin()) : sparse_histogram(registers_begin(), end()));
}

std::array<std::uint8_t, HyperLogLog::kRegisters> HyperLogLog::registers() const {
  HyperLogLogUnion all;
  all.add(*this);
  return all.max_;
}

void HyperLogLog::merge(const HyperLogLog& source) {
  const HyperLogLog* sources[] = {&source};
  merge(sources);
}

// As PFMERGE: the maxima first, then one raise per non-zero register in register order, so that a
// sparse destination goes through the same edits (and the same promotion) as in Redis.
void HyperLogLog::merge(std::span<const HyperLogLog* const> sources) {
  HyperLogLogUnion maxima;
  maxima.add(*this);
  bool any_dense = is_dense();
  for (const HyperLogLog* source : sources) {
    maxima.add(*source);
    any_dense = any_dense || source->is_dense();
  }
  if (any_dense) {
    // Dense bytes depend only on the register values, and this HyperLogLog is among the maxima:
    // writing all of them at once is the same as raising them one by one.
    promote_to_dense();
    write_dense(registers_begin(), maxima.max_);
  } else {
    for (std::uint32_t index = 0; index < kRegisters; ++index) {
      if (maxima.max_[index] != 0) raise(index, maxima.max_[index]);
    }
  }
  invalidate_cache();
}

bool HyperLogLog::raise(std::uint32_t index, std::uint8_t value) {
  return is_dense() ? dense_raise(registers_begin(), index, value) : sparse_raise(index, value);
}

void HyperLogLog::promote_to_dense() {
  if (is_dense()) return;
  std::vector<std::uint8_t> dense(kDenseBytes + 1, 0);
  std::memcpy(dense.data(), bytes_.data(), kHeaderBytes);  // magic, unused bytes and cache as they were
  dense[4] = static_cast<std::uint8_t>(Encoding::dense);
  walk_sparse(registers_begin(), end(), [&](std::uint32_t first, unsigned length, unsigned value) {
    if (value == 0) return;
    for (std::uint32_t index = first; index < first + length; ++index) dense_set(dense.data() + kHeaderBytes, index, value);
  });
  bytes_ = std::move(dense);
  index_.clear();
}

bool HyperLogLog::promote_and_raise(std::uint32_t index, std::uint8_t value) {
  promote_to_dense();
  // The sparse edit was needed because the register was lower, so the dense one changes too.
  return dense_raise(registers_begin(), index, value);
}

// ---------------------------------------------------------------------------------------------
// Sparse edits, in Redis's order (hllSparseSet): find the opcode, return early when the register is
// already high enough, update a one-register opcode in place, otherwise split the opcode (turning
// dense instead if the string would grow past the limit), then join equal neighbouring VALs.

// Scans from the index's anchor for `index`, and records the nearest anchor of every block whose
// first register it passes, so one scan from the start readies all the blocks it crossed.
HyperLogLog::SparseCursor HyperLogLog::locate(std::uint32_t index) {
  if (index_.empty()) index_.reset();
  const std::uint8_t* bytes = bytes_.data();
  SparseCursor at = index_.start(bytes, index);
  std::uint32_t boundary = (at.first + SparseIndex::kSpan - 1) / SparseIndex::kSpan * SparseIndex::kSpan;
  for (;;) {
    const std::uint8_t* op = bytes + at.offset;
    const std::uint32_t end = at.first + padded_opcode_span(op);
    // Blocks starting inside this opcode (up to the one of `index`): the opcode before is their anchor.
    const std::uint32_t limit = index < end ? index + 1 : end;
    for (; boundary < limit; boundary += SparseIndex::kSpan) {
      index_.record(boundary / SparseIndex::kSpan, at.prev_offset, at.first);
    }
    if (index < end) {
      at.span = end - at.first;
      return at;
    }
    at.prev_offset = at.offset;
    at.offset += opcode_bytes(*op);
    at.first = end;
  }
}

bool HyperLogLog::sparse_raise(std::uint32_t index, std::uint8_t value) {
  if (value > kValMaxValue) return promote_and_raise(index, value);
  const SparseCursor at = locate(index);
  const std::size_t size_before = size_bytes();
  std::uint8_t* op = bytes_.data() + at.offset;
  const unsigned span = at.span;

  if (is_val(*op)) {
    if (val_value(*op) >= value) return false;
    if (span == 1) {
      *op = val_opcode(value, 1);
      finish_edit(at, size_before, true);
      return true;
    }
  } else if (is_zero(*op) && span == 1) {
    *op = val_opcode(value, 1);
    finish_edit(at, size_before, true);
    return true;
  }

  // Split: [run before] VAL(value) [run after], each side keeping the old opcode's kind.
  std::uint8_t sequence[5];
  std::size_t length = 0;
  const std::uint32_t before = index - at.first;
  const std::uint32_t after = at.first + span - 1 - index;
  const unsigned old_value = is_val(*op) ? val_value(*op) : 0;
  auto write_run = [&](unsigned run) {
    if (old_value == 0) {
      length += write_zero_run(sequence + length, run);
    } else {
      sequence[length++] = val_opcode(old_value, run);
    }
  };
  if (before != 0) write_run(before);
  sequence[length++] = val_opcode(value, 1);
  if (after != 0) write_run(after);

  const std::size_t old_length = opcode_bytes(*op);
  if (length > old_length && size_before + (length - old_length) > sparse_max_bytes_) {
    return promote_and_raise(index, value);
  }
  replace_opcode(at.offset, old_length, sequence, length);
  finish_edit(at, size_before, false);
  return true;
}

// Every edit ends the same way: join equal VALs around it, then tell the index what moved. An
// opcode rewritten in place with nothing joined moved nothing: every anchor is still right.
void HyperLogLog::finish_edit(const SparseCursor& at, std::size_t size_before, bool in_place) {
  const std::size_t untouched = join_equal_values(at.prev_offset);
  const auto delta = static_cast<std::ptrdiff_t>(size_bytes()) - static_cast<std::ptrdiff_t>(size_before);
  if (in_place && delta == 0) return;
  const std::size_t edit_from = at.prev_offset == 0 ? kHeaderBytes : at.prev_offset;
  // Opcodes at or after `prev` end at or after at.first, so blocks starting before it are unaffected.
  const std::uint32_t first_block = (at.first + SparseIndex::kSpan - 1) / SparseIndex::kSpan;
  index_.moved(edit_from, static_cast<std::size_t>(static_cast<std::ptrdiff_t>(untouched) - delta), delta, first_block);
}

void HyperLogLog::replace_opcode(std::size_t offset, std::size_t old_length, const std::uint8_t* with,
                                 std::size_t length) {
  if (length > old_length) {
    bytes_.insert(bytes_.begin() + static_cast<std::ptrdiff_t>(offset + old_length), length - old_length, 0);
  } else if (length < old_length) {
    bytes_.erase(bytes_.begin() + static_cast<std::ptrdiff_t>(offset + length),
                 bytes_.begin() + static_cast<std::ptrdiff_t>(offset + old_length));
  }
  std::memcpy(bytes_.data() + offset, with, length);
}

// Joins adjacent VALs of equal value whose lengths add up to at most 4, looking at five opcodes
// from `from` (the opcode before the edit, or 0 for the first opcode), as Redis does: no further,
// so some joinable neighbours stay apart, and the bytes must show it. Returns an offset from which
// on nothing was changed by the edit (the bytes there only moved).
std::size_t HyperLogLog::join_equal_values(std::size_t from) {
  std::size_t p = from == 0 ? kHeaderBytes : from;
  for (int looks = 0; looks < 5 && p < size_bytes(); ++looks) {
    const std::uint8_t op = bytes_[p];
    if (!is_val(op)) {
      p += opcode_bytes(op);
      continue;
    }
    if (p + 1 < size_bytes() && is_val(bytes_[p + 1]) && val_value(op) == val_value(bytes_[p + 1])) {
      const unsigned joined = val_length(op) + val_length(bytes_[p + 1]);
      if (joined <= kValMaxLength) {
        bytes_[p + 1] = val_opcode(val_value(op), joined);
        bytes_.erase(bytes_.begin() + static_cast<std::ptrdiff_t>(p));
        continue;  // the joined VAL may join its right neighbour too
      }
    }
    ++p;
  }
  // Within five looks the loop has passed (or joined) `prev` and the at most three opcodes of the
  // edit; two more bytes cover the opcode it stopped on.
  return p + 2;
}

// ---------------------------------------------------------------------------------------------
// SparseIndex

HyperLogLog::SparseIndex::SparseIndex(const SparseIndex& other)
    : anchors_(other.anchors_ ? std::make_unique<Anchors>(*other.anchors_) : nullptr) {}

HyperLogLog::SparseIndex& HyperLogLog::SparseIndex::operator=(const SparseIndex& other) {
  if (this != &other) anchors_ = other.anchors_ ? std::make_unique<Anchors>(*other.anchors_) : nullptr;
  return *this;
}

void HyperLogLog::SparseIndex::reset() { anchors_ = std::make_unique<Anchors>(Anchors{}); }

HyperLogLog::SparseCursor HyperLogLog::SparseIndex::start(const std::uint8_t* bytes, std::uint32_t index) const {
  const std::size_t anchor = anchors_->offset[index / kSpan];
  if (anchor == 0) return {kHeaderBytes, 0, 0, 0};
  return {anchor + opcode_bytes(bytes[anchor]), anchor, anchors_->next_first[index / kSpan], 0};
}

void HyperLogLog::SparseIndex::record(std::uint32_t block, std::size_t offset, std::uint32_t next_first) {
  anchors_->offset[block] = static_cast<std::uint16_t>(offset);
  anchors_->next_first[block] = static_cast<std::uint16_t>(next_first);
}

// Anchors before the edit stay; anchors after it move with their opcode; those on an edited opcode
// take the anchor of the block before the edit (an opcode ending earlier is still correct, and the
// next lookups record nearer ones). Written without branches and over every block (those before
// `first_block` all end before the edit and stay), so that it runs on vectors.
void HyperLogLog::SparseIndex::moved(std::size_t edit_from, std::size_t untouched_from, std::ptrdiff_t delta,
                                     std::uint32_t first_block) {
  Anchors& a = *anchors_;
  const std::uint16_t safe_offset = first_block == 0 ? 0 : a.offset[first_block - 1];
  const std::uint16_t safe_next = first_block == 0 ? 0 : a.next_first[first_block - 1];
  const auto from = static_cast<std::uint16_t>(edit_from);
  const auto untouched = static_cast<std::uint16_t>(std::min<std::size_t>(untouched_from, UINT16_MAX));
  const auto shift = static_cast<std::uint16_t>(delta);  // modulo 2^16, as the sums below
  // From the chunk of 16 blocks holding first_block: a fixed count per chunk keeps it on vectors.
  for (std::uint32_t chunk = first_block / 16 * 16; chunk < kBlocks; chunk += 16) {
    for (std::uint32_t block = chunk; block < chunk + 16; ++block) {
      const std::uint16_t offset = a.offset[block];
      const std::uint16_t after = offset >= untouched ? 0xffff : 0;
      const std::uint16_t edited = offset >= from ? static_cast<std::uint16_t>(~after) : 0;
      const std::uint16_t moved_to = static_cast<std::uint16_t>(offset + shift);
      a.offset[block] = static_cast<std::uint16_t>((moved_to & after) | (safe_offset & edited) | (offset & ~(after | edited)));
      a.next_first[block] = static_cast<std::uint16_t>((safe_next & edited) | (a.next_first[block] & ~edited));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// HyperLogLogUnion

void HyperLogLogUnion::add(const HyperLogLog& hll) {
  if (hll.is_dense()) {
    merge_dense(max_, hll.registers_begin());
  } else {
    merge_sparse(max_, hll.registers_begin(), hll.end());
  }
}

void HyperLogLogUnion::add_redis_bytes(std::string_view bytes) {
  validate_redis_bytes(bytes);
  const auto* registers = reinterpret_cast<const std::uint8_t*>(bytes.data()) + kHeaderBytes;
  if (bytes[4] == 0) {
    merge_dense(max_, registers);
  } else {
    merge_sparse(max_, registers, registers + (bytes.size() - kHeaderBytes));
  }
}

std::uint64_t HyperLogLogUnion::count() const {
  Histogram histogram{};
  for (const std::uint8_t value : max_) ++histogram[value];
  return estimate_from(histogram);
}

}  // namespace ie
