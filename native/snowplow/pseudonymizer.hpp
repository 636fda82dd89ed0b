#pragma once
// No raw user id leaves the receiver: the Snowplow copy carries
//   user_id        = base64(HMAC-SHA256(key = instance secret, message = "<id>"))
//   global_user_id = base64(HMAC-SHA256(key = instance secret, message = "<instance_id>:<id>"))
// 44 characters each, stable for one installation and unlinkable without its secret. The secret
// and the instance id are the store's settings, made by the first receiver that starts on it, so
// every receiver on one store gives a user the same pseudonym.
#include <cstdint>
#include <string>

#include "native/store/counter_store.hpp"

namespace ie::snowplow {

class Pseudonymizer {
 public:
  Pseudonymizer(std::string secret, std::string instance_id) : secret_(std::move(secret)), instance_id_(std::move(instance_id)) {}

  // Reads the store's secret and instance id, making them on first use.
  static Pseudonymizer of_store(CounterStore& store);

  std::string user_id(std::int64_t id) const;
  std::string global_user_id(std::int64_t id) const;
  const std::string& instance_id() const { return instance_id_; }

 private:
  std::string secret_;
  std::string instance_id_;
};

// 16 bytes from OpenSSL's generator, as a UUID v4: event ids of backend calls, the instance id.
std::string random_uuid();

}  // namespace ie::snowplow
