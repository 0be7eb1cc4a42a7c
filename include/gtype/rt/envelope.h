// The frame every message travels in, and its msgpack encoding.
//
// Wire format: a msgpack array [ "c12s", 1, kind, protocol, session, from, to, label, payload ]
// where payload is msgpack `bin` holding the message's payload values as a msgpack array.
// Decoding checks every field; a frame that does not decode is rejected, never delivered.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gtype/status.h"

namespace gtype::rt {

using SessionId = std::uint64_t;

enum class FrameKind : std::uint8_t {
  kMessage = 0,     // a message over an existing connection (or any pair, non-explicit)
  kConnect = 1,     // connect, with the message it carries (label empty when none)
  kConnectAck = 2,  // the accepting role took the connect: the connector may go on
  kDisconnect = 3,  // the sender closed its connection with the receiver
  kAbort = 4,       // the sender failed the session; label empty, payload = the reason (UTF-8)
};

struct Envelope {
  FrameKind kind = FrameKind::kMessage;
  std::string protocol;
  SessionId session = 0;
  std::string from;  // role names
  std::string to;
  std::string label;  // empty when the frame carries no message
  std::string payload;
};

// An envelope whose fields live elsewhere: what the endpoint sends, encoded without copies.
struct EnvelopeView {
  FrameKind kind = FrameKind::kMessage;
  std::string_view protocol;
  SessionId session = 0;
  std::string_view from;
  std::string_view to;
  std::string_view label;
  std::string_view payload;
};

std::string encode(const EnvelopeView& envelope);
std::string encode(const Envelope& envelope);
// kProtocolViolation, saying what is wrong, when `bytes` is not a well-formed frame.
Result<Envelope> decode(std::string_view bytes);
// The same, without copies: the view's fields point into `bytes`.
Result<EnvelopeView> decode_view(std::string_view bytes);

}  // namespace gtype::rt
