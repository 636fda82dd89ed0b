// internal-events definitions new [DIR]: GitLab's generator (scripts/internal_events/cli.rb) for
// one event and its metrics. It asks, writes the files, checks the folder and shows how to track
// the event. The answers' rules and the files' text are core's (definition_draft.hpp,
// draft_yaml.hpp); this file asks the questions and touches the disk.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "core/draft_yaml.hpp"
#include "core/usage_snippets.hpp"
#include "native/cli/answers.hpp"
#include "native/cli/definitions_subcommands.hpp"
#include "native/definitions_loader.hpp"

namespace ie::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage = R"(usage: internal-events definitions new [DIR] [--description TEXT] [--action NAME] [--identifiers LIST]
         [--label-description TEXT] [--property-description TEXT] [--value-description TEXT]
         [--custom NAME:TYPE:DESCRIPTION]... [--no-properties] [--required LIST] [--product-group NAME]
         [--tiers LIST] [--metric LIST]... [--yes]

Asks, as GitLab's generator does, for a new event and the metrics that count it, then writes
DIR/events/ACTION.yml and one file per metric in DIR/metrics/counts_7d, counts_28d or counts_all
(DIR defaults to config), checks DIR as `definitions check` does and shows how to track the event.
Every question has a flag; a question whose flag is missing is asked when stdin is a terminal,
and is a usage error otherwise. Nothing is written before the last answer.

  --description TEXT            what the event tracks
  --action NAME                 the event's name, ^[a-z0-9_]+$, not defined in DIR yet
  --identifiers LIST            of user, project, namespace (comma separated), or none
  --label-description TEXT      the event carries a label (a string): what it holds
  --property-description TEXT   the event carries a property (a string): what it holds
  --value-description TEXT      the event carries a value (a number): what it holds
  --custom NAME:TYPE:TEXT       a custom property, TYPE string, number or boolean; repeatable
  --no-properties               none of the four above: the event carries no properties
  --required LIST               the properties every call must carry (for `definitions types`), or
                                none; only a question when the event has properties
  --product-group NAME          the group that owns the event (package_registry, …)
  --tiers LIST                  free,premium,ultimate | premium,ultimate | ultimate
  --metric LIST                 the metrics to create, comma separated, or none; repeatable:
                                  unique_users_7d, unique_users_28d (and _projects, _namespaces)
                                  total_7d, total_28d, total_all
                                  unique_labels_7d, unique_labels_28d (and _properties, _values)
                                each optionally followed by :PROPERTY=V1|V2… to count only the
                                events whose property equals one of the values, e.g.
                                  --metric 'unique_users_7d:label=rubygems|npm'
  --yes                         write the files without asking
)";

const std::set<std::string> kOptions = {"description", "action", "identifiers", "label-description", "property-description",
                                        "value-description", "custom", "no-properties", "required", "product-group", "tiers",
                                        "metric", "yes"};

struct BaseProperty {
  const char* name;
  PropertyType type;
  const char* question;
};

constexpr BaseProperty kBaseProperties[] = {
    {"label", PropertyType::string, "Does it carry a label (a string)? What it holds, or empty for none"},
    {"property", PropertyType::string, "Does it carry a property (a second string)? What it holds, or empty for none"},
    {"value", PropertyType::number, "Does it carry a value (a number)? What it holds, or empty for none"},
};

// A name defined already is a failure (exit 1) when given as a flag, and asked again at a terminal.
std::string name_answer(Answers& answers, const Arguments& arguments, const Definitions& existing) {
  while (true) {
    const std::string action = answers.ask("action", "Event name (lowercase letters, digits and underscores)", parse_action_answer);
    const auto taken = action_taken(action, existing);
    if (!taken) return action;
    if (arguments.option("action")) throw std::runtime_error(*taken);
    answers.out() << "  " << *taken << '\n';
  }
}

std::vector<PropertyDraft> flag_properties(const Arguments& arguments) {
  std::vector<PropertyDraft> properties;
  for (const auto& base : kBaseProperties) {
    const auto description = arguments.option(std::string(base.name) + "-description");
    if (description && !description->empty()) properties.push_back({base.name, base.type, *description, false});
  }
  for (const auto& custom : arguments.all("custom")) {
    try {
      properties.push_back(parse_custom_property_answer(custom));
    } catch (const std::invalid_argument& refused) {
      throw UsageError(std::string("--custom: ") + refused.what());
    }
  }
  return properties;
}

std::vector<PropertyDraft> asked_properties(Answers& answers) {
  const std::string flags = "--label-description, --property-description, --value-description or --custom (--no-properties for none)";
  answers.require_terminal(flags);
  std::vector<PropertyDraft> properties;
  for (const auto& base : kBaseProperties) {
    const std::string description = answers.read(flags, base.question);
    if (!description.empty()) properties.push_back({base.name, base.type, description, false});
  }
  while (true) {
    const std::string text = answers.read(flags, "A custom property as NAME:TYPE:DESCRIPTION (TYPE string, number or boolean), or empty when done");
    if (text.empty()) return properties;
    try {
      PropertyDraft custom = parse_custom_property_answer(text);
      const bool repeated = std::any_of(properties.begin(), properties.end(), [&](const auto& p) { return p.name == custom.name; });
      if (repeated) throw std::invalid_argument(custom.name + " is declared already");
      properties.push_back(std::move(custom));
    } catch (const std::invalid_argument& refused) {
      answers.out() << "  " << refused.what() << '\n';
    }
  }
}

bool properties_given(const Arguments& arguments) {
  for (const char* flag : {"label-description", "property-description", "value-description", "custom", "no-properties"}) {
    if (arguments.option(flag) || !arguments.all(flag).empty()) return true;
  }
  return false;
}

void ask_properties(Answers& answers, const Arguments& arguments, EventDraft& draft) {
  draft.properties = properties_given(arguments) ? flag_properties(arguments) : asked_properties(answers);
  if (draft.properties.empty()) return;
  std::string names;
  for (const auto& property : draft.properties) names += (names.empty() ? "" : ", ") + property.name;
  const auto required = answers.ask("required", "Which of " + names + " must every call carry? (comma separated, empty for none)",
                                    [&](const std::string& text) { return parse_required_answer(text, draft); });
  for (auto& property : draft.properties) {
    property.required = std::find(required.begin(), required.end(), property.name) != required.end();
  }
}

void show_metric_menu(std::ostream& out, const EventDraft& draft) {
  out << "Metrics GitLab's generator offers for " << draft.action << ":\n";
  const auto options = metric_options(draft);
  for (std::size_t i = 0; i < options.size(); ++i) {
    const std::string name = metric_choice_name(options[i]);
    out << "  " << (i + 1 < 10 ? " " : "") << i + 1 << ") " << name << std::string(name.size() < 22 ? 22 - name.size() : 1, ' ')
        << metric_description(draft.action, options[i]) << '\n';
  }
}

std::vector<MetricChoice> flag_metrics(const Arguments& arguments, const EventDraft& draft) {
  std::vector<MetricChoice> choices;
  for (const auto& list : arguments.all("metric")) {
    try {
      for (auto& choice : parse_metric_choices(list, draft)) choices.push_back(std::move(choice));
    } catch (const std::invalid_argument& refused) {
      throw UsageError(std::string("--metric: ") + refused.what());
    }
  }
  return choices;
}

void ask_metrics(Answers& answers, const Arguments& arguments, EventDraft& draft, const Definitions& existing) {
  const std::string question = "Metrics to create: numbers or names, comma separated, each optionally with :PROPERTY=V1|V2 (empty for none)";
  while (true) {
    if (!arguments.all("metric").empty()) {
      draft.metrics = flag_metrics(arguments, draft);
    } else {
      answers.require_terminal("--metric");
      show_metric_menu(answers.out(), draft);
      draft.metrics = answers.ask("metric", question, [&](const std::string& text) { return parse_metric_choices(text, draft); });
    }
    const auto problems = draft_problems(draft, existing);
    if (problems.empty()) return;
    if (!arguments.all("metric").empty()) throw std::runtime_error(problems.front());
    for (const auto& problem : problems) answers.out() << "  " << problem << '\n';
  }
}

EventDraft ask_draft(Answers& answers, const Arguments& arguments, const Definitions& existing) {
  EventDraft draft;
  draft.description = answers.ask("description", "Describe what the event tracks", parse_description_answer);
  draft.action = name_answer(answers, arguments, existing);
  draft.identifiers = answers.ask("identifiers", "Identifiers known when it happens: user, project, namespace (comma separated, empty for none)",
                                  parse_identifiers_answer);
  ask_properties(answers, arguments, draft);
  draft.product_group = answers.ask("product-group", "Product group that owns it (e.g. package_registry)", parse_product_group_answer);
  draft.tiers = answers.ask("tiers", "Tiers it is recorded on: free,premium,ultimate | premium,ultimate | ultimate", parse_tiers_answer,
                            "free,premium,ultimate");
  ask_metrics(answers, arguments, draft, existing);
  return draft;
}

// Refused before anything is written: a file of the draft's name that the folder has already,
// perhaps one that `definitions check` could not read.
void refuse_existing_files(const fs::path& folder, const std::vector<DraftFile>& files) {
  for (const auto& file : files) {
    if (fs::exists(folder / file.path)) throw std::runtime_error((folder / file.path).string() + " exists already; nothing written");
  }
}

void write_files(const fs::path& folder, const std::vector<DraftFile>& files, std::ostream& out) {
  for (const auto& file : files) {
    const fs::path path = folder / file.path;
    fs::create_directories(path.parent_path());
    std::ofstream stream(path, std::ios::binary);
    stream << file.text;
    if (!stream.flush()) throw std::runtime_error("cannot write " + path.string());
    out << "created " << path.string() << '\n';
  }
}

bool confirmed(Answers& answers, const Arguments& arguments, const fs::path& folder, const std::vector<DraftFile>& files) {
  if (arguments.flag("yes")) return true;
  answers.require_terminal("--yes");
  answers.out() << '\n';
  for (const auto& file : files) answers.out() << "  " << (folder / file.path).string() << '\n';
  while (true) {
    const std::string answer = answers.read("--yes", "Write these " + std::to_string(files.size()) + " files? (y/n)", "y");
    if (answer == "y" || answer == "yes") return true;
    if (answer == "n" || answer == "no") return false;
  }
}

}  // namespace

int run_definitions_new(const CommandArgs& args) {
  const Arguments arguments(args, {"yes", "no-properties"});
  arguments.allow_only(kOptions);
  if (printed_help(arguments, kUsage)) return 0;
  const auto& words = arguments.positionals();
  if (words.size() > 1) throw UsageError("expected at most one folder, DIR");
  const fs::path folder = words.empty() ? "config" : words[0];
  if (!fs::is_directory(folder)) throw std::runtime_error("no folder " + folder.string() + " for the definitions");

  const LoadedDefinitions loaded = read_definitions(folder);
  Answers answers(arguments, std::cin, std::cout, stdin_is_terminal());
  const EventDraft draft = ask_draft(answers, arguments, loaded.definitions);
  const std::vector<DraftFile> files = draft_files(draft);
  refuse_existing_files(folder, files);
  if (!confirmed(answers, arguments, folder, files)) {
    std::cout << "nothing written\n";
    return 0;
  }
  write_files(folder, files, std::cout);
  std::cout << '\n';
  const int checked = check_definitions(folder.string());
  std::cout << "\nTrack it:\n\n" << usage_snippets(draft_event_definition(draft));
  return checked;
}

}  // namespace ie::cli
