// A msgpack output buffer that appends to a std::string.
//
// msgpack::sbuffer starts every buffer with an 8 KiB block and the bytes are then copied into
// a string anyway; frames and payloads are mostly a few dozen bytes. Used by the envelope codec
// and by the payloads of generated code.
#pragma once

#include <msgpack.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace gtype::rt {

struct StringSink {
  std::string* out;
  void write(const char* data, std::size_t size) { out->append(data, size); }
};

}  // namespace gtype::rt

// msgpack-c writes a double that holds a whole number as an integer, but its range check lets
// 2^64 through (double(UINT64_MAX) rounds up to it) and then converts it to uint64_t: undefined
// behaviour, reached by re-packing a double that a peer sent as the integer UINT64_MAX (found
// by fuzz_payload). The same encoding, with the bound exclusive, for every packer on StringSink.
namespace msgpack {
MSGPACK_API_VERSION_NAMESPACE(v1) {
  template <>
  inline packer<gtype::rt::StringSink>& packer<gtype::rt::StringSink>::pack_double(double d) {
    constexpr double kTwoTo64 = 18446744073709551616.0;
    constexpr double kMinusTwoTo63 = -9223372036854775808.0;
    if (d >= 0 && d < kTwoTo64 && d == static_cast<double>(static_cast<std::uint64_t>(d))) {
      pack_imp_uint64(static_cast<std::uint64_t>(d));
      return *this;
    }
    if (d < 0 && d >= kMinusTwoTo63 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
      pack_imp_int64(static_cast<std::int64_t>(d));
      return *this;
    }
    union {
      double f;
      std::uint64_t i;
    } mem;
    mem.f = d;
    char buf[9];
    buf[0] = static_cast<char>(0xcbu);
    _msgpack_store64(&buf[1], mem.i);
    append_buffer(buf, 9);
    return *this;
  }
}  // MSGPACK_API_VERSION_NAMESPACE(v1)
}  // namespace msgpack
