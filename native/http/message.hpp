#pragma once
// The receiver's request and response types, and what a session knows about a request beyond its
// bytes: who sent it and whether the body was cut off at the size limit.
#include <boost/beast/http.hpp>
#include <exception>
#include <functional>
#include <memory>
#include <string>

namespace ie {
class StreamListener;  // native/event_stream/stream_listener.hpp
}

namespace ie::http {

namespace bhttp = boost::beast::http;

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

// Makes an answer where the session that writes it runs (its thread); what it throws is answered
// as an error.
using MakeResponse = std::function<Response()>;

// How an answer that waits for something (the tracking routes wait for a commit) arrives: called
// exactly once, from any thread (the store's), with what makes it. The caller's thread only hands
// it over; the answer is built on the session's thread.
using Later = std::function<void(MakeResponse)>;

struct Incoming {
  Request message;
  std::string client_address;
  bool body_too_large = false;  // the parser stopped at the body limit: only the header is known
  // Set by a route that answers with a stream (GET /-/events): once the answer is written, the
  // connection stays open for what this listener receives.
  std::shared_ptr<StreamListener> stream{};
};

}  // namespace ie::http
