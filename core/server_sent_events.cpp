#include "core/server_sent_events.hpp"

#include <stdexcept>

namespace ie {

std::vector<ServerSentEvent> ServerSentEventReader::feed(std::string_view bytes) {
  std::vector<ServerSentEvent> done;
  while (!bytes.empty()) {
    const std::size_t end = bytes.find('\n');
    if (end == std::string_view::npos) {
      partial_line_.append(bytes);
      if (partial_line_.size() > kMaxLineBytes) throw std::runtime_error("the event stream sent a line longer than 16 MiB");
      break;
    }
    partial_line_.append(bytes.substr(0, end));
    bytes.remove_prefix(end + 1);
    std::string line = std::move(partial_line_);
    partial_line_.clear();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    take_line(line, done);
  }
  return done;
}

void ServerSentEventReader::take_line(std::string_view line, std::vector<ServerSentEvent>& done) {
  if (line.empty()) {
    if (has_data_) done.push_back(std::move(current_));
    current_ = ServerSentEvent{};
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "event") current_.type = value;
  else if (field == "id") current_.id = value;
  else if (field == "data") {
    if (has_data_) current_.data += '\n';
    current_.data.append(value);
    has_data_ = true;
  }
}

}  // namespace ie
