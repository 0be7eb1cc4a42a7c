// SWIM in the node daemon (internal to endpoints/services/): once a daemon has taken a
// formation, it watches the other members of its cluster with c12s::membership::Member, whose
// messages travel as sessions of protocols/swim.gtype through generated endpoints.
//
// Member makes every decision (whom to probe, when to ask helpers, suspect, declare dead,
// what to piggyback); this file carries its sends out and feeds it time and what arrives:
//   - its pings and ping-reqs are SwimPing / SwimPingReq sessions that this member starts, as
//     `prober`, from one thread per peer (Link), one session at a time per peer, so the k
//     ping-reqs of a probe (to k different helpers) run in parallel. A SwimPing gives the
//     target's accept and then its ack at most the ack timeout each; a SwimPingReq waits for
//     the answer until the end of the period. A session that fails (timeout, lost peer,
//     refusal) is a lost message: Member's clock, driven by a ticker thread from the steady
//     clock, does the rest (suspicion at the end of the period, and so on);
//   - SwimPing/target is served by feeding the ping to Member and answering with the ack it
//     sends; SwimPingReq/helper by feeding the ping-req to Member, which pings the target
//     through the target's Link, and answering with the ack (relayed) or nack (its ack timeout
//     passed) that Member then sends to the prober. The helper's serve thread waits for that
//     answer, so a daemon answers ping-reqs one at a time, each within about the ack timeout;
//     pings are served on a thread of their own and are never held up by them.
//
// The cluster is what the formation says: updates about nodes that are not members are dropped
// before Member sees them (SWIM's join by gossip is not used; a node joins a cluster by a new
// formation), a ping-req from a non-member is refused, and a ping from one (or any ping before
// the first formation) gets a bare ack, with no news, that Member never sees: it asks whether
// this node is alive, and it is. A new formation with other members (or addresses) restarts
// SWIM afresh; the new group takes over before the old one stops.
//
// Addresses: a daemon is known by the address where it takes formations (FormationPush/node:
// the address its health checks report, which the push service hands its cluster's members in
// NodeFormation.member_addresses). Its SWIM endpoints are derived from it (derive_addresses),
// so that no other address has to travel.
//
// Not here: protection against a member that lies (ids are trusted), message authentication,
// and keeping SWIM's state across a restart of the daemon.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <formation_push/types.h>

#include "c12s/membership/member.h"
#include "c12s/services/services.h"
#include "c12s/system/host.h"
#include "c12s/system/network.h"
#include "gtype/status.h"

namespace c12s::services {
namespace sorts = gtype_gen::sorts::c12s::sorts;
}  // namespace c12s::services

namespace c12s::services::swim {

// Where a daemon serves SWIM (SwimPing/target, SwimPingReq/helper), given the address where it
// takes formations:
//   tcp://HOST:PORT  ->  tcp://HOST:PORT+1, tcp://HOST:PORT+2 (keyed alike: #KEY after each)
//   ipc://PATH       ->  ipc://PATH.swim-ping, ipc://PATH.swim-ping-req (inproc:// alike)
// Nothing for any other address, or for port 0 (not bound yet) or a port above 65533.
struct Addresses {
  std::string ping;
  std::string ping_req;
};
std::optional<Addresses> derive_addresses(const std::string& daemon_address);

// The transport of a role from which the daemon starts sessions (peers answer to the address
// its frames come from): an ephemeral port of `network` for a tcp daemon, else at
// `daemon_address.name` (ipc://, inproc://).
gtype::Result<std::unique_ptr<gtype::rt::Transport>> outgoing_transport(const system::Network& network,
                                                                        const std::string& daemon_address,
                                                                        const std::string& name,
                                                                        gtype::rt::ZmqOptions zmq = {});

// A change of one member's view of another (or of itself, when it was declared dead).
struct Change {
  std::string self;
  std::string member;
  membership::EventKind kind;  // kSuspected, kAlive or kDead (kJoined is not reported)
  std::uint64_t incarnation;
};
// Told of every change, in order, with the group's lock held: it must not block or call back.
using ChangeSink = std::function<void(const Change&)>;

class Group;

// One daemon's SWIM: its two served endpoints (for its whole life) and the group of its
// current formation (none before the first). Thread-safe.
class Node {
 public:
  // Binds SwimPing/target and SwimPingReq/helper at the addresses derived from
  // `daemon_address`. `node_id`: the daemon's node id, which pings before the first formation
  // ask about. Fails (kConfig) on an address it cannot derive from or options Member cannot
  // run with (0 < ack_timeout < protocol_period, suspicion_timeout > 0).
  // Every endpoint binds through `network` (network.h).
  static gtype::Result<std::unique_ptr<Node>> bind(const system::Network& network,
                                                   const std::string& daemon_address,
                                                   const std::string& node_id, const SwimOptions& options,
                                                   ChangeSink sink);
  ~Node();  // stops the group; the host running serve() must have stopped first
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Runs SWIM with the formation's members from now on: starts it, or restarts it when the
  // member ids or addresses changed. Does not block: run() does the work.
  void form(const sorts::NodeFormation& formation);
  // Stops running SWIM: the daemon left its cluster (FormationPush `leave`). Its pings are
  // answered as a non-member's from then on (a bare ack). Does not block.
  void leave();

  // Adds to `host` the loops that serve SwimPing/target and SwimPingReq/helper and the one
  // that (re)starts groups, each until the host stops.
  void add_to(system::Host& host);

  // The current group's view of its members, sorted by id; empty before a formation.
  std::vector<membership::MemberView> members() const;

  const Addresses& addresses() const { return addresses_; }

 private:
  struct Served;
  Node(system::Network network, std::string daemon_address, std::string node_id, Addresses addresses,
       const SwimOptions& options, ChangeSink sink);
  std::shared_ptr<Group> current() const;
  gtype::Status run_groups(const std::atomic<bool>& stop);

  const system::Network network_;
  const std::string daemon_address_;
  const std::string node_id_;
  const Addresses addresses_;
  const SwimOptions options_;
  const ChangeSink sink_;
  std::unique_ptr<Served> served_;

  mutable std::mutex mutex_;
  std::condition_variable formed_;
  std::optional<sorts::NodeFormation> wanted_;  // the formation to run next, if it changed
  std::optional<sorts::NodeFormation> running_;
  bool leaving_ = false;  // leave() asked to stop the running group
  std::shared_ptr<Group> group_;
  std::uint64_t generation_ = 0;  // groups started so far
};

// Writes membership changes to the log service (TaskLog, as `reporter`) from a thread of its
// own, so that a slow or absent log service holds up no SWIM thread; and to standard error.
// Changes beyond a backlog of 1000 are dropped (and said so) while the log service is away.
class EventLog {
 public:
  // `log_address`: TaskLog/log; empty: standard error only. `node`: the daemon's node id.
  // Its TaskLog endpoint binds an ephemeral port of `network`.
  EventLog(std::string log_address, std::string node, system::Network network);
  void post(const Change& change);  // never blocks
  // Sends what was posted until `stop` is set (a Host loop).
  gtype::Status run(const std::atomic<bool>& stop);

 private:
  const std::string log_address_;
  const std::string node_;
  const system::Network network_;
  std::mutex mutex_;
  std::condition_variable posted_;
  std::vector<Change> queue_;
  std::size_t dropped_ = 0;
};

}  // namespace c12s::services::swim
