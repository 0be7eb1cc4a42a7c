// Fuzz target: bytes as a frame, through the runtime's frame decoder (gtype/rt/envelope.h) and
// the direct msgpack reader under it (gtype/rt/wire.h); with the control plane, also as a SWIM
// message (c12s/membership/message.h) and as a topology read back from the state store's
// SQLite rows (endpoints/store/spec_codec.h).
//
// Besides "never crash", it checks what the decoders promise: decode and decode_view agree, and
// a frame (a SWIM message, a topology) that decodes encodes to bytes that decode to the same
// value (and are then in the shortest encoding, so encoding again gives the same bytes).
#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>

#include "gtype/rt/envelope.h"
#include "gtype/rt/wire.h"
#ifdef FUZZ_CONTROL_PLANE
#include "c12s/membership/message.h"
#include "spec_codec.h"
#endif

namespace {

using gtype::rt::Envelope;
using gtype::rt::EnvelopeView;

bool same(const Envelope& a, const EnvelopeView& b) {
  return a.kind == b.kind && a.protocol == b.protocol && a.session == b.session && a.from == b.from &&
         a.to == b.to && a.label == b.label && a.payload == b.payload;
}

bool same(const Envelope& a, const Envelope& b) {
  return same(a, EnvelopeView{b.kind, b.protocol, b.session, b.from, b.to, b.label, b.payload});
}

void check_frame(std::string_view bytes) {
  gtype::Result<Envelope> decoded = gtype::rt::decode(bytes);
  gtype::Result<EnvelopeView> view = gtype::rt::decode_view(bytes);
  assert(decoded.ok() == view.ok());
  if (!decoded.ok()) {
    assert(decoded.error().code() == gtype::StatusCode::kProtocolViolation);
    return;
  }
  assert(same(*decoded, *view));
  const std::string encoded = gtype::rt::encode(*decoded);
  gtype::Result<Envelope> again = gtype::rt::decode(encoded);
  assert(again.ok() && same(*decoded, *again));
  assert(gtype::rt::encode(*again) == encoded);
}

// Every reader of WireReader, one after the other, on whatever is left: each either takes a
// value or leaves the bytes to the next.
void read_values(std::string_view bytes) {
  gtype::rt::WireReader in(bytes);
  for (int steps = 0; steps < 64 && !in.done(); ++steps) {
    std::uint32_t size = 0;
    std::uint64_t u = 0;
    std::int64_t i = 0;
    double d = 0;
    bool b = false;
    std::string_view s;
    if (!(in.array(&size) || in.uint(&u) || in.int64(&i) || in.float64(&d) || in.boolean(&b) || in.str(&s) ||
          in.bin(&s))) {
      return;
    }
  }
}

#ifdef FUZZ_CONTROL_PLANE
void check_swim_message(std::string_view bytes) {
  const c12s::membership::Decoded decoded = c12s::membership::decode(bytes);
  assert(decoded.message.has_value() == decoded.error.empty());
  if (!decoded.message) return;
  const std::string encoded = c12s::membership::encode(*decoded.message);
  const c12s::membership::Decoded again = c12s::membership::decode(encoded);
  assert(again.message.has_value() && *again.message == *decoded.message);
}

void check_stored_topology(std::string_view bytes) {
  c12s::model::TopologySpec topology;
  std::string error;
  if (!c12s::store::decode_topology(bytes, &topology, &error)) return;
  const std::string encoded = c12s::store::encode_topology(topology);
  c12s::model::TopologySpec again;
  assert(c12s::store::decode_topology(encoded, &again, &error) && again == topology);
}
#endif

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_frame(bytes);
  read_values(bytes);
#ifdef FUZZ_CONTROL_PLANE
  check_swim_message(bytes);
  check_stored_topology(bytes);
#endif
  return 0;
}
