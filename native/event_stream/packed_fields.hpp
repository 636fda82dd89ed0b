#pragma once
// An event's properties packed into bytes appended to a buffer, and unpacked again: how the live
// event stream keeps them (live_batch.hpp) without a heap block per property.
//
//   per field: u32 name size, name bytes, u8 kind (the Scalar's index), then the value:
//              null nothing · bool 1 byte · int64 8 bytes · double 8 bytes · string u32 size, bytes
//
// Sizes and numbers are in the machine's own byte order: the bytes never leave the process.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/fields.hpp"

namespace ie {

void pack_fields(const Fields& fields, std::string& out);
// What pack_fields() appended, `count` fields of it.
Fields unpack_fields(std::string_view packed, std::size_t count);

}  // namespace ie
