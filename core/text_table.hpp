#pragma once
// A table of text cells laid out for a terminal of a given width, as the monitor draws its two
// tables: columns as wide as their widest cell, narrowed (cells cut with "…") in the order given
// by each column's `give_up`, so that each line fits. Widths count code points, not bytes, so
// UTF-8 property values line up; escape codes for highlighting are added around a cell's padded
// text and never counted. Cells must be printable() text: a property value is the tracked
// application's data, and an escape code in it must not reach the terminal as one.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ie {

// What a highlighted cell is wrapped in: bold red, as GitLab's monitor marks a changed value.
inline constexpr std::string_view kHighlightOn = "\x1b[1;31m";
inline constexpr std::string_view kHeaderOn = "\x1b[1m";
inline constexpr std::string_view kStyleOff = "\x1b[0m";

struct TableColumn {
  std::string header;
  bool right_aligned = false;  // numbers
  int give_up = 0;             // the highest gives up its width first when the table is too wide
  std::size_t min_width = 3;
};

struct TableCell {
  std::string text;
  bool highlighted = false;
};

using TableRow = std::vector<TableCell>;

// The header line and one line per row, each at most `width` code points wide (before escapes).
// `styled` false leaves out every escape code.
std::vector<std::string> render_table(const std::vector<TableColumn>& columns, const std::vector<TableRow>& rows,
                                      std::size_t width, bool styled);

// Control characters (escape codes, line breaks, tabs) replaced by '?'.
std::string printable(std::string_view text);

// Code points in UTF-8 text, escape sequences not counted; cut to at most `width` of them, the
// last one "…" when cut (and the style reset when the text had escapes).
std::size_t display_width(std::string_view text);
std::string fit_to_width(std::string_view text, std::size_t width);

}  // namespace ie
