// A direct msgpack reader and writer for the few encodings frames and simple payloads use.
//
// msgpack-c's generic unpacker builds a tree of objects in a zone (thousands of instructions
// for a frame of a few dozen bytes); the endpoint reads every frame and payload, so the hot
// path reads them here instead, bounds-checked, and falls back to msgpack-c for whatever this
// reader does not take (other encodings, other types). Readers return false, consuming nothing
// useful, on anything they do not take; callers then use the generic path, which decides and
// explains. What they do take, msgpack-c reads to the same values.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

namespace gtype::rt {

class WireReader {
 public:
  explicit WireReader(std::string_view bytes)
      : at_(reinterpret_cast<const unsigned char*>(bytes.data())), end_(at_ + bytes.size()) {}

  bool done() const { return at_ == end_; }

  bool array(std::uint32_t* size) {
    if (at_ == end_) return false;
    const unsigned char tag = *at_;
    if ((tag & 0xF0) == 0x90) {
      ++at_;
      *size = tag & 0x0F;
      return true;
    }
    if (tag == 0xDC) return (++at_, big_endian(2, size));
    if (tag == 0xDD) return (++at_, big_endian(4, size));
    return false;
  }

  // A non-negative integer, whatever its encoding.
  bool uint(std::uint64_t* value) {
    std::uint64_t magnitude = 0;
    bool negative = false;
    if (!integer(&magnitude, &negative) || negative) return false;
    *value = magnitude;
    return true;
  }

  // An integer that fits in 64 signed bits.
  bool int64(std::int64_t* value) {
    std::uint64_t bits = 0;
    bool negative = false;
    if (!integer(&bits, &negative)) return false;
    if (!negative && bits > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return false;
    *value = static_cast<std::int64_t>(bits);
    return true;
  }

  // float 32 or float 64 (integers are left to the generic path, which converts them).
  bool float64(double* value) {
    if (at_ == end_) return false;
    if (*at_ == 0xCA) {
      std::uint32_t bits = 0;
      if (!(++at_, big_endian(4, &bits))) return false;
      float f = 0;
      std::memcpy(&f, &bits, sizeof f);
      *value = f;
      return true;
    }
    if (*at_ != 0xCB) return false;
    std::uint64_t bits = 0;
    if (!(++at_, big_endian(8, &bits))) return false;
    std::memcpy(value, &bits, sizeof *value);
    return true;
  }

  bool boolean(bool* value) {
    if (at_ == end_ || (*at_ != 0xC2 && *at_ != 0xC3)) return false;
    *value = *at_++ == 0xC3;
    return true;
  }

  bool str(std::string_view* value) {
    if (at_ == end_) return false;
    const unsigned char tag = *at_;
    std::uint32_t size = 0;
    if ((tag & 0xE0) == 0xA0) {
      ++at_;
      size = tag & 0x1F;
    } else if (tag >= 0xD9 && tag <= 0xDB) {
      ++at_;
      if (!big_endian(std::size_t{1} << (tag - 0xD9), &size)) return false;
    } else {
      return false;
    }
    return body(size, value);
  }

  bool bin(std::string_view* value) {
    if (at_ == end_) return false;
    const unsigned char tag = *at_;
    if (tag < 0xC4 || tag > 0xC6) return false;
    ++at_;
    std::uint32_t size = 0;
    return big_endian(std::size_t{1} << (tag - 0xC4), &size) && body(size, value);
  }

 private:
  // Any integer encoding: its magnitude's bits (two's complement when negative).
  bool integer(std::uint64_t* bits, bool* negative) {
    if (at_ == end_) return false;
    const unsigned char tag = *at_;
    if (tag <= 0x7F || tag >= 0xE0) {  // positive / negative fixint
      ++at_;
      *bits = static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int8_t>(tag)));
      *negative = tag >= 0xE0;
      return true;
    }
    if (tag >= 0xCC && tag <= 0xCF) {  // uint 8..64
      ++at_;
      *negative = false;
      return big_endian(std::size_t{1} << (tag - 0xCC), bits);
    }
    if (tag >= 0xD0 && tag <= 0xD3) {  // int 8..64: sign-extend
      ++at_;
      const std::size_t width = std::size_t{1} << (tag - 0xD0);
      std::uint64_t raw = 0;
      if (!big_endian(width, &raw)) return false;
      const unsigned shift = static_cast<unsigned>(64 - 8 * width);
      const std::int64_t value = static_cast<std::int64_t>(raw << shift) >> shift;
      *bits = static_cast<std::uint64_t>(value);
      *negative = value < 0;
      return true;
    }
    return false;
  }

  template <typename T>
  bool big_endian(std::size_t width, T* value) {
    if (static_cast<std::size_t>(end_ - at_) < width || width > sizeof(T)) return false;
    T v = 0;
    for (std::size_t i = 0; i < width; ++i) v = static_cast<T>((v << 8) | at_[i]);
    at_ += width;
    *value = v;
    return true;
  }

  bool body(std::uint32_t size, std::string_view* value) {
    if (static_cast<std::size_t>(end_ - at_) < size) return false;
    *value = std::string_view(reinterpret_cast<const char*>(at_), size);
    at_ += size;
    return true;
  }

  const unsigned char* at_;
  const unsigned char* end_;
};

// Appends msgpack in its shortest encodings (as msgpack-c's packer writes them).
class WireWriter {
 public:
  explicit WireWriter(std::string* out) : out_(out) {}

  void array(std::uint32_t size) {
    if (size < 16) return byte(static_cast<unsigned char>(0x90 | size));
    if (size <= 0xFFFF) return (byte(0xDC), big_endian(size, 2));
    byte(0xDD);
    big_endian(size, 4);
  }

  void uint(std::uint64_t value) {
    if (value < 128) return byte(static_cast<unsigned char>(value));
    if (value <= 0xFF) return (byte(0xCC), big_endian(value, 1));
    if (value <= 0xFFFF) return (byte(0xCD), big_endian(value, 2));
    if (value <= 0xFFFFFFFF) return (byte(0xCE), big_endian(value, 4));
    byte(0xCF);
    big_endian(value, 8);
  }

  void str(std::string_view value) {
    const std::size_t n = value.size();
    if (n < 32) {
      byte(static_cast<unsigned char>(0xA0 | n));
    } else if (n <= 0xFF) {
      byte(0xD9), big_endian(n, 1);
    } else if (n <= 0xFFFF) {
      byte(0xDA), big_endian(n, 2);
    } else {
      byte(0xDB), big_endian(n, 4);
    }
    out_->append(value);
  }

  void bin(std::string_view value) {
    const std::size_t n = value.size();
    if (n <= 0xFF) {
      byte(0xC4), big_endian(n, 1);
    } else if (n <= 0xFFFF) {
      byte(0xC5), big_endian(n, 2);
    } else {
      byte(0xC6), big_endian(n, 4);
    }
    out_->append(value);
  }

 private:
  void byte(unsigned char b) { out_->push_back(static_cast<char>(b)); }
  void big_endian(std::uint64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) byte(static_cast<unsigned char>(value >> (8 * i)));
  }

  std::string* out_;
};

}  // namespace gtype::rt
