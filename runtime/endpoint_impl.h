// The endpoint's state (internal to runtime/): sessions, their peers' queues, the monitor.
//
// endpoint.cpp carries out the role's actions and the public API; monitor.cpp checks frames as
// they arrive. Invariants:
//  - a session in `sessions_` is open: not yet reported ended or failed to the user;
//  - once `failure` or `ended` is set it never changes, its queues are empty, and frames for it
//    are dropped without being counted;
//  - every frame in a peer's inbox passed the arrival checks (decodes, right protocol, sender,
//    receiver, a label the role can still take from that peer, a valid payload);
//  - a session id is in `closed_` once its session is gone, so late frames are told apart from
//    frames for sessions never seen.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtype/rt/endpoint.h"
#include "spec_index.h"

namespace gtype::rt {

using Clock = std::chrono::steady_clock;

// A frame that passed the arrival checks, and the message they found it to be an instance of
// (label and payload), so that taking it need not unpack the payload again.
struct Arrived {
  FrameKind kind = FrameKind::kMessage;
  std::string label;
  std::string payload;
  std::uint16_t message = kNoMessageIndex;  // meaningless for kDisconnect
};

// A FIFO of frames that allocates nothing while empty: a session has one per role, and a
// std::deque allocates as it is constructed (two blocks each, for every session opened).
class Inbox {
 public:
  bool empty() const { return head_ == items_.size(); }
  Arrived& front() { return items_[head_]; }
  void push_back(Arrived frame) { items_.push_back(std::move(frame)); }
  void pop_front() {
    if (++head_ == items_.size()) return clear();
    if (head_ >= kCompactAt && head_ * 2 >= items_.size()) {  // a queue never emptied stays bounded
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }

 private:
  static constexpr std::size_t kCompactAt = 64;
  std::vector<Arrived> items_;
  std::size_t head_ = 0;  // items_ before it are taken
};

// What the role knows of one peer in one session.
struct PeerLink {
  Inbox inbox;                  // kMessage, kConnect and kDisconnect frames, in arrival order
  std::string address;          // where to send: from its frames, else from the directory
  bool learned = false;         // `address` came from its frames: later ones must come from there
  std::string principal;        // of its first frame (the address, keyed, fixes the key)
  bool met = false;             // frames went either way: it must hear of an abort
  bool connected = false;       // explicit protocols: a connection is open
  bool closed_by_peer = false;  // its last frame was kDisconnect: losing it no longer matters
  // The transport lost it (after its last frame: see transport.h). The session fails when it
  // needs the peer: at once if it is still connected (see on_peer_lost), else when the role
  // waits for it with nothing of its queued, or sends to it.
  bool lost = false;
  std::string lost_reason;  // what the transport said of the loss, if anything
};

struct Session {
  SessionId id = 0;
  std::uint16_t state = 0;
  Clock::time_point since;      // when `state` was entered (serve mode's receive timeout)
  std::vector<PeerLink> peers;  // by role index; peers[self] unused
  struct PendingConnect {
    std::uint16_t peer;
    std::uint16_t target;
    Clock::time_point deadline;
  };
  std::optional<PendingConnect> pending;  // a connect waiting for the peer's kConnectAck
  std::optional<Status> failure;
  bool ended = false;
  bool touched = false;  // in Impl::touched
  // serve(): when its visit is due for a timeout, as in Impl::deadlines (max: not there).
  Clock::time_point due = Clock::time_point::max();
};

struct Endpoint::Impl {
  Impl(const RoleSpec& spec, Directory directory, std::unique_ptr<Transport> transport,
       EndpointOptions options);

  // --- monitor.cpp: the arrival stage -------------------------------------------------------
  void on_event(const TransportEvent& event);
  void on_frame(const std::string& source, const std::string& principal, const std::string& bytes);
  void on_peer_lost(const std::string& address, const std::string& reason);
  // "role B at b was lost (...)": the detail of a session failed by a lost peer.
  std::string lost_detail(const Session& session, std::uint16_t peer) const;
  // Counts a rejected frame and tells options.on_reject.
  void reject(std::uint64_t Counters::*counter, std::string message);
  // Takes transport events until one arrives or `deadline`, then those already there, at most
  // `most` in all. kTimeout is not an error here; a transport that fails (kClosed) is.
  static constexpr int kMostPerPump = 1025;  // the rest wait: a flood cannot hold the caller
  Status pump(Clock::time_point deadline, int most = kMostPerPump);

  // --- endpoint.cpp: the role's actions -------------------------------------------------------
  Session& open(SessionId id);
  Session* find(SessionId id);
  std::string describe(const Session& session) const;
  void move_to(Session& session, std::uint16_t state);
  // Sends a frame of this session to `peer`, at its learned or directory address.
  Status send(Session& session, std::uint16_t peer, FrameKind kind, std::string_view label,
              std::string_view payload);
  // Fails the session: counts it, tells every peer it met (but `except`) why.
  void fail(Session& session, StatusCode code, const std::string& detail,
            std::optional<std::uint16_t> except = std::nullopt);
  // The session reached an end state: disconnect from everyone.
  void finish(Session& session);
  // Puts the session on the list serve() visits next: something happened to it.
  void touch(Session& session) {
    if (session.touched) return;
    session.touched = true;
    touched.push_back(session.id);
  }
  // Puts the session in `deadlines` at `due` (serve() visits it then), instead of where it was.
  void schedule(Session& session, Clock::time_point due) {
    if (session.due == due) return;
    if (session.due != Clock::time_point::max()) deadlines.erase({session.due, session.id});
    session.due = due;
    deadlines.emplace(due, session.id);
  }
  // Forgets a session whose end or failure is being reported.
  void close(SessionId id);
  // Returns the session's failure (which must be set) and forgets the session.
  Status report(SessionId id);
  // Starts transition `transition` of the current (sending) state; a connect stays pending.
  void begin_act(Session& session, std::uint16_t transition, std::string_view payload);
  enum class Take { kNothing, kTaken, kFailed };
  // Takes the frame the current (waiting) state can take now, if one is queued.
  Take take(Session& session, Incoming* incoming);

  SpecIndex index;
  Directory directory;
  std::vector<std::optional<std::string>> role_addresses;  // the directory's, by role index (for open())
  std::unique_ptr<Transport> transport;
  EndpointOptions options;
  Counters counters;
  std::mt19937_64 random;
  std::map<SessionId, Session> sessions;
  std::deque<SessionId> fresh;          // started by a frame, not yet handed out by next_session()
  std::vector<SessionId> acked_to_end;  // at an end state by a connect ack, to finish after the pump
  // Sessions opened, or with a frame, an ack, a loss or a failure since serve() last visited
  // them: serve() visits these, and the others only when a timeout of theirs is due
  // (`deadlines`), so that a frame costs the same with ten sessions open or ten thousand.
  // (Ids may be of closed sessions.)
  std::vector<SessionId> touched;
  // Open sessions that serve() left waiting, by the time their wait times out (a connect's
  // deadline, or the receive timeout since the state was entered); see Session::due.
  std::set<std::pair<Clock::time_point, SessionId>> deadlines;
  std::set<SessionId> closed;
  std::deque<SessionId> closed_order;  // oldest first; `closed` keeps at most kClosedMemory ids
  static constexpr std::size_t kClosedMemory = 1 << 16;
};

}  // namespace gtype::rt
