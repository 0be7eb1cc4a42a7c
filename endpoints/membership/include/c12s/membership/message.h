// The messages SWIM members exchange, and their wire form (msgpack).
//
// A Message is plain data: what kind of message it is, the sequence number of the probe it
// belongs to, the member it is about, and the membership updates piggybacked on it. It does
// not say who sent it: the transport that carries it knows that, and hands it to
// Member::on_message. decode() never trusts its input: garbled bytes give an error, never a
// crash and never an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace c12s::membership {

// A member's state as some member sees it. The order matters on the wire (values 0, 1, 2).
enum class State : std::uint8_t {
  kAlive = 0,
  kSuspect = 1,  // missed a probe; declared dead unless it refutes within the suspicion timeout
  kDead = 2,     // final: nothing overrides it (SWIM's "confirm")
};

const char* state_name(State state);

// One piggybacked membership update: "`member` is in `state` at `incarnation`".
struct Update {
  std::string member;   // never empty
  std::string address;  // opaque to this library: where the caller's transport reaches `member`
  State state = State::kAlive;
  std::uint64_t incarnation = 0;

  friend bool operator==(const Update&, const Update&) = default;
};

enum class MessageKind : std::uint8_t {
  kPing = 0,     // "are you alive?"; target: the member pinged (a ping for another id is not acked)
  kAck = 1,      // answer to a ping, direct or relayed by a helper; target: the member that answered
  kPingReq = 2,  // "ping target for me" to a helper, after the direct ping timed out
  kNack = 3,     // a helper's report that target did not answer its ping within the ack timeout
};

const char* message_kind_name(MessageKind kind);

struct Message {
  MessageKind kind = MessageKind::kPing;
  std::uint64_t seq = 0;        // the probe's sequence number, chosen by whoever sent the ping
  std::string target;           // see MessageKind
  std::vector<Update> updates;  // piggybacked dissemination, at most Config::max_piggyback

  friend bool operator==(const Message&, const Message&) = default;
};

// The wire form: a msgpack array ["swim", 1, kind, seq, target, [[member, address, state,
// incarnation], ...]].
std::string encode(const Message& message);

// What decode() returns: the message, or why the bytes are not one.
struct Decoded {
  std::optional<Message> message;
  std::string error;  // empty iff message is set
};

// Rejects anything that is not exactly one well-formed message: wrong types, unknown kinds or
// states, an empty member id, ids longer than kMaxIdBytes, more than kMaxUpdates updates,
// trailing bytes.
Decoded decode(std::string_view bytes);

inline constexpr std::size_t kMaxIdBytes = 1024;  // member ids, addresses and targets
inline constexpr std::size_t kMaxUpdates = 1024;  // updates in one message

}  // namespace c12s::membership
