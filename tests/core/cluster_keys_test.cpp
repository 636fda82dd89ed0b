// Slots and key names on a Redis Cluster. tests/native/redis_cluster_test.cpp checks key_slot
// against a real cluster's CLUSTER KEYSLOT for thousands of random keys.
#include <doctest/doctest.h>

#include "core/cluster_keys.hpp"

using namespace ie;

TEST_CASE("CRC16 is XMODEM's, and slots are Redis's") {
  CHECK(crc16_xmodem("123456789") == 0x31C3);  // the check value of CRC-16/XMODEM
  CHECK(crc16_xmodem("") == 0);
  CHECK(key_slot("foo") == 12182);  // as CLUSTER KEYSLOT answers
  CHECK(key_slot("somekey") == 11058);
  CHECK(key_slot("hello") == 866);
}

TEST_CASE("a hash tag is the text in the first braces, when there is any") {
  CHECK(key_slot("{user1000}.following") == key_slot("user1000"));
  CHECK(key_slot("{user1000}.followers") == key_slot("{user1000}.following"));
  CHECK(key_slot("foo{}{bar}") == crc16_xmodem("foo{}{bar}") % kClusterSlots);  // empty tag: the whole key
  CHECK(key_slot("foo{{bar}}zap") == key_slot("{bar"));
  CHECK(key_slot("foo{bar}{zap}") == key_slot("bar"));
  CHECK(key_slot("no{close") == crc16_xmodem("no{close") % kClusterSlots);
}

TEST_CASE("counter keys move their braces to the event name, and back") {
  CHECK(cluster_counter_key("{hll_counters}_pull_package-user-2025-07") == "hll_counters_{pull_package}-user-2025-07");
  CHECK(cluster_counter_key("{event_counters}_pull_package") == "event_counters_{pull_package}");
  CHECK(cluster_counter_key("{event_sums}_pull_package-operator:sum(value)") == "event_sums_{pull_package}-operator:sum(value)");
  CHECK(cluster_counter_key("{event_counters}_x-filter:[label:a-b]-2021-01") == "event_counters_{x}-filter:[label:a-b]-2021-01");
  CHECK_FALSE(cluster_counter_key("{event_ids}_abc"));
  CHECK_FALSE(cluster_counter_key("{hll_counters}_"));
  CHECK_FALSE(cluster_counter_key("{hll_counters}_-user"));
  CHECK_FALSE(cluster_counter_key("hll_counters_pull_package"));
  for (const char* key : {"{hll_counters}_pull_package-user-2025-07", "{event_counters}_pull_package", "{event_sums}_x-operator:sum(value)-2020-53"}) {
    CHECK(gitlab_counter_key(*cluster_counter_key(key)) == key);
  }
  CHECK_FALSE(gitlab_counter_key("{hll_counters}_pull_package"));
  CHECK_FALSE(gitlab_counter_key("hll_counters_{}"));
  CHECK(key_slot(*cluster_counter_key("{hll_counters}_pull_package-user-2025-07")) == key_slot("pull_package"));
  CHECK(key_slot(cluster_event_id_key("pull_package", "7d8f6a52")) == key_slot("pull_package"));
  CHECK(cluster_event_id_key("pull_package", "7d8f6a52") == "event_ids_{pull_package}_7d8f6a52");
  CHECK(cluster_outbox_key("pull_package") == "internal_events:outbox_{pull_package}");
  CHECK(key_slot(cluster_outbox_key("pull_package")) == key_slot("pull_package"));
  CHECK(key_slot(cluster_dead_letters_key("pull_package")) == key_slot("pull_package"));
}
