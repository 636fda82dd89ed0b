#pragma once
// Counters with Redis's semantics, so the SQLite store holds exactly what Redis would: what PFADD,
// INCR and INCRBYFLOAT (then EXPIRE) do to a stored string, including INCRBYFLOAT's formatting and
// the errors Redis gives when a key holds the wrong kind of value.
#include <cstdint>
#include <string>
#include <variant>

#include "core/hll.hpp"
#include "native/store/counter_store.hpp"

namespace ie::sqlite {

// Missing, an HLL (Redis's bytes), an INCR integer, or the decimal text INCRBYFLOAT leaves.
using CounterValue = std::variant<std::monostate, HyperLogLog, std::int64_t, std::string>;

struct Counter {
  CounterValue value;
  std::int64_t expires_at_ms = 0;  // 0: no TTL
};

// Redis's rule (db.c keyIsExpired): a key is gone once the clock is past its expiry time.
inline bool live(std::int64_t expires_at_ms, std::int64_t now_ms) { return expires_at_ms == 0 || now_ms <= expires_at_ms; }

// A key holding what the operation cannot use.
[[noreturn]] void wrong_value(const std::string& key, const char* what);

// The write's operation on the counter, then its EXPIRE, as Redis would run them.
void redis_write(Counter& counter, const CounterWrite& write, std::int64_t now_ms);

}  // namespace ie::sqlite
