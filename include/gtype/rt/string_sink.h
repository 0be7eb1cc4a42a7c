// A msgpack output buffer that appends to a std::string.
//
// msgpack::sbuffer starts every buffer with an 8 KiB block and the bytes are then copied into
// a string anyway; frames and payloads are mostly a few dozen bytes. Used by the envelope codec
// and by the payloads of generated code.
#pragma once

#include <cstddef>
#include <string>

namespace gtype::rt {

struct StringSink {
  std::string* out;
  void write(const char* data, std::size_t size) { out->append(data, size); }
};

}  // namespace gtype::rt
