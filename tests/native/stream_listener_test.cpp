// A live event stream listener never makes the publisher wait: it keeps a bounded backlog, loses
// its own oldest messages past it and says how many, and wakes its connection once per backlog.
// Records are rendered when taken, once for every listener.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "native/event_stream/event_stream.hpp"

using namespace ie;

namespace {

std::shared_ptr<const LiveRecord> record(const std::string& name, std::int64_t user, std::string label = "npm") {
  auto made = std::make_shared<LiveRecord>();
  made->name = name;
  made->event = Event{name, user, std::nullopt, std::nullopt, {{"label", std::move(label)}}};
  made->keys.emplace_back("{event_counters}_" + name);
  made->estimate_size();
  return made;
}

std::uint64_t next_id = 1;
StreamListener::Message message(std::int64_t user, std::string label = "npm") { return {record("pull_package", user, std::move(label)), next_id++}; }

// The users of the tracked messages in a taken text, in order.
std::vector<std::int64_t> users_in(const std::string& taken) {
  std::vector<std::int64_t> users;
  std::size_t at = 0;
  while ((at = taken.find("data: {\"name\"", at)) != std::string::npos) {
    const std::size_t end = taken.find('\n', at);
    users.push_back(nlohmann::json::parse(taken.substr(at + 6, end - at - 6))["identifiers"]["user"].get<std::int64_t>());
    at = end;
  }
  return users;
}

}  // namespace

TEST_CASE("a listener is woken once for what arrives until it takes it") {
  StreamListener listener({});
  int wakes = 0;
  listener.on_ready([&] { ++wakes; });
  listener.push({message(1)});
  listener.push({message(2)});
  CHECK(wakes == 1);
  const std::string taken = listener.take();
  CHECK(users_in(taken) == std::vector<std::int64_t>{1, 2});
  CHECK(taken.starts_with("event: tracked\nid: "));
  CHECK(listener.take().empty());
  listener.push({message(3)});
  CHECK(wakes == 2);
}

TEST_CASE("what arrived before the connection was ready wakes it at once") {
  StreamListener listener({});
  listener.push({message(1)});
  int wakes = 0;
  listener.on_ready([&] { ++wakes; });
  CHECK(wakes == 1);
  CHECK(users_in(listener.take()) == std::vector<std::int64_t>{1});
}

TEST_CASE("a listener that does not keep up loses its oldest messages and is told how many") {
  StreamListener listener({});
  const std::int64_t sent = StreamListener::kMaxMessages + 25;
  for (std::int64_t user = 1; user <= sent; ++user) listener.push({message(user)});
  const std::string taken = listener.take();
  CHECK(taken.starts_with("event: lost\ndata: {\"lost\":25}\n\n"));
  const auto users = users_in(taken);
  CHECK(users.size() == StreamListener::kMaxMessages);
  CHECK(users.front() == 26);
  CHECK(users.back() == sent);
  CHECK(listener.lost_total() == 25);
  listener.push({message(0)});
  CHECK(users_in(listener.take()) == std::vector<std::int64_t>{0});  // told once
}

TEST_CASE("the backlog is bounded in bytes too") {
  StreamListener listener({});
  const std::string big(StreamListener::kMaxBytes / 8, 'x');  // each record counts it twice
  for (std::int64_t user = 1; user <= 8; ++user) listener.push({message(user, big)});
  const std::string taken = listener.take();
  CHECK(taken.starts_with("event: lost\ndata: {\"lost\":5}\n\n"));
  CHECK(users_in(taken) == std::vector<std::int64_t>{6, 7, 8});
}

TEST_CASE("the stream publishes to the listeners that want an event, renders it once, and forgets closed ones") {
  EventStream stream;
  CHECK_FALSE(stream.listening());
  const auto all = stream.listen({});
  const auto pulls = stream.listen({"pull_package"});
  CHECK(stream.listening());
  const auto pull = record("pull_package", 1);
  stream.publish({pull, record("other", 2)});
  const std::string everything = all->take();
  CHECK(everything.find("id: 1\ndata: {\"name\":\"pull_package\"") != std::string::npos);
  CHECK(everything.find("id: 2\ndata: {\"name\":\"other\"") != std::string::npos);
  const std::string only_pulls = pulls->take();
  CHECK(users_in(only_pulls) == std::vector<std::int64_t>{1});
  CHECK(&pull->data() == &pull->data());
  CHECK(only_pulls.find(pull->data()) != std::string::npos);
  const nlohmann::json data = nlohmann::json::parse(pull->data());
  CHECK(data["keys"] == nlohmann::json{"{event_counters}_pull_package"});
  CHECK(data["snowplow"].is_null());  // no copy queued and none to preview
  all->close();
  pulls->close();
  stream.publish({record("pull_package", 3)});
  CHECK_FALSE(stream.listening());
  CHECK(all->take().empty());
  CHECK(stream.published_total() == 3);
}
