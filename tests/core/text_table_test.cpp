// The monitor's tables fit the terminal: columns narrow in their order, cut cells end in "…",
// widths count characters rather than bytes, and escape codes are never counted or let through.
#include <doctest/doctest.h>

#include "core/text_table.hpp"

using namespace ie;

namespace {

const std::vector<TableColumn> kColumns{{"Name", false, 1, 4}, {"Note", false, 2, 4}, {"N", true, 0, 1}};

}  // namespace

TEST_CASE("columns are as wide as their widest cell; numbers right-aligned; the last column unpadded") {
  const auto lines = render_table(kColumns, {{{"pull"}, {"a note"}, {"7"}}, {{"push_package"}, {"x"}, {"12"}}}, 80, false);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "Name          Note     N");
  CHECK(lines[1] == "pull          a note   7");
  CHECK(lines[2] == "push_package  x       12");
}

TEST_CASE("a table too wide narrows the column that gives up first, then the next, never below its minimum") {
  const std::vector<TableRow> rows{{{"push_package_everywhere"}, {"a rather long note"}, {"1"}}};
  const auto narrowed = render_table(kColumns, rows, 30, false);
  CHECK(narrowed[1] == "push_package_everywh…  a r…  1");  // the note down to its header's width first
  for (const auto& line : narrowed) CHECK(display_width(line) <= 30);
  const auto both = render_table(kColumns, rows, 16, false);
  CHECK(both[1] == "push_p…  a r…  1");
  for (const auto& line : render_table(kColumns, rows, 5, false)) CHECK(display_width(line) <= 5);
}

TEST_CASE("UTF-8 counts by character, and a highlighted cell is wrapped in escapes that take no width") {
  CHECK(display_width("größe") == 5);
  CHECK(fit_to_width("größenordnung", 4) == "grö…");
  const auto lines = render_table(kColumns, {{{"größe", true}, {"ü"}, {"1", true}}}, 80, true);
  CHECK(lines[0] == "\x1b[1mName   Note  N\x1b[0m");
  CHECK(lines[1] == "\x1b[1;31mgröße\x1b[0m  ü     \x1b[1;31m1\x1b[0m");
  CHECK(display_width(lines[1]) == 14);
  // Cut through a styled line, the style still ends.
  CHECK(fit_to_width(lines[1], 3) == "\x1b[1;31mgr…\x1b[0m");
}

TEST_CASE("text from the tracked application cannot steer the terminal") {
  CHECK(printable("evil\x1b[2J\nline\ttab\x7f") == "evil?[2J?line?tab?");
}
