// The text/event-stream of GET /-/events read back as the monitor reads it: whatever pieces the
// bytes come in, the same messages.
#include <doctest/doctest.h>

#include "core/live_event.hpp"
#include "core/server_sent_events.hpp"

using namespace ie;

namespace {

std::vector<ServerSentEvent> fed_in_pieces(std::string_view stream, std::size_t piece) {
  ServerSentEventReader reader;
  std::vector<ServerSentEvent> all;
  for (std::size_t at = 0; at < stream.size(); at += piece) {
    for (auto& message : reader.feed(stream.substr(at, piece))) all.push_back(std::move(message));
  }
  return all;
}

}  // namespace

TEST_CASE("the receiver's messages read back the same, fed whole or a byte at a time") {
  const std::string stream = ": connected\n\n" + server_sent_event("tracked", 17, R"({"name":"pull_package"})") + ": keep-alive\n\n" +
                             lost_events_message(12);
  for (const std::size_t piece : {stream.size(), std::size_t{1}, std::size_t{7}}) {
    CAPTURE(piece);
    const auto messages = fed_in_pieces(stream, piece);
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].type == "tracked");
    CHECK(messages[0].id == "17");
    CHECK(messages[0].data == R"({"name":"pull_package"})");
    CHECK(messages[1].type == "lost");
    CHECK(messages[1].id.empty());
    CHECK(messages[1].data == R"({"lost":12})");
  }
}

TEST_CASE("the format's other rules: CRLF lines, joined data lines, the default type, blocks without data") {
  ServerSentEventReader reader;
  const auto messages = reader.feed("data: one\r\ndata:two\r\n\r\nevent: empty\n\nid: 3\n\n");
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].type == "message");
  CHECK(messages[0].data == "one\ntwo");
  // An unfinished message waits for its blank line.
  CHECK(reader.feed("event: tracked\ndata: {}\n").empty());
  const auto finished = reader.feed("\n");
  REQUIRE(finished.size() == 1);
  CHECK(finished[0].type == "tracked");
}

TEST_CASE("a line that never ends is an error, not a reader that grows without bound") {
  ServerSentEventReader reader;
  const std::string mebibyte(1024 * 1024, 'x');
  CHECK_THROWS_WITH_AS(
      [&] {
        for (int i = 0; i < 17; ++i) reader.feed(mebibyte);
      }(),
      "the event stream sent a line longer than 16 MiB", std::runtime_error);
}
