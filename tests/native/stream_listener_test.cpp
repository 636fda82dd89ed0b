// A live event stream listener never makes the publisher wait: it keeps a bounded backlog, loses
// its own oldest messages past it and says how many, and wakes its connection once per backlog.
#include <doctest/doctest.h>

#include "native/event_stream/event_stream.hpp"

using namespace ie;

namespace {

StreamListener::Message message(const std::string& text) { return std::make_shared<const std::string>(text); }

}  // namespace

TEST_CASE("a listener is woken once for what arrives until it takes it") {
  StreamListener listener({});
  int wakes = 0;
  listener.on_ready([&] { ++wakes; });
  listener.push(message("a"));
  listener.push(message("b"));
  CHECK(wakes == 1);
  CHECK(listener.take() == "ab");
  CHECK(listener.take().empty());
  listener.push(message("c"));
  CHECK(wakes == 2);
}

TEST_CASE("what arrived before the connection was ready wakes it at once") {
  StreamListener listener({});
  listener.push(message("early"));
  int wakes = 0;
  listener.on_ready([&] { ++wakes; });
  CHECK(wakes == 1);
  CHECK(listener.take() == "early");
}

TEST_CASE("a listener that does not keep up loses its oldest messages and is told how many") {
  StreamListener listener({});
  const std::size_t sent = StreamListener::kMaxMessages + 25;
  for (std::size_t i = 0; i < sent; ++i) listener.push(message("m" + std::to_string(i) + ";"));
  const std::string taken = listener.take();
  CHECK(taken.starts_with("event: lost\ndata: {\"lost\":25}\n\n"));
  CHECK(taken.find("m24;") == std::string::npos);
  CHECK(taken.find("m25;") != std::string::npos);
  CHECK(taken.ends_with("m" + std::to_string(sent - 1) + ";"));
  CHECK(listener.lost_total() == 25);
  listener.push(message("next"));
  CHECK(listener.take() == "next");  // told once
}

TEST_CASE("the backlog is bounded in bytes too") {
  StreamListener listener({});
  const std::string big(StreamListener::kMaxBytes / 4 + 1, 'x');
  for (int i = 0; i < 8; ++i) listener.push(message(big));
  const std::string taken = listener.take();
  CHECK(taken.starts_with("event: lost\ndata: {\"lost\":5}\n\n"));
  CHECK(taken.size() < StreamListener::kMaxBytes + 64);
}

TEST_CASE("the stream publishes to the listeners that want an event, and forgets closed ones") {
  EventStream stream;
  CHECK_FALSE(stream.listening());
  const auto all = stream.listen({});
  const auto pulls = stream.listen({"pull_package"});
  CHECK(stream.listening());
  stream.publish({{"pull_package", R"({"n":1})"}, {"other", R"({"n":2})"}});
  CHECK(all->take() == "event: tracked\nid: 1\ndata: {\"n\":1}\n\nevent: tracked\nid: 2\ndata: {\"n\":2}\n\n");
  CHECK(pulls->take() == "event: tracked\nid: 1\ndata: {\"n\":1}\n\n");
  all->close();
  pulls->close();
  stream.publish({{"pull_package", "{}"}});
  CHECK_FALSE(stream.listening());
  CHECK(all->take().empty());
  CHECK(stream.published_total() == 3);
}
