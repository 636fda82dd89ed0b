#include "native/snowplow/pseudonymizer.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "core/event_payload.hpp"
#include "core/snowplow/payload.hpp"

namespace ie::snowplow {

namespace {

template <std::size_t N>
std::array<unsigned char, N> random_bytes() {
  std::array<unsigned char, N> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("OpenSSL has no random bytes to give");
  return bytes;
}

std::string hmac_sha256_base64(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       digest, &length);
  return base64(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

std::string random_uuid() {
  const auto bytes = random_bytes<16>();
  UuidBytes uuid;
  std::copy(bytes.begin(), bytes.end(), uuid.begin());
  return format_uuid_v4(uuid);
}

Pseudonymizer Pseudonymizer::of_store(CounterStore& store) {
  const auto secret = random_bytes<32>();
  std::string secret_text;
  for (const unsigned char byte : secret) {
    constexpr const char* kHex = "0123456789abcdef";
    secret_text += kHex[byte >> 4];
    secret_text += kHex[byte & 15];
  }
  return Pseudonymizer(store.setting("instance_secret", secret_text), store.setting("instance_id", random_uuid()));
}

std::string Pseudonymizer::user_id(std::int64_t id) const { return hmac_sha256_base64(secret_, std::to_string(id)); }

std::string Pseudonymizer::global_user_id(std::int64_t id) const {
  return hmac_sha256_base64(secret_, instance_id_ + ":" + std::to_string(id));
}

}  // namespace ie::snowplow
