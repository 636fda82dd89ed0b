// Identity tokens (native/http/identity.cpp): HS256 JWTs verified through libjwt. The first byte
// says what the rest is: 0 a token as a browser sends it; 1 a header and claims (JSON texts split
// at the first NUL) that this fuzzer signs with the receiver's secret, so that the claims reach the
// reading of exp, user_id, project_id and namespace_id; 2 claims to sign with sign_identity, which
// must verify back to themselves. A verified token has not expired and expires within 7 days.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "native/http/identity.hpp"

using ie::http::IdentityClaims;
using ie::http::IdentityVerifier;
using ie::http::InvalidIdentity;

namespace {

const std::string kSecret = "fuzzing-secret";
constexpr std::int64_t kNow = 1700000000;

std::string base64url(std::string_view bytes) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const unsigned char c : bytes) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) out += alphabet[(bits >> (count -= 6)) & 63];
  }
  if (count > 0) out += alphabet[(bits << (6 - count)) & 63];
  return out;
}

std::string signed_token(std::string_view header, std::string_view claims) {
  const std::string unsigned_part = base64url(header) + "." + base64url(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()), reinterpret_cast<const unsigned char*>(unsigned_part.data()),
       unsigned_part.size(), mac, &length);
  return unsigned_part + "." + base64url(std::string_view(reinterpret_cast<const char*>(mac), length));
}

void verify(const std::string& token) {
  try {
    const IdentityClaims claims = IdentityVerifier(kSecret).verify(token, kNow);
    if (claims.expires_at <= kNow) std::abort();  // expired, yet believed
    if (claims.expires_at - kNow > ie::http::kMaxIdentityLifetimeSeconds) std::abort();  // a long-lived credential
  } catch (const InvalidIdentity& error) {
    if (std::strlen(error.what()) == 0) std::abort();
  }
}

std::int64_t integer_at(std::string_view bytes, std::size_t index) {
  std::int64_t value = 0;
  if (bytes.size() >= (index + 1) * 8) std::memcpy(&value, bytes.data() + index * 8, 8);
  return value;
}

void round_trip(std::string_view bytes) {
  IdentityClaims claims{integer_at(bytes, 0), std::nullopt, std::nullopt, kNow + 1 + (integer_at(bytes, 3) & 0xffff)};
  if (bytes.size() >= 16) claims.project_id = integer_at(bytes, 1);
  if (bytes.size() >= 24) claims.namespace_id = integer_at(bytes, 2);
  const IdentityClaims read = IdentityVerifier(kSecret).verify(ie::http::sign_identity(kSecret, claims), kNow);
  if (read.user_id != claims.user_id || read.project_id != claims.project_id || read.namespace_id != claims.namespace_id ||
      read.expires_at != claims.expires_at) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: verify(std::string(rest)); break;
    case 1: {
      const auto nul = rest.find('\0');
      if (nul == std::string_view::npos) return 0;
      verify(signed_token(rest.substr(0, nul), rest.substr(nul + 1)));
      break;
    }
    default: round_trip(rest); break;
  }
  return 0;
}
