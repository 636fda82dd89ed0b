// Redis's string commands re-done on a parsed Counter: PFADD, INCR, INCRBYFLOAT (with its
// long-double arithmetic and text form) and EXPIRE, following Redis's sources named below.
#include "native/store/redis_values.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>

namespace ie::sqlite {

void wrong_value(const std::string& key, const char* what) {
  throw std::runtime_error("counter " + key + ": " + what);
}

namespace {

// INCRBYFLOAT's arithmetic (t_string.c): long doubles, printed with 17 decimals and the trailing
// zeros removed (util.c ld2string, LD_STR_HUMAN), so the text equals what Redis stores.
std::string redis_float_text(long double value) {
  const int length = std::snprintf(nullptr, 0, "%.17Lf", value);
  std::string text(static_cast<std::size_t>(length), '\0');
  std::snprintf(text.data(), text.size() + 1, "%.17Lf", value);
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

std::optional<long double> parse_long_double(const std::string& text) {
  char* end = nullptr;
  const long double value = std::strtold(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || std::isnan(value)) return std::nullopt;
  return value;
}

void redis_pfadd(Counter& counter, const CounterWrite& write) {
  if (std::holds_alternative<std::monostate>(counter.value)) counter.value.emplace<HyperLogLog>();
  auto* hll = std::get_if<HyperLogLog>(&counter.value);
  if (!hll) wrong_value(write.key, "WRONGTYPE Key is not a valid HyperLogLog string value.");
  hll->add(write.member);
}

void redis_incr(Counter& counter, const CounterWrite& write) {
  std::int64_t current = 0;
  if (const auto* integer = std::get_if<std::int64_t>(&counter.value)) {
    current = *integer;
  } else if (const auto* text = std::get_if<std::string>(&counter.value)) {
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), current);
    if (error != std::errc() || end != text->data() + text->size()) wrong_value(write.key, "value is not an integer or out of range");
  } else if (!std::holds_alternative<std::monostate>(counter.value)) {
    wrong_value(write.key, "value is not an integer or out of range");
  }
  if (current == std::numeric_limits<std::int64_t>::max()) wrong_value(write.key, "increment or decrement would overflow");
  counter.value = current + 1;
}

void redis_incrbyfloat(Counter& counter, const CounterWrite& write) {
  long double current = 0;
  if (const auto* integer = std::get_if<std::int64_t>(&counter.value)) {
    current = static_cast<long double>(*integer);
  } else if (const auto* text = std::get_if<std::string>(&counter.value)) {
    const auto parsed = parse_long_double(*text);
    if (!parsed) wrong_value(write.key, "value is not a valid float");
    current = *parsed;
  } else if (!std::holds_alternative<std::monostate>(counter.value)) {
    wrong_value(write.key, "value is not a valid float");
  }
  const auto amount = parse_long_double(incrbyfloat_argument(write.amount));
  if (!amount) wrong_value(write.key, "value is not a valid float");
  const long double result = current + *amount;
  if (!std::isfinite(result)) wrong_value(write.key, "increment would produce NaN or Infinity");
  counter.value = redis_float_text(result);
}

// EXPIRE key ttl (refresh) or EXPIRE key ttl NX (if_none), after the write as GitLab sends them.
void redis_expire(Counter& counter, Expiry expiry, std::int64_t now_ms) {
  const std::int64_t expires_at_ms = now_ms + kWeeklyKeyTtlSeconds * 1000;
  if (expiry == Expiry::refresh || (expiry == Expiry::if_none && counter.expires_at_ms == 0)) {
    counter.expires_at_ms = expires_at_ms;
  }
}

}  // namespace

void redis_write(Counter& counter, const CounterWrite& write, std::int64_t now_ms) {
  switch (write.operation) {
    case CounterOperation::pfadd: redis_pfadd(counter, write); break;
    case CounterOperation::incr: redis_incr(counter, write); break;
    case CounterOperation::incrbyfloat: redis_incrbyfloat(counter, write); break;
  }
  redis_expire(counter, write.expiry, now_ms);
}

}  // namespace ie::sqlite
