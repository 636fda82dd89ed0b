#pragma once
// Filter values become part of counter keys. Anything outside [A-Za-z0-9_:-] is percent-encoded
// (UTF-8 bytes, upper-case hex), so every value yields a valid key and no value can forge the
// `,` `]` `-` structure of another key.
#include <string>
#include <string_view>

namespace ie {

std::string encode_key_part(std::string_view text);

}  // namespace ie
