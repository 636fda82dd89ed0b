#include "native/http/target.hpp"

#include "native/http/responses.hpp"

namespace ie::http {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decoded(std::string_view text, bool plus_is_space) {
  auto result = percent_decode(text, plus_is_space);
  if (!result) throw HttpError(bhttp::status::bad_request, "bad percent-encoding in the request target");
  return *std::move(result);
}

}  // namespace

std::optional<std::string> Target::param(const std::string& name) const {
  const auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  // Every request decodes its path, and paths rarely hold an escape.
  if (text.find_first_of(plus_is_space ? "%+" : "%") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_digit(text[i + 1]);
      const int low = hex_digit(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += plus_is_space && text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

Target parse_target(std::string_view target) {
  const auto question = target.find('?');
  Target result{decoded(target.substr(0, question), false), {}};
  if (question == std::string_view::npos) return result;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (!pair.empty()) {
      result.query[decoded(pair.substr(0, equals), true)] = equals == std::string_view::npos ? "" : decoded(pair.substr(equals + 1), true);
    }
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return result;
}

}  // namespace ie::http
