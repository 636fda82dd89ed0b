// The cluster store's decisions: what an error reply asks for, how long to keep trying, and the
// slot an event's script runs in.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/cluster_keys.hpp"
#include "core/cluster_routing.hpp"

using ie::ClusterReplyKind;

TEST_CASE("MOVED and ASK name the slot and the node to go to") {
  const auto moved = ie::classify_cluster_error("MOVED 3999 127.0.0.1:6381");
  CHECK(moved.kind == ClusterReplyKind::moved);
  CHECK(moved.slot == 3999);
  CHECK(moved.host == "127.0.0.1");
  CHECK(moved.port == 6381);

  const auto ask = ie::classify_cluster_error("ASK 16383 [::1]:7000");
  CHECK(ask.kind == ClusterReplyKind::ask);
  CHECK(ask.slot == 16383);
  CHECK(ask.host == "::1");
  CHECK(ask.port == 7000);
}

TEST_CASE("a malformed redirection is an error to report, not a place to go") {
  for (const char* error : {"MOVED", "MOVED 3999", "MOVED x 127.0.0.1:6381", "MOVED 16384 127.0.0.1:6381", "MOVED 1 127.0.0.1:0",
                            "MOVED 1 127.0.0.1:70000", "MOVED 1 :6381", "ASK 1 127.0.0.1", "MOVED 1 127.0.0.1:63a"}) {
    CAPTURE(error);
    CHECK(ie::classify_cluster_error(error).kind == ClusterReplyKind::done);
  }
}

TEST_CASE("refusals before anything ran are retried; other errors are not") {
  for (const char* error : {"TRYAGAIN Multiple keys request during rehashing of slot", "CLUSTERDOWN The cluster is down",
                            "LOADING Redis is loading the dataset in memory", "MASTERDOWN Link with MASTER is down",
                            "READONLY You can't write against a read only replica.", "CLUSTERDOWN"}) {
    CAPTURE(error);
    CHECK(ie::classify_cluster_error(error).kind == ClusterReplyKind::try_again);
  }
  for (const char* error : {"WRONGTYPE Operation against a key holding the wrong kind of value", "ERR unknown command",
                            "TRYAGAINX", "NOSCRIPT No matching script"}) {
    CAPTURE(error);
    CHECK(ie::classify_cluster_error(error).kind == ClusterReplyKind::done);
  }
}

TEST_CASE("retries wait 25-50 ms first, double to at most 800 ms, and stop within the budget") {
  CHECK(ie::cluster_retry_delay_ms(1, 0.0) == 25);
  CHECK(ie::cluster_retry_delay_ms(1, 0.999) < 50);
  CHECK(ie::cluster_retry_delay_ms(2, 0.0) == 50);
  CHECK(ie::cluster_retry_delay_ms(5, 0.0) == 400);
  CHECK(ie::cluster_retry_delay_ms(50, 0.0) == 400);
  CHECK(ie::cluster_retry_delay_ms(50, 0.999) < 800);
  CHECK(ie::cluster_retry_allowed(0, 800));
  CHECK(ie::cluster_retry_allowed(ie::kClusterRetryBudgetMs - 800, 800));
  CHECK_FALSE(ie::cluster_retry_allowed(ie::kClusterRetryBudgetMs - 799, 800));
  // Enough attempts fit for a failover of a few seconds.
  unsigned attempts = 0;
  for (std::uint32_t elapsed = 0, attempt = 1;; ++attempt) {
    const auto delay = ie::cluster_retry_delay_ms(attempt, 0.999);
    if (!ie::cluster_retry_allowed(elapsed, delay)) break;
    elapsed += delay;
    ++attempts;
  }
  CHECK(attempts >= 12);
}

TEST_CASE("an event's script runs under its name; one without counters under a tag its id picks") {
  CHECK(ie::cluster_event_tag("{hll_counters}_pull_package-user-2025-07", "e1") == "pull_package");
  CHECK(ie::cluster_event_tag("{event_counters}_pull_package", "") == "pull_package");
  CHECK(ie::cluster_event_tag("{event_sums}_pull_package-operator:sum(value)", "") == "pull_package");
  CHECK(ie::counter_key_event("{event_ids}_abc").empty());
  CHECK(ie::counter_key_event("other").empty());

  const std::string tag = ie::cluster_event_tag("", "11111111-1111-4111-8111-111111111111");
  CHECK(tag.starts_with("forwarded_"));
  CHECK(tag == ie::cluster_event_tag("", "11111111-1111-4111-8111-111111111111"));
  std::set<std::string> tags;
  for (int i = 0; i < 1000; ++i) tags.insert(ie::cluster_event_tag("", "eid-" + std::to_string(i)));
  CHECK(tags.size() == ie::kForwardedTags);
}

TEST_CASE("an event's keys on the cluster share the slot of its tag") {
  const std::string tag = ie::cluster_event_tag("{hll_counters}_pull_package-user-2025-07", "e1");
  const auto slot = ie::key_slot("{" + tag + "}");
  CHECK(ie::key_slot(*ie::cluster_counter_key("{hll_counters}_pull_package-user-2025-07")) == slot);
  CHECK(ie::key_slot(*ie::cluster_counter_key("{event_counters}_pull_package")) == slot);
  CHECK(ie::key_slot(ie::cluster_event_id_key(tag, "e1")) == slot);
  CHECK(ie::key_slot(ie::cluster_outbox_key(tag)) == slot);
  CHECK(ie::key_slot(ie::cluster_dead_letters_key(tag)) == slot);
}
