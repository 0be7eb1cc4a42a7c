// Envelope <-> bytes (msgpack), see envelope.h for the wire format.
//
// Encoding and the usual decoding go through the direct reader and writer of wire.h. A frame it
// does not read (other encodings, or wrong) goes to msgpack-c, which decides and says why.
// Decoding never trusts the bytes: msgpack's limits keep a forged length from allocating
// (arrays of at most 16 items, nesting of 2, no maps or ext), every field's type is checked,
// and trailing bytes are an error. Any exception msgpack throws becomes a kProtocolViolation
// Status. It does not check what the fields mean (protocol, roles, labels): the endpoint's
// monitor does.
#include <msgpack.hpp>

#include <exception>
#include <optional>
#include <string>

#include "gtype/rt/envelope.h"
#include "gtype/rt/wire.h"

namespace gtype::rt {
namespace {

constexpr std::string_view kMagic = "c12s";
constexpr std::uint64_t kVersion = 1;
constexpr std::uint32_t kFields = 9;
constexpr std::size_t kMaxName = 1024;          // protocol, role and label names
constexpr std::size_t kMaxPayload = 64u << 20;  // 64 MiB

Status bad(const std::string& what) {
  return Status{StatusCode::kProtocolViolation, "malformed frame: " + what};
}

// Strings and bins stay in the frame's bytes (decode copies what it keeps), so the zone
// only holds the array of fields.
bool reference_all(msgpack::type::object_type, std::size_t, void*) { return true; }

constexpr std::size_t kDecodeZone = 512;  // bytes: the 9 fields' objects, with room

}  // namespace

std::string encode(const EnvelopeView& e) {
  std::string bytes;
  bytes.reserve(48 + e.protocol.size() + e.from.size() + e.to.size() + e.label.size() + e.payload.size());
  WireWriter out(&bytes);
  out.array(kFields);
  out.str(kMagic);
  out.uint(kVersion);
  out.uint(static_cast<std::uint64_t>(e.kind));
  out.str(e.protocol);
  out.uint(e.session);
  out.str(e.from);
  out.str(e.to);
  out.str(e.label);
  out.bin(e.payload);
  return bytes;
}

std::string encode(const Envelope& e) {
  return encode(EnvelopeView{e.kind, e.protocol, e.session, e.from, e.to, e.label, e.payload});
}

namespace {

// The fast path of decode(): nullopt when the frame is not in the usual shape, or is wrong.
// It reads a frame in a few hundred instructions where msgpack's generic unpacker takes
// thousands; whatever it does not take goes to the generic path, which decides and says why.
std::optional<EnvelopeView> read_frame(std::string_view bytes) {
  WireReader in(bytes);
  std::uint32_t fields = 0;
  std::string_view magic, protocol, from, to, label, payload;
  std::uint64_t version = 0, kind = 0, session = 0;
  auto name = [&](std::string_view* out) { return in.str(out) && out->size() <= kMaxName; };
  if (!in.array(&fields) || fields != kFields || !in.str(&magic) || magic != kMagic || !in.uint(&version) ||
      version != kVersion || !in.uint(&kind) || kind > static_cast<std::uint64_t>(FrameKind::kAbort) ||
      !name(&protocol) || !in.uint(&session) || !name(&from) || !name(&to) || !name(&label) ||
      !in.bin(&payload) || payload.size() > kMaxPayload || !in.done()) {
    return std::nullopt;
  }
  return EnvelopeView{static_cast<FrameKind>(kind), protocol, session, from, to, label, payload};
}

std::string_view as_view(const msgpack::object& o) {
  return o.type == msgpack::type::BIN ? std::string_view(o.via.bin.ptr, o.via.bin.size)
                                      : std::string_view(o.via.str.ptr, o.via.str.size);
}

}  // namespace

Result<Envelope> decode(std::string_view bytes) {
  Result<EnvelopeView> view = decode_view(bytes);
  if (!view.ok()) return view.error();
  return Envelope{view->kind,
                  std::string(view->protocol),
                  view->session,
                  std::string(view->from),
                  std::string(view->to),
                  std::string(view->label),
                  std::string(view->payload)};
}

Result<EnvelopeView> decode_view(std::string_view bytes) {
  if (bytes.empty()) return bad("empty");
  if (std::optional<EnvelopeView> frame = read_frame(bytes)) return *frame;
  msgpack::zone zone(kDecodeZone);
  msgpack::object top;
  std::size_t offset = 0;
  try {
    const msgpack::unpack_limit limit(/*array=*/16, /*map=*/0, /*str=*/kMaxName, /*bin=*/kMaxPayload,
                                      /*ext=*/0, /*depth=*/2);
    bool referenced = false;
    top =
        msgpack::unpack(zone, bytes.data(), bytes.size(), offset, referenced, reference_all, nullptr, limit);
  } catch (const std::exception& ex) {
    return bad(std::string("not msgpack (") + ex.what() + ")");
  }
  if (offset != bytes.size()) return bad(std::to_string(bytes.size() - offset) + " trailing bytes");
  if (top.type != msgpack::type::ARRAY || top.via.array.size != kFields) {
    return bad("not an array of " + std::to_string(kFields) + " fields");
  }
  // Strings and bins point into `bytes` (reference_all), which the view may therefore keep.
  const msgpack::object* f = top.via.array.ptr;
  if (f[0].type != msgpack::type::STR || as_view(f[0]) != kMagic) return bad("wrong magic");
  if (f[1].type != msgpack::type::POSITIVE_INTEGER || f[1].via.u64 != kVersion)
    return bad("unsupported version");
  if (f[2].type != msgpack::type::POSITIVE_INTEGER ||
      f[2].via.u64 > static_cast<std::uint64_t>(FrameKind::kAbort)) {
    return bad("unknown kind");
  }
  if (f[4].type != msgpack::type::POSITIVE_INTEGER) return bad("session id is not an unsigned integer");
  if (f[3].type != msgpack::type::STR) return bad("protocol is not a string");
  if (f[5].type != msgpack::type::STR) return bad("sender role is not a string");
  if (f[6].type != msgpack::type::STR) return bad("receiver role is not a string");
  if (f[7].type != msgpack::type::STR) return bad("label is not a string");
  if (f[8].type != msgpack::type::BIN) return bad("payload is not binary");
  return EnvelopeView{static_cast<FrameKind>(f[2].via.u64),
                      as_view(f[3]),
                      f[4].via.u64,
                      as_view(f[5]),
                      as_view(f[6]),
                      as_view(f[7]),
                      as_view(f[8])};
}

}  // namespace gtype::rt
