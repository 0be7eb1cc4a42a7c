// Envelope <-> bytes (msgpack), see envelope.h for the wire format.
//
// Decoding never trusts the bytes: msgpack's limits keep a forged length from allocating
// (arrays of at most 16 items, nesting of 2, no maps or ext), every field's type is checked,
// and trailing bytes are an error. Any exception msgpack throws becomes an Error. It does not
// check what the fields mean (protocol, roles, labels): the endpoint's monitor does.
#include <msgpack.hpp>

#include <exception>
#include <string>

#include "gtype/rt/envelope.h"

namespace gtype::rt {
namespace {

constexpr std::string_view kMagic = "c12s";
constexpr std::uint64_t kVersion = 1;
constexpr std::uint32_t kFields = 9;
constexpr std::size_t kMaxName = 1024;          // protocol, role and label names
constexpr std::size_t kMaxPayload = 64u << 20;  // 64 MiB

Error bad(std::string what) { return Error{ErrorCode::kProtocolViolation, "malformed frame: " + what}; }

bool as_string(const msgpack::object& o, std::string* out) {
  if (o.type != msgpack::type::STR) return false;
  out->assign(o.via.str.ptr, o.via.str.size);
  return true;
}

}  // namespace

std::string encode(const Envelope& e) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> pk(buffer);
  pk.pack_array(kFields);
  pk.pack(kMagic);
  pk.pack(kVersion);
  pk.pack(static_cast<std::uint64_t>(e.kind));
  pk.pack(e.protocol);
  pk.pack(static_cast<std::uint64_t>(e.session));
  pk.pack(e.from);
  pk.pack(e.to);
  pk.pack(e.label);
  pk.pack_bin(static_cast<std::uint32_t>(e.payload.size()));
  pk.pack_bin_body(e.payload.data(), static_cast<std::uint32_t>(e.payload.size()));
  return std::string(buffer.data(), buffer.size());
}

Result<Envelope> decode(std::string_view bytes) {
  if (bytes.empty()) return bad("empty");
  msgpack::object_handle handle;
  std::size_t offset = 0;
  try {
    const msgpack::unpack_limit limit(/*array=*/16, /*map=*/0, /*str=*/kMaxName, /*bin=*/kMaxPayload,
                                      /*ext=*/0, /*depth=*/2);
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
  if (f[1].type != msgpack::type::POSITIVE_INTEGER || f[1].via.u64 != kVersion)
    return bad("unsupported version");
  if (f[2].type != msgpack::type::POSITIVE_INTEGER ||
      f[2].via.u64 > static_cast<std::uint64_t>(FrameKind::kAbort)) {
    return bad("unknown kind");
  }
  if (f[4].type != msgpack::type::POSITIVE_INTEGER) return bad("session id is not an unsigned integer");
  Envelope e;
  e.kind = static_cast<FrameKind>(f[2].via.u64);
  e.session = f[4].via.u64;
  if (!as_string(f[3], &e.protocol)) return bad("protocol is not a string");
  if (!as_string(f[5], &e.from)) return bad("sender role is not a string");
  if (!as_string(f[6], &e.to)) return bad("receiver role is not a string");
  if (!as_string(f[7], &e.label)) return bad("label is not a string");
  if (f[8].type != msgpack::type::BIN) return bad("payload is not binary");
  e.payload.assign(f[8].via.bin.ptr, f[8].via.bin.size);
  return e;
}

}  // namespace gtype::rt
