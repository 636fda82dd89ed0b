#pragma once
// The few JSON texts the browser module sends, written by hand: in the wasm build nlohmann/json
// costs ≈17 KB gzipped for what is, here, string escaping and number printing. Parsing stays in
// JavaScript (JSON.parse), so core needs only this writer.
#include <string>
#include <string_view>

#include "core/scalar.hpp"

namespace ie {

// A JSON string literal, quotes included. The text must be UTF-8; bytes of 0x80 and above are
// copied as they are, control characters are escaped.
void append_json_string(std::string& out, std::string_view text);

// null, true/false, integers in decimal, floats in their shortest round-trip form. JSON has no
// NaN or infinity: those are written as null rather than as text that no parser accepts.
void append_json_scalar(std::string& out, const Scalar& value);

}  // namespace ie
