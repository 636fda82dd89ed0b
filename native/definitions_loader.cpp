#include "native/definitions_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

namespace ie {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: always a string
  static const std::regex null_pattern("^(~|null|Null|NULL|)$");
  static const std::regex true_pattern("^(true|True|TRUE)$");
  static const std::regex false_pattern("^(false|False|FALSE)$");
  static const std::regex integer_pattern("^[-+]?[0-9]+$");
  static const std::regex float_pattern("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  if (std::regex_match(text, null_pattern)) return nullptr;
  if (std::regex_match(text, true_pattern)) return true;
  if (std::regex_match(text, false_pattern)) return false;
  try {
    if (std::regex_match(text, integer_pattern)) return std::stoll(text);
    if (std::regex_match(text, float_pattern)) return std::stod(text);
  } catch (const std::out_of_range&) {
    return text;  // too large for a number: keep the digits
  }
  return text;
}

// A definition is a few dozen values a few levels deep. The limits stop what aliases can build: an
// anchor holding an alias to itself (`a: &x {b: *x}`) is a cycle, which recursed until the stack
// overflowed (found by the YAML fuzzer), and aliases of aliases multiply ("billion laughs").
constexpr int kMaxYamlDepth = 64;
constexpr std::size_t kMaxYamlValues = 100000;

class YamlToJson {
 public:
  json convert(const YAML::Node& node, int depth = 0) {
    if (depth > kMaxYamlDepth) {
      throw std::runtime_error("YAML nested more than " + std::to_string(kMaxYamlDepth) + " levels deep (an alias inside its own anchor?)");
    }
    if (++values_ > kMaxYamlValues) throw std::runtime_error("YAML with more than " + std::to_string(kMaxYamlValues) + " values (aliases of aliases?)");
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined: return nullptr;
      case YAML::NodeType::Scalar: return scalar_to_json(node);
      case YAML::NodeType::Sequence: {
        json list = json::array();
        for (const auto& item : node) list.push_back(convert(item, depth + 1));
        return list;
      }
      case YAML::NodeType::Map: {
        json object = json::object();
        for (const auto& entry : node) object[entry.first.as<std::string>()] = convert(entry.second, depth + 1);
        return object;
      }
    }
    return nullptr;
  }

 private:
  std::size_t values_ = 0;
};

std::vector<fs::path> yaml_files_under(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    const auto extension = entry.path().extension();
    if (entry.is_regular_file() && (extension == ".yml" || extension == ".yaml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parses one file and hands it to `add`; a file that is not YAML becomes an error naming it.
template <typename Add>
void load_file(const fs::path& file, DefinitionsBuilder& builder, Add add) {
  json document;
  try {
    document = yaml_to_json(read_file(file));
  } catch (const YAML::Exception& error) {
    builder.add_error({file.string(), "(file)",
                       "invalid YAML at line " + std::to_string(error.mark.line + 1) + ", column " +
                           std::to_string(error.mark.column + 1) + ": " + error.msg});
    return;
  } catch (const std::exception& error) {
    builder.add_error({file.string(), "(file)", error.what()});
    return;
  }
  (builder.*add)(document, file.string());
}

}  // namespace

json yaml_to_json(const std::string& yaml_text) { return YamlToJson().convert(YAML::Load(yaml_text)); }

LoadedDefinitions read_definitions(const fs::path& folder) {
  LoadedDefinitions loaded;
  DefinitionsBuilder builder;
  for (const char* part : {"events", "metrics"}) {
    if (!fs::is_directory(folder / part)) {
      builder.add_error({(folder / part).string(), "(folder)", "is missing: a definitions folder holds events/ and metrics/"});
    }
  }
  if (fs::is_directory(folder / "events")) {
    for (const auto& file : yaml_files_under(folder / "events")) {
      load_file(file, builder, &DefinitionsBuilder::add_event);
      ++loaded.event_files;
    }
  }
  if (fs::is_directory(folder / "metrics")) {
    for (const auto& file : yaml_files_under(folder / "metrics")) {
      load_file(file, builder, &DefinitionsBuilder::add_metric);
      ++loaded.metric_files;
    }
  }
  loaded.errors = builder.finish();
  loaded.ignored_metrics = builder.ignored_metrics();
  loaded.definitions = builder.take();
  return loaded;
}

Definitions load_definitions(const fs::path& folder) {
  LoadedDefinitions loaded = read_definitions(folder);
  if (!loaded.errors.empty()) {
    std::string message = "invalid definitions in " + folder.string() + ": " + loaded.errors.front().text();
    if (loaded.errors.size() > 1) message += " (and " + std::to_string(loaded.errors.size() - 1) + " more; run `internal-events definitions check`)";
    throw DefinitionsInvalid(message);
  }
  return std::move(loaded.definitions);
}

}  // namespace ie
