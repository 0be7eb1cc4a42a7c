// One member of a SWIM group (Das et al., "SWIM: Scalable Weakly-consistent Infection-style
// Process Group Membership Protocol", DSN 2002), as a deterministic state machine.
//
// Member does failure detection (ping, ping-req through k helpers, suspicion, confirmation)
// and dissemination (updates piggybacked on its messages). It does no I/O: no sockets, no
// clock reads, no threads. The caller feeds it time (tick) and the messages it received
// (on_message), and carries out the sends it returns. The same seed, configuration, members
// and inputs give the same outputs, on every platform.
//
// Two additions to the paper, which only ever send more news and change no rule: a message to
// a member this one suspects tells it so, outside the retransmit budget (Lifeguard's "buddy
// system", Dadgar et al. 2018), and a member that hears a suspicion it has already refuted
// queues its refutation again, so that its answer carries it. Together they let a refutation
// reach the suspecter even after the gossip about it has died down.
//
// It does not run a join protocol: a member starts with the cluster's members (the cluster
// formation message lists them), and adds any member it hears of in an update. A member
// declared dead stays dead (dead overrides everything): to come back, a node joins under a new
// id. A member that hears that it is dead itself is expelled and goes silent.
//
// Thread-compatible: one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "c12s/membership/message.h"

namespace c12s::membership {

// A point in the caller's time (since any epoch it likes), or a duration. Virtual or real.
using Time = std::chrono::milliseconds;

// The defaults suit nodes on one LAN. The tests run 100 ms periods, a 30 ms ack timeout and a
// 10-period suspicion timeout over 1-10 ms delays: see docs/control-plane.md for the choice.
struct Config {
  // T': one probe per period. Must fit an indirect probe: ack_timeout + 4 one-way delays.
  Time protocol_period{1000};
  // Wait this long for a direct ack before asking helpers; also how long a helper waits for
  // the target before it sends a nack. Above a round trip, below protocol_period.
  Time ack_timeout{200};
  std::size_t indirect_probes = 3;  // k: helpers asked to ping the target
  // A suspect not refuted within this is declared dead. Several periods: the suspicion has to
  // reach the suspect and its refutation come back, through lossy gossip.
  Time suspicion_timeout{10000};
  std::size_t max_piggyback = 8;          // updates carried by one message, >= 1
  std::size_t retransmit_multiplier = 3;  // λ: see retransmit_limit()
};

// How many messages carry each update: λ·⌈log2(n + 1)⌉, n the members not known to be dead
// (self included). Enough for an infection-style spread to reach all n with high
// probability (SWIM, section 4.1), and bounded so that old news stops taking room.
std::size_t retransmit_limit(std::size_t multiplier, std::size_t live_members);

// A member id and where to reach it (opaque to this library; may be empty).
struct Peer {
  std::string id;
  std::string address;
};

// "Send `message` to member `to`": the caller's transport carries it out (or loses it).
struct Send {
  std::string to;
  Message message;

  friend bool operator==(const Send&, const Send&) = default;
};

enum class EventKind : std::uint8_t {
  kJoined,     // a member not known before, heard of in an update
  kSuspected,  // alive -> suspect
  kAlive,      // suspect -> alive: the member refuted the suspicion with a higher incarnation
  kDead,       // -> dead: confirmed, here or by another member (self: this member was expelled)
};

const char* event_kind_name(EventKind kind);

// A change of this member's view of the group.
struct Event {
  EventKind kind;
  std::string member;
  std::uint64_t incarnation;

  friend bool operator==(const Event&, const Event&) = default;
};

// What one input caused, in the order it happened.
struct Effects {
  std::vector<Send> sends;
  std::vector<Event> events;
};

// One member as this member sees it.
struct MemberView {
  std::string id;
  std::string address;
  State state;
  std::uint64_t incarnation;

  friend bool operator==(const MemberView&, const MemberView&) = default;
};

class Member {
 public:
  // `members` is the cluster as the formation message lists it; it may include `self` (whose
  // address is then taken from it). Every member starts alive at incarnation 0. `seed` drives
  // every random choice (probe order, helpers). The configuration must satisfy
  // 0 < ack_timeout < protocol_period, suspicion_timeout > 0, max_piggyback >= 1,
  // retransmit_multiplier >= 1 (asserted).
  Member(std::string self, const std::vector<Peer>& members, const Config& config, std::uint64_t seed);
  ~Member();
  Member(Member&&) noexcept;
  Member& operator=(Member&&) noexcept;
  Member(const Member&) = delete;
  Member& operator=(const Member&) = delete;

  // Time passes. Sends what is due at `now`: the next period's ping (after suspecting the
  // previous target if no ack came), ping-reqs once the direct ping timed out, nacks for pings
  // done on behalf of others that timed out; declares dead the suspects whose timeout
  // expired. `now` never goes backwards across tick and on_message (asserted).
  Effects tick(Time now);

  // `message` arrived from member `from` at `now`: applies its updates, then answers it.
  Effects on_message(Time now, const std::string& from, const Message& message);

  // When tick() has something to do next (it may be called earlier or more often: it does
  // nothing before). Before the first tick: Time::min(), i.e. now. Once expelled: Time::max().
  Time next_deadline() const;

  // Every member this member knows of, self included, sorted by id.
  std::vector<MemberView> members() const;

  const std::string& self() const;
  std::uint64_t incarnation() const;  // this member's own
  bool expelled() const;              // it heard that it was declared dead

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace c12s::membership
