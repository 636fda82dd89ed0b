// internal-events copy --from URL --to URL
#include <algorithm>
#include <array>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "native/cli/arguments.hpp"
#include "native/cli/commands.hpp"
#include "native/store/open_store.hpp"
#include "native/wall_clock.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events copy --from URL --to URL

Copies every live counter of one store into another, with the event ids it remembers, so the
destination answers the same metrics and its dedup window carries on: SQLite into Redis when one
receiver becomes several, Redis back into a file, one server to another. Each key replaces what
the destination held under its name, with the same expiry; keys only the destination has are
left alone. Copying twice leaves what copying once did. Prints one summary line.

  --from URL   the store to read: sqlite:PATH, redis://HOST:PORT[/DB] or redis-cluster://HOST:PORT,...
               (or INTERNAL_EVENTS_FROM); it must exist, and is only read
  --to URL     the store to write, the same kinds (or INTERNAL_EVENTS_TO); a new SQLite file is made
               only in a folder that exists
)";

// The kinds of key a dump holds, as the summary names them.
struct KeyKind {
  std::string_view prefix;  // empty: any other key
  std::string_view one;
  std::string_view many;
};

constexpr std::array<KeyKind, 5> kKinds = {{
    {"{hll_counters}_", "HyperLogLog", "HyperLogLogs"},
    {"{event_counters}_", "total", "totals"},
    {"{event_sums}_", "sum", "sums"},
    {kEventIdKeyPrefix, "event id", "event ids"},
    {"", "other key", "other keys"},
}};
constexpr std::size_t kEventIds = 3;
constexpr std::size_t kOther = 4;

std::size_t kind_of(const StoredKey& key) {
  for (std::size_t kind = 0; kind < kOther; ++kind) {
    if (key.key.starts_with(kKinds[kind].prefix)) return kind;
  }
  return kOther;
}

std::string counted(std::size_t count, std::size_t kind) {
  return std::to_string(count) + " " + std::string(count == 1 ? kKinds[kind].one : kKinds[kind].many);
}

// A second URL for the same store: the same text, the same server and database, or the same file.
bool same_store(const std::string& from_url, const CounterStore& from, const std::string& to_url, const CounterStore& to) {
  if (from.describe() == to.describe()) return true;
  constexpr std::string_view kSqlite = "sqlite:";
  if (!from_url.starts_with(kSqlite) || !to_url.starts_with(kSqlite)) return false;
  std::error_code error;
  return std::filesystem::equivalent(from_url.substr(kSqlite.size()), to_url.substr(kSqlite.size()), error);
}

// What one kind's restore wrote and left out, and why it left them out.
struct Copied {
  std::array<std::size_t, kKinds.size()> written{};
  std::array<std::size_t, kKinds.size()> expired{};       // expired before they could be written
  std::array<std::size_t, kKinds.size()> not_held{};      // that the destination cannot hold
};

// One restore per kind, so that the summary can say which keys the destination left out.
Copied copy_keys(const std::vector<StoredKey>& keys, CounterStore& to) {
  std::array<std::vector<StoredKey>, kKinds.size()> by_kind;
  for (const StoredKey& key : keys) by_kind[kind_of(key)].push_back(key);
  Copied copied;
  for (std::size_t kind = 0; kind < kKinds.size(); ++kind) {
    if (by_kind[kind].empty()) continue;
    const std::int64_t now_ms = wall_clock_ms();  // the dump's keys live at least until its own clock
    std::size_t expired = 0;
    for (const StoredKey& key : by_kind[kind]) expired += key.expires_at_ms != 0 && key.expires_at_ms < now_ms;
    copied.written[kind] = to.restore(by_kind[kind], now_ms);
    const std::size_t skipped = by_kind[kind].size() - copied.written[kind];
    copied.expired[kind] = std::min(expired, skipped);
    copied.not_held[kind] = skipped - copied.expired[kind];
  }
  return copied;
}

void print_summary(const Copied& copied, const CounterStore& from, const CounterStore& to) {
  std::size_t total = 0, expired = 0;
  std::string kinds;
  for (std::size_t kind = 0; kind < kKinds.size(); ++kind) {
    total += copied.written[kind];
    expired += copied.expired[kind];
    if (kind == kOther && copied.written[kind] == 0) continue;
    kinds += (kinds.empty() ? "" : ", ") + counted(copied.written[kind], kind);
  }
  std::cout << "copied " << total << (total == 1 ? " key (" : " keys (") << kinds << ") from " << from.describe() << " to "
            << to.describe() << '\n';
  for (std::size_t kind = 0; kind < kKinds.size(); ++kind) {
    if (!copied.not_held[kind]) continue;
    std::cout << "skipped " << counted(copied.not_held[kind], kind) << " that " << to.describe() << " cannot hold";
    if (kind == kEventIds) std::cout << ": an event seen before the copy counts again there if it is sent again";
    std::cout << '\n';
  }
  if (expired) std::cout << "skipped " << expired << (expired == 1 ? " key that" : " keys that") << " expired during the copy\n";
}

}  // namespace

int run_copy(const CommandArgs& args) {
  const Arguments arguments(args);
  if (printed_help(arguments, kUsage)) return 0;
  arguments.allow_only({"from", "to"});
  if (!arguments.positionals().empty()) throw UsageError("copy takes no positional arguments");
  const std::string from_url = arguments.required("from");
  const std::string to_url = arguments.required("to");
  if (from_url == to_url) throw UsageError("--from and --to are the same store " + from_url);

  const auto from = open_store(from_url, StoreCreation::nothing);
  const auto to = open_store(to_url, StoreCreation::file);
  if (same_store(from_url, *from, to_url, *to)) throw UsageError("--from " + from_url + " and --to " + to_url + " are the same store");
  const Copied copied = copy_keys(from->dump(wall_clock_ms()), *to);
  print_summary(copied, *from, *to);
  return 0;
}

}  // namespace ie::cli
