#pragma once
// Where a key lives in a Redis Cluster, and the names our keys take there (DESIGN.md, "Redis
// Cluster"). GitLab pins every counter to one slot with the slot word in braces; on a cluster the
// braces move to the event name, so all the keys one event writes share a slot (its script stays
// atomic) and different events spread over the masters:
//
//   {hll_counters}_pull_package-user-2025-07   ─►  hll_counters_{pull_package}-user-2025-07
//   {event_counters}_pull_package              ─►  event_counters_{pull_package}
//   {event_ids}_<eid>  (of event pull_package) ─►  event_ids_{pull_package}_<eid>
//
// An event name is ^[a-z0-9_]+$, so in a GitLab key it runs from after "}_" to the first '-'.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ie {

inline constexpr std::uint16_t kClusterSlots = 16384;

// CRC16-CCITT (XMODEM: polynomial 0x1021, initial 0), as Redis's crc16.c computes it.
std::uint16_t crc16_xmodem(std::string_view bytes);

// CLUSTER KEYSLOT: CRC16 of the hash tag (the bytes between the first '{' and the first '}' after
// it, when there are any) or else of the whole key, modulo 16384.
std::uint16_t key_slot(std::string_view key);

// The cluster name of one of our GitLab-style counter keys ({hll_counters}_…, {event_counters}_…,
// {event_sums}_…); nullopt for any other key.
std::optional<std::string> cluster_counter_key(std::string_view gitlab_key);

// Its inverse, for `copy` and `export` out of a cluster; nullopt for any other key.
std::optional<std::string> gitlab_counter_key(std::string_view cluster_key);

// Where the cluster remembers one event's id: in the event's slot, beside its counters.
std::string cluster_event_id_key(std::string_view event, std::string_view event_id);

// One event's Snowplow outbox on a cluster, a stream in its slot, and the stream of its dead
// letters, in the same slot (requeuing them is one script). Emitters find the outboxes by the pattern.
std::string cluster_outbox_key(std::string_view event);        // internal_events:outbox_{EVENT}
std::string cluster_dead_letters_key(std::string_view event);  // internal_events:outbox_dead_{EVENT}
inline constexpr std::string_view kClusterOutboxPattern = "internal_events:outbox_{*}";

}  // namespace ie
