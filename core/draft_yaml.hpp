#pragma once
// The files `internal-events definitions new` writes for an EventDraft, in GitLab's format and
// layout: events/ACTION.yml, and one metric file per time frame in metrics/counts_7d, counts_28d or
// counts_all, with the fields and the order GitLab's generator writes (its NEW_EVENT_FIELDS and
// NEW_METRIC_FIELDS). Two additions of ours, which GitLab's loader ignores: a custom property's
// `type` and `required: true` (see PropertyDefinition).
#include <string>
#include <vector>

#include "core/definition_draft.hpp"

namespace ie {

struct DraftFile {
  std::string path;  // relative to the definitions folder: events/x.yml, metrics/counts_7d/y.yml
  std::string text;
};

std::string event_yaml(const EventDraft& draft);
std::string metric_yaml(const EventDraft& draft, const MetricChoice& choice);
// The event's file first, then its metrics' in the order chosen.
std::vector<DraftFile> draft_files(const EventDraft& draft);

// A string as a YAML scalar that reads back as that string: plain where that is safe (words,
// spaces, common punctuation), double-quoted with JSON's escapes otherwise ("16.0", "yes", "a: b").
std::string yaml_string(const std::string& text);

}  // namespace ie
