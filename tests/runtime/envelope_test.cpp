// Envelopes on the wire: round trips, and garbled bytes that must be rejected, never crash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <msgpack.hpp>

#include "gtype/rt/envelope.h"

namespace gtype::rt {
namespace {

using ::testing::HasSubstr;

Envelope sample() {
  return Envelope{FrameKind::kConnect,        "Relay", 0xFEDCBA9876543210ull, "C", "S", "req",
                  std::string("\x91\xa1x", 3)};
}

bool same(const Envelope& a, const Envelope& b) {
  return a.kind == b.kind && a.protocol == b.protocol && a.session == b.session && a.from == b.from &&
         a.to == b.to && a.label == b.label && a.payload == b.payload;
}

TEST(Envelope, RoundTrip) {
  Result<Envelope> back = decode(encode(sample()));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_TRUE(same(*back, sample()));
}

TEST(Envelope, RejectsGarbage) {
  auto message = [](std::string_view bytes) {
    Result<Envelope> r = decode(bytes);
    EXPECT_FALSE(r.ok());
    if (r.ok()) return std::string();
    EXPECT_EQ(r.error().code(), StatusCode::kProtocolViolation);
    return r.error().message();
  };
  const std::string good = encode(sample());
  EXPECT_EQ(message(""), "malformed frame: empty");
  EXPECT_THAT(message(good.substr(0, good.size() - 2)), HasSubstr("malformed frame: not msgpack"));
  EXPECT_EQ(message(good + "x"), "malformed frame: 1 trailing bytes");
  std::string magic = good;
  magic.replace(magic.find("c12s"), 4, "c13s");
  EXPECT_EQ(message(magic), "malformed frame: wrong magic");
  EXPECT_EQ(message("\x93\x01\x02\x03"), "malformed frame: not an array of 9 fields");
  EXPECT_EQ(message("\xa6hello"), "malformed frame: not msgpack (insufficient bytes)");
  EXPECT_EQ(message("\xa4hello"), "malformed frame: 1 trailing bytes");

  msgpack::sbuffer buffer;  // a well-formed array whose fields have the wrong types
  msgpack::packer<msgpack::sbuffer> pk(buffer);
  pk.pack_array(9);
  pk.pack("c12s");
  pk.pack(1);
  pk.pack(0);
  pk.pack("P");
  pk.pack(-5);  // a session id must be unsigned
  pk.pack("A");
  pk.pack("B");
  pk.pack("l");
  pk.pack("not bin");
  EXPECT_EQ(message(std::string(buffer.data(), buffer.size())),
            "malformed frame: session id is not an unsigned integer");
  // An array header claiming four billion items must not allocate for them.
  EXPECT_THAT(message(std::string("\xdd\xff\xff\xff\xff", 5)), HasSubstr("malformed frame: not msgpack"));
}

// encode() writes the shortest form of each field; a frame from another msgpack writer may use
// longer ones (and signed integers for non-negative values), all of which must read the same.
TEST(Envelope, ReadsEveryEncodingOfItsFields) {
  auto frame = [](std::string_view kind_bytes) {
    std::string b("\xdc\x00\x09", 3);  // array 16
    b += std::string(
        "\xd9\x04"
        "c12s",
        6);                                         // str 8
    b += std::string("\xcf\0\0\0\0\0\0\0\x01", 9);  // uint 64
    b += kind_bytes;                                // kind
    b += std::string(
        "\xda\x00\x05"
        "Relay",
        8);                                       // str 16
    b += std::string("\xce\x00\x01\x00\x00", 5);  // uint 32: 65536
    b += std::string(
        "\xdb\x00\x00\x00\x01"
        "C",
        6);  // str 32
    b += std::string(
        "\xa1"
        "S",
        2);  // fixstr
    b += std::string(
        "\xd9\x03"
        "req",
        5);                                        // str 8
    b += std::string("\xc5\x00\x03\x91\xa1x", 6);  // bin 16
    return b;
  };
  Envelope expected = sample();
  expected.session = 65536;
  for (std::string_view kind :
       {std::string_view("\x01", 1), std::string_view("\xcc\x01", 2), std::string_view("\xd0\x01", 2),
        std::string_view("\xd3\0\0\0\0\0\0\0\x01", 9)}) {
    Result<Envelope> back = decode(frame(kind));
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_TRUE(same(*back, expected));
  }
  EXPECT_EQ(decode(frame("\x05")).error().message(), "malformed frame: unknown kind");
}

rc::Gen<Envelope> envelopes() {
  return rc::gen::build<Envelope>(
      rc::gen::set(&Envelope::kind,
                   rc::gen::map(rc::gen::inRange(0, 5), [](int k) { return static_cast<FrameKind>(k); })),
      rc::gen::set(&Envelope::protocol, rc::gen::arbitrary<std::string>()),
      rc::gen::set(&Envelope::session, rc::gen::arbitrary<std::uint64_t>()),
      rc::gen::set(&Envelope::from, rc::gen::arbitrary<std::string>()),
      rc::gen::set(&Envelope::to, rc::gen::arbitrary<std::string>()),
      rc::gen::set(&Envelope::label, rc::gen::arbitrary<std::string>()),
      rc::gen::set(&Envelope::payload, rc::gen::arbitrary<std::string>()));
}

RC_GTEST_PROP(EnvelopeProperty, EncodeDecodeRoundTrip, ()) {
  Envelope e = *envelopes();
  Result<Envelope> back = decode(encode(e));
  RC_ASSERT(back.ok());
  RC_ASSERT(same(*back, e));
}

// Whatever decode accepts, it reads the same way again after re-encoding.
void check_consistent(const std::string& bytes) {
  Result<Envelope> first = decode(bytes);
  if (!first.ok()) {
    RC_ASSERT(first.error().code() == StatusCode::kProtocolViolation);
    RC_ASSERT(first.error().message().rfind("malformed frame: ", 0) == 0);
    return;
  }
  Result<Envelope> second = decode(encode(*first));
  RC_ASSERT(second.ok());
  RC_ASSERT(same(*first, *second));
}

RC_GTEST_PROP(EnvelopeProperty, RandomBytesAreRejectedOrDecodeConsistently, (const std::string& bytes)) {
  check_consistent(bytes);
}

RC_GTEST_PROP(EnvelopeProperty, GarbledFramesAreRejectedOrDecodeConsistently, ()) {
  std::string bytes = encode(*envelopes());
  const int edits = *rc::gen::inRange(1, 4);
  for (int i = 0; i < edits && !bytes.empty(); ++i) {
    const std::size_t at = *rc::gen::inRange<std::size_t>(0, bytes.size());
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        bytes[at] = *rc::gen::arbitrary<char>();
        break;  // flip a byte
      case 1:
        bytes.resize(at);
        break;  // truncate
      default:
        bytes.insert(at, 1, *rc::gen::arbitrary<char>());  // insert a byte
    }
  }
  check_consistent(bytes);
}

}  // namespace
}  // namespace gtype::rt
