#include <doctest/doctest.h>

#include "core/suggestion.hpp"

using namespace ie;

TEST_CASE("edit distance counts insertions, deletions and substitutions") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("serve", "serve") == 0);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("sreve", "serve") == 2);  // a swap is two edits in Levenshtein's count
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("stor", "store") == 1);
  CHECK(edit_distance("flaw", "lawn") == 2);
}

TEST_CASE("the allowance is two edits, or a third of a long word") {
  CHECK(typo_allowance("") == 2);
  CHECK(typo_allowance("store") == 2);
  CHECK(typo_allowance("abcdefgh") == 2);
  CHECK(typo_allowance("abcdefghi") == 3);
  CHECK(typo_allowance("i_code_review_user_apply_suggestion") == 11);
}

TEST_CASE("the closest known word within the allowance is suggested") {
  const std::vector<std::string> options = {"store", "definitions", "date", "json"};
  CHECK(closest_known("stor", options) == "store");
  CHECK(closest_known("defintions", options) == "definitions");
  CHECK(closest_known("jsno", options) == "json");
  CHECK(closest_known("colour", options) == std::nullopt);
  CHECK(closest_known("store", options) == std::nullopt);  // not a typo: nothing to suggest
  CHECK(closest_known("x", std::vector<std::string>{}) == std::nullopt);
}

TEST_CASE("a long name mistyped beyond two edits is still recognised, an unrelated one is not") {
  const std::vector<std::string> events = {"i_code_review_user_apply_suggestion", "pull_package", "i_analytics_dev_ops_adoption"};
  CHECK(closest_known("i_code_review_user_aply_sugestion", events) == "i_code_review_user_apply_suggestion");
  CHECK(closest_known("code_review_apply_suggestion", events) == "i_code_review_user_apply_suggestion");
  CHECK(closest_known("pul_pakage", events) == "pull_package");
  CHECK(closest_known("push_image", events) == std::nullopt);
}

TEST_CASE("of two equally close words the first given is suggested") {
  CHECK(closest_known("bat", {"cat", "hat"}) == "cat");
  CHECK(closest_known("bat", {"hat", "cat"}) == "hat");
  CHECK(closest_known("cart", {"card", "cat"}) == "card");
}
