#include <doctest/doctest.h>

#include "core/usage_snippets.hpp"

using namespace ie;

TEST_CASE("the usage shows each way to track the event, with its identifiers and properties") {
  EventDefinition event;
  event.action = "pull_package";
  event.identifiers = {"namespace", "user"};
  event.additional_properties = {"value", "label", "count"};
  event.properties = {{"label", {"", PropertyType::string, false}}, {"value", {"", PropertyType::number, false}},
                      {"count", {"", PropertyType::number, false}}};
  const std::string text = usage_snippets(event);
  // Properties in name order, as the typed header's members are.
  CHECK(text.find("  tracker.track_event(\"pull_package\", {.user = user_id, .namespace_id = namespace_id}, "
                  "{{\"count\", 1}, {\"label\", std::string(\"example\")}, {\"value\", 1}});\n") != std::string::npos);
  CHECK(text.find("  ie::events::pull_package(tracker, {.user = user_id, .namespace_id = namespace_id}, "
                  "{.count = 1, .label = \"example\", .value = 1});\n") != std::string::npos);
  CHECK(text.find("  InternalEvents.track_event('pull_package', { count: 1, label: 'example', value: 1 });\n") != std::string::npos);
  CHECK(text.find("methods: { onClick() { this.trackEvent('pull_package', { count: 1, label: 'example', value: 1 }); } },") != std::string::npos);
  CHECK(text.find("<button data-event-tracking=\"pull_package\" data-event-label=\"example\" data-event-value=\"1\" "
                  "data-event-additional='{\"count\":1}'>…</button>") != std::string::npos);

  EventDefinition bare;
  bare.action = "view_page";
  const std::string plain = usage_snippets(bare);
  CHECK(plain.find("tracker.track_event(\"view_page\", {}, {});") != std::string::npos);
  CHECK(plain.find("InternalEvents.track_event('view_page');") != std::string::npos);
}
