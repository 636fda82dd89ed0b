#include "core/text_table.hpp"

#include <algorithm>
#include <numeric>

namespace ie {

namespace {

constexpr std::string_view kGap = "  ";
constexpr std::string_view kEllipsis = "\xe2\x80\xa6";

bool continues_code_point(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Steps over an escape sequence (ESC [ parameters final-byte) starting at `at`: its length, or 0.
std::size_t escape_length(std::string_view text, std::size_t at) {
  if (text[at] != '\x1b' || at + 1 >= text.size() || text[at + 1] != '[') return 0;
  std::size_t end = at + 2;
  while (end < text.size() && !(text[end] >= 0x40 && text[end] <= 0x7E)) ++end;
  return std::min(end + 1, text.size()) - at;
}

// Widths as wide as each column's widest cell, then narrowed until the line fits.
std::vector<std::size_t> column_widths(const std::vector<TableColumn>& columns, const std::vector<TableRow>& rows, std::size_t width) {
  std::vector<std::size_t> widths;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    std::size_t widest = display_width(columns[c].header);
    for (const auto& row : rows) {
      if (c < row.size()) widest = std::max(widest, display_width(row[c].text));
    }
    widths.push_back(widest);
  }
  const std::size_t gaps = columns.empty() ? 0 : kGap.size() * (columns.size() - 1);
  std::vector<std::size_t> order(columns.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return columns[a].give_up > columns[b].give_up; });
  for (const std::size_t c : order) {
    const std::size_t total = std::accumulate(widths.begin(), widths.end(), gaps);
    if (total <= width) break;
    const std::size_t floor = std::min(widths[c], columns[c].min_width);
    widths[c] = std::max(floor, widths[c] - std::min(widths[c], total - width));
  }
  return widths;
}

std::string padded(std::string_view text, std::size_t width, bool right_aligned) {
  std::string cell = fit_to_width(text, width);
  const std::string padding(width - display_width(cell), ' ');
  return right_aligned ? padding + cell : cell + padding;
}

std::string line_of(const std::vector<TableColumn>& columns, const std::vector<std::size_t>& widths, const TableRow& row,
                    bool styled, std::string_view style_all) {
  std::string line;
  if (styled && !style_all.empty()) line += style_all;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c) line += kGap;
    const TableCell empty;
    const TableCell& cell = c < row.size() ? row[c] : empty;
    const bool last = c + 1 == columns.size();
    // The last column is not padded: trailing blanks would only wrap a line that fits.
    const std::string text = last && !columns[c].right_aligned ? fit_to_width(cell.text, widths[c])
                                                               : padded(cell.text, widths[c], columns[c].right_aligned);
    if (styled && cell.highlighted) line.append(kHighlightOn).append(text).append(kStyleOff);
    else line += text;
  }
  if (styled && !style_all.empty()) line += kStyleOff;
  return line;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7F ? '?' : c;
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t at = 0; at < text.size();) {
    if (const std::size_t escape = escape_length(text, at)) {
      at += escape;
      continue;
    }
    if (!continues_code_point(static_cast<unsigned char>(text[at]))) ++width;
    ++at;
  }
  return width;
}

std::string fit_to_width(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::string out;
  bool styled = false;
  std::size_t kept = 0;
  for (std::size_t at = 0; at < text.size();) {
    if (const std::size_t escape = escape_length(text, at)) {
      out.append(text.substr(at, escape));
      styled = true;
      at += escape;
      continue;
    }
    const bool starts = !continues_code_point(static_cast<unsigned char>(text[at]));
    if (starts && kept + 1 == width) break;
    if (starts) ++kept;
    out += text[at++];
  }
  out.append(kEllipsis);
  if (styled) out.append(kStyleOff);
  return out;
}

std::vector<std::string> render_table(const std::vector<TableColumn>& columns, const std::vector<TableRow>& rows,
                                      std::size_t width, bool styled) {
  const std::vector<std::size_t> widths = column_widths(columns, rows, width);
  TableRow header;
  for (const auto& column : columns) header.push_back({column.header});
  std::vector<std::string> lines{line_of(columns, widths, header, styled, kHeaderOn)};
  for (const auto& row : rows) lines.push_back(line_of(columns, widths, row, styled, {}));
  // Columns that cannot narrow further still must not wrap: the screen's rows are counted.
  for (auto& line : lines) line = fit_to_width(line, width);
  return lines;
}

}  // namespace ie
