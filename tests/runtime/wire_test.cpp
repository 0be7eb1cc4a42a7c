// The direct msgpack reader and writer (gtype/rt/wire.h) against msgpack-c: the writer writes
// what msgpack-c's packer writes, and a payload the direct reader takes reads the same as with
// msgpack-c (gen/support.h's unpack_payload uses the one, then the other).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstring>
#include <msgpack.hpp>

#include "gtype/gen/support.h"
#include "gtype/rt/wire.h"

namespace gtype::rt {
namespace {

std::string packed(const std::function<void(msgpack::packer<msgpack::sbuffer>&)>& pack) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(buffer);
  pack(packer);
  return std::string(buffer.data(), buffer.size());
}

RC_GTEST_PROP(WireWriter, WritesWhatMsgpackWrites, (std::uint64_t value, const std::string& text)) {
  const auto shift = *rc::gen::inRange(0, 64);
  const std::uint64_t number = value >> shift;  // small numbers as often as large ones
  const std::uint32_t size = static_cast<std::uint32_t>(number & 0x1FFFF);
  std::string mine;
  WireWriter out(&mine);
  out.uint(number);
  out.str(text);
  out.bin(text);
  out.array(size);
  RC_ASSERT(mine == packed([&](auto& p) {
              p.pack(number);
              p.pack(text);
              p.pack_bin(static_cast<std::uint32_t>(text.size()));
              p.pack_bin_body(text.data(), static_cast<std::uint32_t>(text.size()));
              p.pack_array(size);
            }));
}

// One msgpack value in any of the encodings a writer may choose, mostly of the payload types.
std::string random_element() {
  const int kind = *rc::gen::inRange(0, 9);
  const std::int64_t n = *rc::gen::arbitrary<std::int64_t>() >> *rc::gen::inRange(0, 64);
  auto big_endian = [](std::uint64_t v, int width) {
    std::string b;
    for (int i = width - 1; i >= 0; --i) b.push_back(static_cast<char>(v >> (8 * i)));
    return b;
  };
  switch (kind) {
    case 0:
      return packed([&](auto& p) { p.pack(n); });  // shortest encoding
    case 1: {                                      // uint 8..64 of a non-negative value
      const int w = *rc::gen::inRange(0, 4);
      return std::string(1, static_cast<char>(0xCC + w)) + big_endian(static_cast<std::uint64_t>(n), 1 << w);
    }
    case 2: {  // int 8..64
      const int w = *rc::gen::inRange(0, 4);
      return std::string(1, static_cast<char>(0xD0 + w)) + big_endian(static_cast<std::uint64_t>(n), 1 << w);
    }
    case 3:
      return packed([&](auto& p) { p.pack(static_cast<double>(n) / 7.0); });
    case 4:
      return packed([&](auto& p) { p.pack(static_cast<float>(n)); });
    case 5:
      return packed([&](auto& p) { p.pack(n % 2 == 0); });
    case 6:
      return packed([&](auto& p) { p.pack(*rc::gen::arbitrary<std::string>()); });
    case 7: {  // a short string in a longer encoding
      const std::string s =
          *rc::gen::container<std::string>(*rc::gen::inRange(0, 8), rc::gen::character<char>());
      return std::string("\xd9", 1) + static_cast<char>(s.size()) + s;
    }
    default:
      return packed([&](auto& p) { p.pack_nil(); });
  }
}

std::string random_payload() {
  const std::uint32_t count = *rc::gen::inRange<std::uint32_t>(0, 6);
  std::string bytes = *rc::gen::element(0, 1) == 0 ? packed([&](auto& p) { p.pack_array(count); })
                                                   : std::string("\xdc\x00", 2) + static_cast<char>(count);
  for (std::uint32_t i = 0; i < count; ++i) bytes += random_element();
  if (*rc::gen::element(0, 1, 2, 3) == 0 && !bytes.empty()) {  // garble a byte
    bytes[*rc::gen::inRange<std::size_t>(0, bytes.size())] = *rc::gen::arbitrary<char>();
  }
  return bytes;
}

// Doubles compare by their bits, so that NaN reads equal to itself.
template <typename T>
bool same_value(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, double>) return std::memcmp(&a, &b, sizeof a) == 0;
  return a == b;
}

template <typename... T>
void check_agree(const std::string& bytes) {
  const auto direct = gen::unpack_payload<T...>(bytes);
  const auto generic = gen::detail::unpack_generic<T...>(bytes);
  RC_ASSERT(direct.has_value() == generic.has_value());
  if (!direct) return;
  const bool same = std::apply(
      [&](const auto&... d) {
        return std::apply([&](const auto&... g) { return (same_value(d, g) && ...); }, *generic);
      },
      *direct);
  RC_ASSERT(same);
}

RC_GTEST_PROP(WireReader, ReadsPayloadsAsMsgpackDoes, ()) {
  const std::string bytes = random_payload();
  check_agree<std::int64_t>(bytes);
  check_agree<std::uint64_t>(bytes);
  check_agree<double>(bytes);
  check_agree<bool>(bytes);
  check_agree<std::string>(bytes);
  check_agree<std::int64_t, std::string>(bytes);
  check_agree<std::uint64_t, double, bool>(bytes);
  check_agree<>(bytes);
}

TEST(WireReader, TakesEveryIntegerEncoding) {
  // -1 as negative fixint, int 8, int 64; 200 as uint 8, uint 64, int 16.
  EXPECT_EQ(gen::unpack_payload<std::int64_t>(std::string("\x91\xff", 2)), std::make_tuple(std::int64_t{-1}));
  EXPECT_EQ(gen::unpack_payload<std::int64_t>(std::string("\x91\xd0\xff", 3)),
            std::make_tuple(std::int64_t{-1}));
  EXPECT_EQ(gen::unpack_payload<std::int64_t>(std::string("\x91\xd3\xff\xff\xff\xff\xff\xff\xff\xff", 10)),
            std::make_tuple(std::int64_t{-1}));
  EXPECT_EQ(gen::unpack_payload<std::uint64_t>(std::string("\x91\xcc\xc8", 3)),
            std::make_tuple(std::uint64_t{200}));
  EXPECT_EQ(gen::unpack_payload<std::uint64_t>(std::string("\x91\xcf\0\0\0\0\0\0\0\xc8", 10)),
            std::make_tuple(std::uint64_t{200}));
  EXPECT_EQ(gen::unpack_payload<std::uint64_t>(std::string("\x91\xd1\x00\xc8", 4)),
            std::make_tuple(std::uint64_t{200}));
  // Out of range or of the wrong sign: refused by both readers.
  EXPECT_FALSE(gen::unpack_payload<std::uint64_t>(std::string("\x91\xff", 2)));
  EXPECT_FALSE(
      gen::unpack_payload<std::int64_t>(std::string("\x91\xcf\xff\xff\xff\xff\xff\xff\xff\xff", 10)));
  // An integer where a double is expected converts, as msgpack-c does.
  EXPECT_EQ(gen::unpack_payload<double>(std::string("\x91\x05", 2)), std::make_tuple(5.0));
}

// UINT64_MAX where a double is expected reads as 2^64; packing that again must not convert it
// to an integer (msgpack-c's range check lets 2^64 through: undefined behaviour, see
// string_sink.h; the sanitised fuzz build catches it). Whole doubles in range stay integers.
TEST(WireWriter, PacksADoubleOfTwoToThe64AsAFloat) {
  const auto read = gen::unpack_payload<double>(std::string("\x91\xcf\xff\xff\xff\xff\xff\xff\xff\xff", 10));
  ASSERT_TRUE(read);
  const double two_to_64 = std::get<0>(*read);
  EXPECT_EQ(two_to_64, 18446744073709551616.0);
  const std::string packed = gen::pack_payload(two_to_64);
  EXPECT_EQ(packed, std::string("\x91\xcb\x43\xf0\0\0\0\0\0\0", 10));
  EXPECT_EQ(gen::unpack_payload<double>(packed), std::make_tuple(two_to_64));
  EXPECT_EQ(gen::pack_payload(3.0), std::string("\x91\x03", 2));
  EXPECT_EQ(gen::pack_payload(-2.0), std::string("\x91\xfe", 2));
  EXPECT_EQ(gen::pack_payload(0.5), std::string("\x91\xcb\x3f\xe0\0\0\0\0\0\0", 10));
}

}  // namespace
}  // namespace gtype::rt
