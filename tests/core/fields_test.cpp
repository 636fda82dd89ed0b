#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/counter_key.hpp"
#include "core/fields.hpp"

using namespace ie;

namespace {

std::vector<std::string> names(const Fields& fields) {
  std::vector<std::string> result;
  for (const auto& [name, value] : fields) result.push_back(name);
  return result;
}

}  // namespace

TEST_CASE("fields iterate in name order, as a std::map does, and the first of repeated names counts") {
  const Fields fields{{"value", 2.5}, {"label", std::string("diff")}, {"Label", true}, {"label", std::string("second")}};
  CHECK(names(fields) == std::vector<std::string>{"Label", "label", "value"});
  CHECK(fields.at("label") == Scalar{std::string("diff")});
  CHECK(fields.size() == 3);
}

TEST_CASE("fields are found, added, replaced and removed by name") {
  Fields fields;
  CHECK(fields.empty());
  CHECK(fields.find("user") == fields.end());
  CHECK_THROWS_AS(fields.at("user"), std::out_of_range);
  CHECK(fields["user"] == Scalar{nullptr});  // added as null, as std::map's operator[] adds a default
  fields["user"] = std::int64_t{7};
  fields.insert_or_assign("project", std::int64_t{1});
  fields.insert_or_assign("project", std::int64_t{2});
  CHECK(fields.try_emplace("project", std::int64_t{3}).second == false);
  CHECK(fields.at("project") == Scalar{std::int64_t{2}});
  CHECK(fields.count("user") == 1);
  CHECK(fields.contains("project"));
  CHECK(fields.erase("project") == 1);
  CHECK(fields.erase("project") == 0);
  CHECK(names(fields) == std::vector<std::string>{"user"});
}

TEST_CASE("erase_if keeps the order of what stays, and equality compares names and values") {
  Fields fields{{"a", nullptr}, {"b", std::int64_t{1}}, {"c", nullptr}, {"d", std::string("x")}};
  CHECK(erase_if(fields, [](const auto& field) { return std::holds_alternative<std::nullptr_t>(field.second); }) == 2);
  CHECK(fields == Fields{{"d", std::string("x")}, {"b", std::int64_t{1}}});
  CHECK_FALSE(fields == Fields{{"b", std::int64_t{1}}});
  const std::map<std::string, Scalar> map{{"z", true}, {"y", false}};
  CHECK(names(Fields(map)) == std::vector<std::string>{"y", "z"});
}

TEST_CASE("counter keys of the same text are one key, whoever builds them") {
  const std::string text = "{hll_counters}_i_code_review_user_apply_suggestion-user-2026-48";
  const CounterKey a(text);
  const CounterKey b(std::string_view(text).substr(0));
  const CounterKey other("{event_counters}_i_code_review_user_apply_suggestion");
  CHECK(a == b);
  CHECK(&a.str() == &b.str());
  CHECK(std::hash<CounterKey>{}(a) == std::hash<CounterKey>{}(b));
  CHECK_FALSE(a == other);
  CHECK(a == std::string_view(text));
  CHECK(a.starts_with("{hll_counters}_"));
  const std::string& as_string = a;
  CHECK(as_string == text);
}
