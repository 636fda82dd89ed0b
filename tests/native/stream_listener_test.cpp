// A live event stream listener never makes the publisher wait: it keeps a bounded backlog, loses
// its own oldest messages past it and says how many, and wakes its connection once per backlog.
// Records are rendered when taken, once for every listener.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "native/event_stream/event_stream.hpp"
#include "native/event_stream/packed_fields.hpp"

using namespace ie;

namespace {

struct Tracked {
  std::string name = "pull_package";
  std::int64_t user;
  std::string label = "npm";
};

// An event as the tracker hands it in, with the one counter it writes.
void add(LiveBatch& batch, const Tracked& tracked) {
  const Event event{tracked.name, tracked.user, std::nullopt, std::nullopt, {{"label", tracked.label}}};
  const CounterWrite write{CounterOperation::incr, CounterKey("{event_counters}_" + tracked.name)};
  batch.add({.event = &event, .event_id = "an-event-id", .received_at_ms = 1, .writes = {&write, 1}});
}

// A batch as the tracker publishes it.
std::shared_ptr<LiveBatch> batch(std::initializer_list<Tracked> events) {
  auto made = std::make_shared<LiveBatch>(events.size());
  for (const Tracked& tracked : events) add(*made, tracked);
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
    for (int i = 0; i < 50; ++i) add(*fifty, {.user = ++user});
    fifty->first_id = static_cast<std::uint64_t>(user) - 49;
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
  const std::string everything = all->take();
  CHECK(everything.find("id: 1\ndata: {\"name\":\"pull_package\"") != std::string::npos);
  CHECK(everything.find("id: 2\ndata: {\"name\":\"other\"") != std::string::npos);
  const std::string only_pulls = pulls->take();
  CHECK(users_in(only_pulls) == std::vector<std::int64_t>{1});
  const std::string& pull = published->data(0);
  CHECK(&published->data(0) == &pull);
  CHECK(only_pulls.find(pull) != std::string::npos);
  const nlohmann::json data = nlohmann::json::parse(pull);
  CHECK(data["keys"] == nlohmann::json{"{event_counters}_pull_package"});
  CHECK(data["snowplow"].is_null());  // no copy queued and none to preview
  all->close();
  pulls->close();
  stream.publish(batch({{.user = 3}}));
  CHECK_FALSE(stream.listening());
  CHECK(all->take().empty());
  CHECK(stream.published_total() == 3);
}

TEST_CASE("the stream recycles a batch once every listener has let go of it, and it renders what it holds now") {
  EventStream stream;
  const auto listener = stream.listen({});
  const auto fill = [&](std::int64_t user, std::string label) {
    auto made = stream.batch(1);
    add(*made, {.user = user, .label = std::move(label)});
    return made;
  };
  auto first = fill(1, "npm");
  const LiveBatch* first_address = first.get();
  stream.publish(std::move(first));
  CHECK(users_in(listener->take()) == std::vector<std::int64_t>{1});  // the listener let go of it
  auto second = fill(2, "maven");
  CHECK(second.get() == first_address);
  CHECK(second->size() == 1);
  const nlohmann::json data = nlohmann::json::parse(second->data(0));
  CHECK(data["identifiers"]["user"] == 2);
  CHECK(data["properties"]["label"] == "maven");
  CHECK(data["keys"].size() == 1);  // the last use's key is not kept beside this one
  CHECK(data["event_id"] == "an-event-id");
  listener->close();
}

TEST_CASE("the pool keeps a bounded number of batches, and none that held much") {
  const auto pool = LiveBatchPool::make();
  std::vector<std::shared_ptr<LiveBatch>> taken;
  for (std::size_t i = 0; i < LiveBatchPool::kKeptBatches + 5; ++i) taken.push_back(pool->take(50));
  taken.clear();
  CHECK(pool->kept() == LiveBatchPool::kKeptBatches);

  const auto small = LiveBatchPool::make();
  small->take(LiveBatchPool::kKeptBytes);  // records' room alone is past the bound
  CHECK(small->kept() == 0);
  auto heavy = small->take(1);
  add(*heavy, {.user = 1, .label = std::string(LiveBatchPool::kKeptBytes, 'x')});
  heavy.reset();
  CHECK(small->kept() == 0);
  small->take(1);
  CHECK(small->kept() == 1);
}

TEST_CASE("packed properties unpack as they were, of every kind") {
  const Fields fields{{"a_null", nullptr}, {"flag", true}, {"label", std::string("npm")}, {"count", std::int64_t{-7}}, {"value", 2.5}, {"empty", std::string()}};
  std::string packed = "before";
  pack_fields(fields, packed);
  CHECK(unpack_fields(std::string_view(packed).substr(6), fields.size()) == fields);
}

TEST_CASE("a record keeps what rendering needs: identifiers, keys each once, a forwarded event without counters") {
  LiveBatch batch(2);
  const Event event{"pull_package", 1, 7, 9, {{"label", std::string("npm")}}};
  const CounterWrite writes[] = {{CounterOperation::pfadd, CounterKey("{hll_counters}_pull_package-user"), "1"},
                                 {CounterOperation::incr, CounterKey("{event_counters}_pull_package")},
                                 {CounterOperation::pfadd, CounterKey("{hll_counters}_pull_package-user"), "1"}};
  batch.add({.event = &event, .origin = snowplow::Origin::browser, .event_id = "e-1", .received_at_ms = 1, .writes = writes});
  batch.add({.event = nullptr, .origin = snowplow::Origin::tp2, .event_id = "e-2", .queued_copy = R"({"e":"pv"})"});
  const nlohmann::json counted = nlohmann::json::parse(batch.data(0));
  CHECK(counted["identifiers"] == nlohmann::json{{"user", 1}, {"project", 7}, {"namespace", 9}});
  CHECK(counted["keys"] == nlohmann::json{"{hll_counters}_pull_package-user", "{event_counters}_pull_package"});
  CHECK(counted["source"] == "browser");
  const nlohmann::json forwarded = nlohmann::json::parse(batch.data(1));
  CHECK(forwarded["name"] == std::string(LiveBatch::kForwardedOnly));
  CHECK(forwarded["counted"] == false);
  CHECK(forwarded["keys"].empty());
  CHECK(forwarded["snowplow"]["queued"] == true);
  CHECK(batch.name(1) == LiveBatch::kForwardedOnly);
  CHECK(batch.estimated_bytes() == batch.estimated_bytes(0) + batch.estimated_bytes(1));
}
