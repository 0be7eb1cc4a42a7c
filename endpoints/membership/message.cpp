// Message <-> bytes (msgpack), see message.h for the wire format.
//
// Decoding never trusts the bytes: msgpack's limits keep a forged length from allocating
// (arrays of at most kMaxUpdates items, strings of at most kMaxIdBytes, nesting of 3, no
// maps, bins or ext), every field's type and range is checked, and trailing bytes are an
// error. Any exception msgpack throws becomes an error. It does not check what the fields mean
// to a member (whether a seq matches a probe): Member does.
#include <msgpack.hpp>

#include <exception>
#include <string>

#include "c12s/membership/message.h"

namespace c12s::membership {
namespace {

constexpr std::string_view kMagic = "swim";
constexpr std::uint64_t kVersion = 1;
constexpr std::uint32_t kFields = 6;
constexpr std::uint32_t kUpdateFields = 4;

Decoded bad(std::string what) { return Decoded{std::nullopt, "malformed membership message: " + what}; }

bool as_string(const msgpack::object& o, std::string* out) {
  if (o.type != msgpack::type::STR) return false;
  out->assign(o.via.str.ptr, o.via.str.size);
  return true;
}

bool as_uint(const msgpack::object& o, std::uint64_t max, std::uint64_t* out) {
  if (o.type != msgpack::type::POSITIVE_INTEGER || o.via.u64 > max) return false;
  *out = o.via.u64;
  return true;
}

}  // namespace

const char* state_name(State state) {
  switch (state) {
    case State::kAlive:
      return "alive";
    case State::kSuspect:
      return "suspect";
    case State::kDead:
      return "dead";
  }
  return "?";
}

const char* message_kind_name(MessageKind kind) {
  switch (kind) {
    case MessageKind::kPing:
      return "ping";
    case MessageKind::kAck:
      return "ack";
    case MessageKind::kPingReq:
      return "ping_req";
    case MessageKind::kNack:
      return "nack";
  }
  return "?";
}

std::string encode(const Message& message) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> pk(buffer);
  pk.pack_array(kFields);
  pk.pack(kMagic);
  pk.pack(kVersion);
  pk.pack(static_cast<std::uint64_t>(message.kind));
  pk.pack(message.seq);
  pk.pack(message.target);
  pk.pack_array(static_cast<std::uint32_t>(message.updates.size()));
  for (const Update& update : message.updates) {
    pk.pack_array(kUpdateFields);
    pk.pack(update.member);
    pk.pack(update.address);
    pk.pack(static_cast<std::uint64_t>(update.state));
    pk.pack(update.incarnation);
  }
  return std::string(buffer.data(), buffer.size());
}

Decoded decode(std::string_view bytes) {
  if (bytes.empty()) return bad("empty");
  msgpack::object_handle handle;
  std::size_t offset = 0;
  try {
    const msgpack::unpack_limit limit(/*array=*/kMaxUpdates, /*map=*/0, /*str=*/kMaxIdBytes, /*bin=*/0,
                                      /*ext=*/0, /*depth=*/3);
    handle = msgpack::unpack(bytes.data(), bytes.size(), offset, nullptr, nullptr, limit);
  } catch (const std::exception& ex) {
    return bad(std::string("not msgpack (") + ex.what() + ")");
  }
  if (offset != bytes.size()) return bad(std::to_string(bytes.size() - offset) + " trailing bytes");
  const msgpack::object& top = handle.get();
  if (top.type != msgpack::type::ARRAY || top.via.array.size != kFields) {
    return bad("not an array of " + std::to_string(kFields) + " fields");
  }
  const msgpack::object* f = top.via.array.ptr;
  std::string magic;
  if (!as_string(f[0], &magic) || magic != kMagic) return bad("wrong magic");
  std::uint64_t version = 0;
  if (!as_uint(f[1], kVersion, &version) || version != kVersion) return bad("unsupported version");
  Message message;
  std::uint64_t kind = 0;
  if (!as_uint(f[2], static_cast<std::uint64_t>(MessageKind::kNack), &kind)) return bad("unknown kind");
  message.kind = static_cast<MessageKind>(kind);
  if (!as_uint(f[3], UINT64_MAX, &message.seq)) return bad("seq is not an unsigned integer");
  if (!as_string(f[4], &message.target)) return bad("target is not a string");
  if (f[5].type != msgpack::type::ARRAY) return bad("updates are not an array");
  const msgpack::object_array& updates = f[5].via.array;
  message.updates.reserve(updates.size);
  for (std::uint32_t i = 0; i < updates.size; ++i) {
    const std::string where = "update " + std::to_string(i) + ": ";
    const msgpack::object& u = updates.ptr[i];
    if (u.type != msgpack::type::ARRAY || u.via.array.size != kUpdateFields) {
      return bad(where + "not an array of " + std::to_string(kUpdateFields) + " fields");
    }
    const msgpack::object* g = u.via.array.ptr;
    Update update;
    if (!as_string(g[0], &update.member) || update.member.empty())
      return bad(where + "member is not a non-empty string");
    if (!as_string(g[1], &update.address)) return bad(where + "address is not a string");
    std::uint64_t state = 0;
    if (!as_uint(g[2], static_cast<std::uint64_t>(State::kDead), &state)) return bad(where + "unknown state");
    update.state = static_cast<State>(state);
    if (!as_uint(g[3], UINT64_MAX, &update.incarnation))
      return bad(where + "incarnation is not an unsigned integer");
    message.updates.push_back(std::move(update));
  }
  return Decoded{std::move(message), ""};
}

}  // namespace c12s::membership
