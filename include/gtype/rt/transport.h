// Moving frames between processes: an interface, ZeroMQ (tcp://, ipc://, inproc://) and an
// in-memory network for tests.
//
// A transport has one address where peers reach it and sends to any address. Frames between
// two transports arrive in the order they were sent. A transport reports a peer it lost (its
// process died, the link broke) as an event, so sessions with that peer can fail cleanly.
//
// Ordering: a peer's kPeerLost comes after every frame of that peer that reached this
// transport — a peer that sends its last frames and exits is seen to send them, then to go,
// never the reverse (ZeroMQ: see ZmqOptions::loss_grace for the one bound on that wait).
// Destroying a transport sends what it still has queued first (ZeroMQ: for at most
// ZmqOptions::flush_timeout), so a program may return from main right after its last action.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "gtype/rt/curve.h"
#include "gtype/status.h"

namespace gtype::rt {

struct TransportEvent {
  enum class Kind { kFrame, kPeerLost } kind = Kind::kFrame;
  std::string peer;       // the address of the sender, or of the peer lost
  std::string bytes;      // the frame (kFrame); why, if the transport knows (kPeerLost)
  std::string principal;  // whom the sender's key speaks for (CURVE, see curve.h); else empty
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual const std::string& address() const = 0;
  virtual Status send(const std::string& address, const std::string& bytes) = 0;
  // The next event, waiting at most `timeout`; kTimeout when there is none.
  virtual Result<TransportEvent> next(std::chrono::milliseconds timeout) = 0;
  // Whether next() has an event already taken in, which it returns without looking for more
  // (a zero-timeout next() looks, at the cost of a system call or so).
  virtual bool queued() const = 0;
  // Watches the peer at `address` for loss although this transport may never send to it (a
  // peer that only sends to us). Frames alone never make a transport connect anywhere: the
  // endpoint calls this only for a sender whose frame passed its checks (see endpoint.h).
  virtual void watch(const std::string& address) { (void)address; }
};

struct ZmqOptions {
  // ZMTP heartbeats: a peer silent for `peer_timeout` is reported lost.
  std::chrono::milliseconds heartbeat_interval{250};
  std::chrono::milliseconds peer_timeout{1500};
  // Destroying the transport waits at most this long for frames still queued to be written out
  // (a peer that is gone, or never came, cannot hold up exit any longer).
  std::chrono::milliseconds flush_timeout{1000};
  // A peer whose link broke is reported lost as soon as no connection from it to this transport
  // can still hold frames (each has closed and its frames were taken, which on a peer's exit is
  // at once), and after this long at the latest (a link broken one way only, or a connection
  // from something that never sends, which might be that peer's).
  std::chrono::milliseconds loss_grace{500};
  // A peer's address is taken from its frames (the routing id), so anyone may name one where
  // nothing listens; what the transport keeps per peer address is bounded. A link (an outgoing
  // connection, opened to send or to watch) that has not reached a peer after
  // `unreachable_timeout` is closed, dropping what it holds, and its peer is reported lost.
  std::chrono::milliseconds unreachable_timeout{10000};
  // At most this many links: to send, a new one replaces the oldest that has not reached its
  // peer (which is reported lost); with every link up, sending to yet another address fails
  // (kTransport). watch() opens none when they are full.
  std::size_t max_links = 256;

  // Encryption and authentication (see curve.h): with a key pair and an authority, the
  // transport's address is keyed, it connects only to keyed addresses, and only keys the
  // authority admits can connect to it. Not for inproc://.
  struct Curve {
    CurveKeyPair keys;
    std::shared_ptr<KeyAuthority> authority;  // required
  };
  std::optional<Curve> curve{};
  // Where peers reach this transport, when not where it binds (binding tcp://0.0.0.0:PORT, or
  // behind a NAT): tcp://HOST:PORT, or tcp://HOST for the port bound. Its address() then says
  // this, keyed when CURVE is on.
  std::string advertise{};
  // Plaintext on a TCP interface other than loopback is refused unless this is set: without
  // CURVE anyone who reaches the port may speak any role.
  bool plaintext_beyond_loopback = false;
};

// Whether `address` (keyed or not) stays on this machine: tcp:// on a loopback host, or not
// tcp:// at all (ipc://, inproc://).
bool is_loopback_address(const std::string& address);

// Binds `address` (for tcp://host:0 the transport's address() is the port actually bound;
// with CURVE it is keyed, see curve.h). kConfig when the options forbid it (plaintext beyond
// loopback, CURVE on inproc://, a key that is not the transport's).
Result<std::unique_ptr<Transport>> make_zmq_transport(const std::string& address, ZmqOptions options = {});

// Transports of one process that reach each other in memory; `kill` makes an address vanish as
// a dead process would (its peers get kPeerLost).
class MemoryNetwork {
 public:
  MemoryNetwork();
  ~MemoryNetwork();
  Result<std::unique_ptr<Transport>> attach(const std::string& address);
  void kill(const std::string& address);
  // Delivers raw bytes to `address` as if `from` had sent them (for fault tests).
  void inject(const std::string& from, const std::string& address, const std::string& bytes);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace gtype::rt
