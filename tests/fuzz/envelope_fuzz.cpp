// Fuzz target: bytes as a frame, through the runtime's frame decoder (gtype/rt/envelope.h) and
// the direct msgpack reader under it (gtype/rt/wire.h).
//
// Besides "never crash", it checks what the decoder promises: decode and decode_view agree, and
// a frame that decodes encodes to a frame that decodes to the same envelope (and is then in the
// shortest encoding, so encoding it again gives the same bytes).
#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>

#include "gtype/rt/envelope.h"
#include "gtype/rt/wire.h"

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
  gtype::rt::Result<Envelope> decoded = gtype::rt::decode(bytes);
  gtype::rt::Result<EnvelopeView> view = gtype::rt::decode_view(bytes);
  assert(decoded.ok() == view.ok());
  if (!decoded.ok()) {
    assert(decoded.error().code == gtype::rt::ErrorCode::kProtocolViolation);
    return;
  }
  assert(same(*decoded, *view));
  const std::string encoded = gtype::rt::encode(*decoded);
  gtype::rt::Result<Envelope> again = gtype::rt::decode(encoded);
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_frame(bytes);
  read_values(bytes);
  return 0;
}
