// Membership messages on the wire: round trips, and garbled bytes that must be rejected with an
// error, never a crash or an exception.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <msgpack.hpp>

#include "c12s/membership/message.h"

namespace c12s::membership {
namespace {

using ::testing::HasSubstr;

Message sample() {
  return Message{
      MessageKind::kPingReq,
      0xFEDCBA9876543210ull,
      "node-3",
      {Update{"node-1", "10.0.0.1:7946", State::kAlive, 4}, Update{"node-3", "", State::kSuspect, 0},
       Update{"node-7", "10.0.0.7:7946", State::kDead, 12}}};
}

std::string expect_error(std::string_view bytes) {
  Decoded decoded = decode(bytes);
  EXPECT_FALSE(decoded.message.has_value());
  EXPECT_FALSE(decoded.error.empty());
  return decoded.error;
}

// Packs a 6-field message by hand, with `kind`, `state` and the member id given.
std::string forged(std::uint64_t kind, std::uint64_t state, const std::string& member) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> pk(buffer);
  pk.pack_array(6);
  pk.pack(std::string("swim"));
  pk.pack(std::uint64_t{1});
  pk.pack(kind);
  pk.pack(std::uint64_t{1});
  pk.pack(std::string("t"));
  pk.pack_array(1);
  pk.pack_array(4);
  pk.pack(member);
  pk.pack(std::string(""));
  pk.pack(state);
  pk.pack(std::uint64_t{0});
  return std::string(buffer.data(), buffer.size());
}

TEST(Message, RoundTrip) {
  Decoded back = decode(encode(sample()));
  ASSERT_TRUE(back.message.has_value()) << back.error;
  EXPECT_TRUE(back.error.empty());
  EXPECT_EQ(*back.message, sample());
}

TEST(Message, ForgedFieldsAreRejected) {
  EXPECT_TRUE(decode(forged(3, 2, "m")).message.has_value());  // the forger itself is right
  EXPECT_THAT(expect_error(forged(4, 0, "m")), HasSubstr("unknown kind"));
  EXPECT_THAT(expect_error(forged(0, 3, "m")), HasSubstr("unknown state"));
  EXPECT_THAT(expect_error(forged(0, 0, "")), HasSubstr("member"));
  EXPECT_THAT(expect_error(forged(0, 0, std::string(kMaxIdBytes + 1, 'x'))), HasSubstr("not msgpack"));
}

TEST(Message, GarbledBytesAreRejected) {
  const std::string good = encode(sample());
  EXPECT_THAT(expect_error(""), HasSubstr("empty"));
  EXPECT_THAT(expect_error(good + "x"), HasSubstr("trailing"));
  EXPECT_THAT(expect_error(std::string("\x91\x01", 2)), HasSubstr("fields"));
  std::string wrong_magic = good;
  wrong_magic[2] = 'S';  // fixarray, fixstr header, then "swim"
  EXPECT_THAT(expect_error(wrong_magic), HasSubstr("magic"));
  for (std::size_t n = 0; n < good.size(); ++n) expect_error(good.substr(0, n));  // every truncation
}

rc::Gen<Update> update_gen() {
  return rc::gen::build<Update>(
      rc::gen::set(&Update::member, rc::gen::nonEmpty(rc::gen::arbitrary<std::string>())),
      rc::gen::set(&Update::address, rc::gen::arbitrary<std::string>()),
      rc::gen::set(&Update::state,
                   rc::gen::map(rc::gen::inRange(0, 3), [](int s) { return static_cast<State>(s); })),
      rc::gen::set(&Update::incarnation, rc::gen::arbitrary<std::uint64_t>()));
}

rc::Gen<Message> message_gen() {
  return rc::gen::build<Message>(
      rc::gen::set(&Message::kind,
                   rc::gen::map(rc::gen::inRange(0, 4), [](int k) { return static_cast<MessageKind>(k); })),
      rc::gen::set(&Message::seq, rc::gen::arbitrary<std::uint64_t>()),
      rc::gen::set(&Message::target, rc::gen::arbitrary<std::string>()),
      rc::gen::set(&Message::updates, rc::gen::container<std::vector<Update>>(update_gen())));
}

RC_GTEST_PROP(MessageProperty, EncodeDecodeRoundTrip, ()) {
  const Message message = *message_gen();
  Decoded back = decode(encode(message));
  RC_ASSERT(back.message.has_value());
  RC_ASSERT(*back.message == message);
}

RC_GTEST_PROP(MessageProperty, RandomBytesGiveAMessageOrAnErrorNeverACrash, (const std::string& bytes)) {
  Decoded decoded = decode(bytes);
  RC_ASSERT(decoded.message.has_value() == decoded.error.empty());
  if (decoded.message) {
    // Whatever was accepted is a message we could have sent.
    RC_ASSERT(decode(encode(*decoded.message)).message == decoded.message);
  }
}

RC_GTEST_PROP(MessageProperty, CorruptedMessagesGiveAMessageOrAnError, ()) {
  std::string bytes = encode(*message_gen());
  const auto flips = *rc::gen::container<std::vector<std::pair<std::size_t, char>>>(
      rc::gen::pair(rc::gen::inRange<std::size_t>(0, bytes.size()), rc::gen::arbitrary<char>()));
  for (const auto& [at, value] : flips) bytes[at] = value;
  const std::size_t keep = *rc::gen::inRange<std::size_t>(0, bytes.size() + 1);
  Decoded decoded = decode(bytes.substr(0, keep));
  RC_ASSERT(decoded.message.has_value() == decoded.error.empty());
  if (keep < bytes.size() && flips.empty()) RC_ASSERT(!decoded.message.has_value());  // truncated
}

}  // namespace
}  // namespace c12s::membership
