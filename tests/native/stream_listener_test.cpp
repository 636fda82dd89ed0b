// A live event stream listener never makes the publisher wait: it keeps a bounded backlog, loses
// its own oldest messages past it and says how many, and wakes its connection once per backlog.
// Records are rendered when taken, once for every listener.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "native/event_stream/event_stream.hpp"

using namespace ie;

namespace {

struct Tracked {
  std::string name = "pull_package";
  std::int64_t user;
  std::string label = "npm";
};

// A batch as the tracker publishes it.
std::shared_ptr<LiveBatch> batch(std::initializer_list<Tracked> events) {
  auto made = std::make_shared<LiveBatch>(events.size());
  for (const Tracked& tracked : events) {
    LiveRecord& record = made->add();
    record.event = Event{tracked.name, tracked.user, std::nullopt, std::nullopt, {{"label", tracked.label}}};
    record.keys.emplace_back("{event_counters}_" + tracked.name);
  }
  made->estimate_size();
  return made;
}

// A batch given straight to a listener, with message ids as a stream would number them.
std::uint64_t next_id = 1;
std::shared_ptr<const LiveBatch> numbered(std::initializer_list<Tracked> events) {
  auto made = batch(events);
  made->first_id = next_id;
  next_id += made->size();
  return made;
}
std::shared_ptr<const LiveBatch> message(std::int64_t user, std::string label = "npm") { return numbered({{.user = user, .label = std::move(label)}}); }

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
  listener.push(message(1));
  listener.push(message(2));
  CHECK(wakes == 1);
  const std::string taken = listener.take();
  CHECK(users_in(taken) == std::vector<std::int64_t>{1, 2});
  CHECK(taken.starts_with("event: tracked\nid: "));
  CHECK(listener.take().empty());
  listener.push(message(3));
  CHECK(wakes == 2);
}

TEST_CASE("what arrived before the connection was ready wakes it at once") {
  StreamListener listener({});
  listener.push(message(1));
  int wakes = 0;
  listener.on_ready([&] { ++wakes; });
  CHECK(wakes == 1);
  CHECK(users_in(listener.take()) == std::vector<std::int64_t>{1});
}

TEST_CASE("a listener that does not keep up loses its oldest messages and is told how many") {
  StreamListener listener({});
  const std::int64_t sent = StreamListener::kMaxMessages + 25;
  for (std::int64_t user = 1; user <= sent; ++user) listener.push(message(user));
  const std::string taken = listener.take();
  CHECK(taken.starts_with("event: lost\ndata: {\"lost\":25}\n\n"));
  const auto users = users_in(taken);
  CHECK(users.size() == StreamListener::kMaxMessages);
  CHECK(users.front() == 26);
  CHECK(users.back() == sent);
  CHECK(listener.lost_total() == 25);
  listener.push(message(0));
  CHECK(users_in(listener.take()) == std::vector<std::int64_t>{0});  // told once
}

TEST_CASE("a filtered listener keeps the events it wants of a mixed batch, in order, each with its id") {
  StreamListener listener({"pull_package", "third"});
  const auto mixed = numbered({{.user = 1}, {.name = "other", .user = 2}, {.user = 3}, {.name = "third", .user = 4},
                               {.name = "other", .user = 5}});
  listener.push(mixed);
  const std::string taken = listener.take();
  CHECK(users_in(taken) == std::vector<std::int64_t>{1, 3, 4});
  CHECK(taken.find("id: " + std::to_string(mixed->first_id + 3) + "\ndata: {\"name\":\"third\"") != std::string::npos);
}

TEST_CASE("a full backlog drops its oldest records across batches") {
  StreamListener listener({});
  listener.push(numbered({{.user = 1}, {.user = 2}, {.user = 3}}));
  for (std::int64_t user = 4; user < 4 + static_cast<std::int64_t>(StreamListener::kMaxMessages) - 3; ++user) listener.push(message(user));
  listener.push(numbered({{.user = 9001}, {.user = 9002}}));  // two past the bound: users 1 and 2 go
  const auto users = users_in(listener.take());
  CHECK(users.size() == StreamListener::kMaxMessages);
  CHECK(users.front() == 3);
  CHECK(users.back() == 9002);
  CHECK(listener.lost_total() == 2);
}

TEST_CASE("a stalled listener drops whole batches, oldest first, and counts every event in them") {
  StreamListener listener({});
  std::int64_t user = 0;
  const std::int64_t sent = 3000;  // past the bound many times over, 50 a batch
  for (int batches = 0; batches < sent / 50; ++batches) {
    auto fifty = std::make_shared<LiveBatch>(50);
    for (int i = 0; i < 50; ++i) {
      LiveRecord& record = fifty->add();
      record.event = Event{"pull_package", ++user, std::nullopt, std::nullopt, {}};
    }
    fifty->first_id = static_cast<std::uint64_t>(user) - 49;
    fifty->estimate_size();
    listener.push(fifty);
  }
  const std::string taken = listener.take();
  const std::int64_t lost = sent - static_cast<std::int64_t>(StreamListener::kMaxMessages);
  CHECK(taken.starts_with("event: lost\ndata: {\"lost\":" + std::to_string(lost) + "}\n\n"));
  const auto users = users_in(taken);
  CHECK(users.size() == StreamListener::kMaxMessages);
  CHECK(users.front() == lost + 1);
  CHECK(users.back() == sent);
}

TEST_CASE("the backlog is bounded in bytes too") {
  StreamListener listener({});
  const std::string big(StreamListener::kMaxBytes / 8, 'x');  // each record counts it twice
  for (std::int64_t user = 1; user <= 8; ++user) listener.push(message(user, big));
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
  const auto published = batch({{.user = 1}, {.name = "other", .user = 2}});
  stream.publish(published);
  const LiveRecord& pull = (*published)[0];
  const std::string everything = all->take();
  CHECK(everything.find("id: 1\ndata: {\"name\":\"pull_package\"") != std::string::npos);
  CHECK(everything.find("id: 2\ndata: {\"name\":\"other\"") != std::string::npos);
  const std::string only_pulls = pulls->take();
  CHECK(users_in(only_pulls) == std::vector<std::int64_t>{1});
  CHECK(&pull.data() == &pull.data());
  CHECK(only_pulls.find(pull.data()) != std::string::npos);
  const nlohmann::json data = nlohmann::json::parse(pull.data());
  CHECK(data["keys"] == nlohmann::json{"{event_counters}_pull_package"});
  CHECK(data["snowplow"].is_null());  // no copy queued and none to preview
  all->close();
  pulls->close();
  stream.publish(batch({{.user = 3}}));
  CHECK_FALSE(stream.listening());
  CHECK(all->take().empty());
  CHECK(stream.published_total() == 3);
}
