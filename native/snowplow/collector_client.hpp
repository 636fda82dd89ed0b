#pragma once
// One kept-alive HTTP/1.1 connection to a Snowplow collector, http:// or https:// (Beast's SSL
// stream over OpenSSL, certificates verified against the system's CAs or --collector-ca-file, and
// the host name checked). Used by the emitter thread only; not thread-safe.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ie::snowplow {

struct CollectorUrl {
  bool tls = false;
  std::string host;
  std::string port;  // "80" / "443" when the URL has none
  std::string path;  // the base path with /com.snowplowanalytics.snowplow/tp2 appended

  // "http[s]://HOST[:PORT][/BASE]"; throws std::invalid_argument naming what is wrong.
  static CollectorUrl parse(const std::string& url);
  std::string describe() const;  // the URL again, for logs
};

struct CollectorOptions {
  std::optional<std::string> ca_file;  // PEM: trusted instead of the system's CAs
  std::chrono::milliseconds timeout{10'000};  // connect, or one whole request and its answer
};

struct CollectorReply {
  int status = 0;               // 0: no answer (refused, reset, timed out, TLS failure)
  std::string error;            // why there was no answer
  std::string body_start;       // the first 200 bytes of the answer's body
  std::optional<std::string> retry_after;
};

class CollectorClient {
 public:
  CollectorClient(CollectorUrl url, CollectorOptions options);
  ~CollectorClient();
  CollectorClient(const CollectorClient&) = delete;
  CollectorClient& operator=(const CollectorClient&) = delete;

  // POSTs a payload_data body as application/json on the kept connection (opened, or reopened
  // after any failure, as needed). Never throws for network trouble: that is a reply with status 0.
  CollectorReply post(std::string_view body);

  const CollectorUrl& url() const;

  // From any thread: a post in progress ends at once with no answer (status 0).
  void cancel();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ie::snowplow
