// One role of one protocol in one process: its sessions, over one transport.
//
// The endpoint carries out what generated code asks (send, connect, disconnect, receive,
// accept) on the role's automaton (RoleSpec), and runs the monitor: every incoming frame is
// checked — it must decode, belong to a known session (or start one where the role's initial
// state can take it), come from a role the session expects, carry a label and a payload the
// local type allows next — before anything reaches user code. What fails is counted and, where
// it breaks a session, fails that session and tells its peers (kAbort).
//
// Not thread-safe: one thread drives an endpoint (blocking calls pump its transport).
//
// Life of a session: it is open from start() or next_session() until its end or its failure
// has been reported: a blocking call that reaches an end state or returns the session's error,
// or the driver's ended()/failed(). Then it is gone (has_session() is false, calls on it return
// kClosed). A session fails on a timeout, a protocol violation by a peer, a lost peer, an abort
// by a peer, or abandon(); the failure is told to every peer whose address the session knows
// (kAbort; a role that gets one passes it on), and a blocking call returns it. A lost peer is
// noticed by the roles that have exchanged frames with it in the session; others learn of it
// from their aborts, or by timing out. A peer is seen lost only after the frames it sent (see
// transport.h), so a role whose process exits right at its end (having disconnected) fails
// nobody. Destroying the endpoint sends what it still has queued before it returns (see
// transport.h), so a program may return from main right after its last action.
//
// A frame for a session this role has not met starts one only if the role's initial state
// waits (receives or accepts) and the frame is one the role can take from there on — so a role
// connected to late still learns of a session from any peer that reaches it first.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gtype/rt/directory.h"
#include "gtype/rt/envelope.h"
#include "gtype/rt/role_spec.h"
#include "gtype/rt/transport.h"
#include "gtype/status.h"

namespace gtype::rt {

struct EndpointOptions {
  // A receive (blocking: from the call; serve: from entering the receiving state) or a connect
  // that does not complete in time fails the session (kTimeout) and tells its peers.
  std::chrono::milliseconds receive_timeout{5000};
  std::chrono::milliseconds connect_timeout{5000};
  std::uint64_t seed = 0;  // session ids are drawn from this seed; 0: from std::random_device
  // Told of every frame the monitor turns away (kProtocolViolation, saying which frame and why),
  // as it is counted; nothing when null.
  std::function<void(const Status&)> on_reject;
  // Whether the sender's principal (TransportEvent::principal: whom its CURVE key speaks for;
  // empty on a plaintext transport) may play peer role `role` of this protocol. A frame from
  // one that may not is refused (counted as unauthorized, told to on_reject) before it reaches
  // or starts any session. Everyone may when null.
  std::function<bool(std::string_view role, std::string_view principal)> authorize;
};

// Frames the monitor turned away, by reason; and sessions that failed.
struct Counters {
  std::uint64_t delivered = 0;
  std::uint64_t malformed_frames = 0;
  std::uint64_t wrong_protocol = 0;
  std::uint64_t unknown_sessions = 0;
  std::uint64_t wrong_senders = 0;
  std::uint64_t wrong_labels = 0;
  std::uint64_t malformed_payloads = 0;
  std::uint64_t unauthorized = 0;  // refused by EndpointOptions::authorize
  std::uint64_t failed_sessions = 0;
  std::uint64_t ended_sessions = 0;  // reached an end state
};

// A message the monitor let through: the transition of the current state that takes it.
struct Incoming {
  std::uint16_t transition;  // index among the current state's transitions
  std::string payload;       // msgpack, already checked by MessageSpec::payload_valid
};

// What the event-driven API asks user code at a state where the role sends.
struct Choice {
  std::uint16_t transition;
  std::string payload;
};

// Who a session involves, as the endpoint knows it when a session object is made for it.
struct PeerInfo {
  std::string role;
  std::string address;  // where this role sends to it: learned from its frames, else the
                        // directory's; empty when neither knows it yet
  std::string principal;  // whom its frames' key speaks for (see curve.h); empty before its
                          // first frame, and on a plaintext transport
};
struct SessionInfo {
  SessionId id = 0;
  std::vector<PeerInfo> peers;  // every other role of the protocol, in declaration order
};

class SessionDriver {
 public:
  virtual ~SessionDriver() = default;
  // The role is at `state`, whose transitions send, connect or disconnect: which one, with what.
  // A failed Status fails the session with it (the peers see kAborted with its message).
  // Callbacks may call Endpoint::abandon on their session.
  virtual Result<Choice> choose(SessionId session, std::uint16_t state) = 0;
  // A message was taken at `state` by `transition`.
  virtual void received(SessionId session, std::uint16_t state, const Incoming& message) = 0;
  virtual void ended(SessionId session) = 0;
  virtual void failed(SessionId session, const Status& error) = 0;
};

class Endpoint {
 public:
  static Result<std::unique_ptr<Endpoint>> create(const RoleSpec& spec, Directory directory,
                                                  std::unique_ptr<Transport> transport,
                                                  EndpointOptions options = {});
  // Fails every open session (kClosed here; its peers see kAborted).
  ~Endpoint();

  const RoleSpec& spec() const;
  const std::string& address() const;

  // A new session that this role starts, at state 0.
  Result<SessionId> start();
  // Waits for a frame that starts a session this role takes part in (see above; default
  // timeout: receive_timeout); the session is then at state 0 with that frame queued.
  Result<SessionId> next_session(std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // Requires has_session(session).
  std::uint16_t state(SessionId session) const;
  SessionInfo info(SessionId session) const;
  bool has_session(SessionId session) const;

  // Carries out transition `transition` of the current state, which must send, connect or
  // disconnect; a connect waits until the peer accepts (connect timeout). `payload` is the
  // message's msgpack payload ("" for a connect or disconnect without a message). Returns the
  // session's error if it had failed meanwhile (say, a peer aborted it).
  Status act(SessionId session, std::uint16_t transition, std::string_view payload);
  // Waits for a message the current state (which must receive or accept) can take; default
  // timeout: receive_timeout. A timeout fails the session.
  Result<Incoming> receive(SessionId session,
                           std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // Fails the session, telling its peers why (they see kAborted with `reason`).
  void abandon(SessionId session, const std::string& reason);

  // Serves sessions with `driver` until `stop` is set (checked at least every 50 ms): starts a
  // session for every frame that starts one, and drives each open session, including those
  // start()ed before, through choose/received callbacks. A connect does not block the others.
  // Returns an error only if the transport fails (kClosed when it was killed).
  Status serve(SessionDriver& driver, const std::atomic<bool>& stop);

  // Not synchronised: read them on the thread that drives the endpoint, or after serve returned.
  const Counters& counters() const;

 private:
  struct Impl;
  explicit Endpoint(std::unique_ptr<Impl> impl);
  // serve(): drives one session until it waits, ends or fails.
  void visit(SessionId session, SessionDriver& driver);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gtype::rt
