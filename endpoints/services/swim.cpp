// SWIM in the node daemon: see swim.h.
//
// The threads of one daemon's SWIM, and what each drives:
//   - "SwimPing/target", "SwimPingReq/helper": the serve loops of the two served endpoints;
//   - "SWIM": (re)starts the group when a formation changes it;
//   - per group, the ticker (Member::tick at Member::next_deadline, from the steady clock) and
//     one thread per peer (Link), the only one to drive that link's prober endpoints (an
//     endpoint is driven by one thread).
// Group::mutex_ guards the Member and what goes with it. A Link's queue has a lock of its own,
// taken under the group's lock (post) and never held while calling into the group. The time
// given to Member is read under the group's lock and never goes back, so tick and on_message
// see it in order whichever thread calls them.
#include "swim.h"

#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <string_view>
#include <thread>
#include <utility>

#include <swim_ping/prober.h>
#include <swim_ping/target.h>
#include <swim_ping_req/helper.h>
#include <swim_ping_req/prober.h>

#include "reporter.h"
#include "serving.h"

namespace c12s::services::swim {

namespace rt = gtype::rt;
namespace ms = c12s::membership;
namespace ping_prober = gtype_gen::swim_ping::prober;
namespace ping_target = gtype_gen::swim_ping::target;
namespace req_prober = gtype_gen::swim_ping_req::prober;
namespace req_helper = gtype_gen::swim_ping_req::helper;
using Probe = gtype_gen::sorts::membership::Probe;
using WireUpdate = gtype_gen::sorts::membership::Update;

namespace {

// Sends waiting for one peer's link beyond this are dropped, oldest first: a peer that keeps
// its link busy (dead, or slow to accept) gets no older news than a period's worth.
constexpr std::size_t kMaxQueuedPerLink = 4;
constexpr std::size_t kMaxLoggedBacklog = 1000;
constexpr char kTcp[] = "tcp://";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

const char* change_label(ms::EventKind kind) {
  switch (kind) {
    case ms::EventKind::kSuspected:
      return "suspect";
    case ms::EventKind::kAlive:
      return "alive";
    case ms::EventKind::kDead:
      return "dead";
    case ms::EventKind::kJoined:
      return "joined";
  }
  return "?";
}

// What travels for a Member's message (the kind is the label).
Probe to_probe(const std::string& self, const ms::Message& message) {
  Probe probe{self, message.seq, message.target, {}};
  for (const ms::Update& update : message.updates) {
    probe.updates.push_back(WireUpdate{update.member, update.address,
                                       static_cast<std::uint64_t>(update.state), update.incarnation});
  }
  return probe;
}

// Why a probe cannot be taken as a Message (what decode() would reject), or "".
std::string malformed(const Probe& probe) {
  if (probe.sender.empty() || probe.sender.size() > ms::kMaxIdBytes ||
      probe.target.size() > ms::kMaxIdBytes || probe.updates.size() > ms::kMaxUpdates)
    return "the probe's sender, target or updates are empty or too long";
  for (const WireUpdate& update : probe.updates) {
    if (update.member.empty() || update.member.size() > ms::kMaxIdBytes ||
        update.address.size() > ms::kMaxIdBytes ||
        update.state > static_cast<std::uint64_t>(ms::State::kDead)) {
      return "an update is not well formed (empty or long id, or state " + std::to_string(update.state) + ")";
    }
  }
  return "";
}

// The answer to a ping from a node outside this one's cluster (or before it has one): the
// ping asks whether `self` is alive, and it is. Nothing of the probe reaches Member, and
// nothing is piggybacked: clusters do not learn of each other. This spares a node its
// peers' suspicion while formations are being pushed (a member formed first pings one not
// yet formed), and a node left in an old formation its own false verdicts about its peers.
gtype::Result<Probe> bare_ack(const std::string& self, const Probe& ping) {
  if (std::string why = malformed(ping); !why.empty()) return refused(why);
  if (ping.target != self) return refused("the ping is for '" + ping.target.substr(0, 64) + "', not " + self);
  return Probe{self, ping.seq, self, {}};
}

std::string describe(const Change& change) {
  const std::string incarnation = std::to_string(change.incarnation);
  std::string text;
  if (change.kind == ms::EventKind::kDead && change.member == change.self) {
    text = change.self;
    text += " was declared dead by its cluster: it leaves SWIM";
    return text;
  }
  text = change.member;
  switch (change.kind) {
    case ms::EventKind::kSuspected:
      text += " is suspected by ";
      break;
    case ms::EventKind::kAlive:
      text += " is alive again, refuting a suspicion, as seen by ";
      break;
    default:
      text += " is dead, as declared by ";
      break;
  }
  text += change.self;
  text += " (SWIM, incarnation ";
  text += incarnation;
  text += ")";
  return text;
}

}  // namespace

std::optional<Addresses> derive_addresses(const std::string& keyed_daemon_address) {
  const rt::KeyedAddress keyed = rt::split_keyed_address(keyed_daemon_address);
  if (!keyed.key.empty()) {
    std::optional<Addresses> plain = derive_addresses(keyed.endpoint);
    if (!plain || !starts_with(keyed.endpoint, kTcp)) return std::nullopt;
    return Addresses{rt::keyed_address(plain->ping, keyed.key),
                     rt::keyed_address(plain->ping_req, keyed.key)};
  }
  const std::string& daemon_address = keyed_daemon_address;
  if (starts_with(daemon_address, kTcp)) {
    const std::size_t colon = daemon_address.rfind(':');
    const std::string digits = daemon_address.substr(colon + 1);
    if (colon < sizeof(kTcp) || digits.empty() || digits.size() > 5 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    const int port = std::stoi(digits);  // 1 to 5 digits, checked above: cannot throw
    if (port == 0 || port > 65533) return std::nullopt;
    const std::string host = daemon_address.substr(0, colon + 1);
    return Addresses{host + std::to_string(port + 1), host + std::to_string(port + 2)};
  }
  for (std::string_view scheme : {"ipc://", "inproc://"}) {
    if (starts_with(daemon_address, scheme) && daemon_address.size() > scheme.size()) {
      return Addresses{daemon_address + ".swim-ping", daemon_address + ".swim-ping-req"};
    }
  }
  return std::nullopt;
}

gtype::Result<std::unique_ptr<rt::Transport>> outgoing_transport(const system::Network& network,
                                                                 const std::string& daemon_address,
                                                                 const std::string& name,
                                                                 rt::ZmqOptions zmq) {
  if (starts_with(daemon_address, kTcp)) return network.transport(0, std::move(zmq));
  std::string address = daemon_address;
  address += ".";
  address += name;
  return rt::make_zmq_transport(address, std::move(zmq));
}

// A role this member starts sessions from. What it still has queued when it is dropped (a ping
// to a dead peer, the abort of a session it gave up) is not worth more than the ack timeout
// of waiting: the transport's flush on destruction is cut to that.
template <typename Role>
gtype::Result<Role> bind_prober(const system::Network& network, const char* protocol,
                                const std::string& daemon_address, const std::string& name,
                                rt::Directory directory, const rt::EndpointOptions& options,
                                std::chrono::milliseconds flush) {
  rt::ZmqOptions zmq;
  zmq.flush_timeout = flush;
  gtype::Result<std::unique_ptr<rt::Transport>> transport =
      outgoing_transport(network, daemon_address, name, zmq);
  if (!transport.ok()) return transport.error();
  return Role::create(std::move(directory), std::move(*transport),
                      network.endpoint_options(protocol, options));
}

class Link;

// SWIM with the members of one formation: a Member, its ticker, and a Link per peer.
class Group {
 public:
  // `generation` tells the groups of one daemon apart (their links' ipc:// paths differ).
  Group(system::Network network, std::string self, const std::string& daemon_address,
        std::uint64_t generation, const sorts::NodeFormation& formation, const SwimOptions& options,
        ChangeSink sink);
  ~Group();
  const system::Network& network() const { return network_; }
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  void start();
  // Stops the ticker and the links and waits for them (each within its session's timeout);
  // sessions served after it are refused. Idempotent.
  void stop();

  // SwimPing/target: the ack Member sends for `ping`, or why there is none.
  gtype::Result<Probe> answer_ping(const Probe& ping);
  // SwimPingReq/helper: gives Member the ping-req; await_answer then waits for Member's ack or
  // nack to the prober (at most until the prober gives up), forget drops a ping-req whose
  // session failed.
  struct Answer {
    bool ack;  // else nack
    Probe probe;
  };
  gtype::Status take_ping_req(const Probe& ping_req);
  gtype::Result<Answer> await_answer(const std::string& prober, std::uint64_t seq);
  void forget(const std::string& prober, std::uint64_t seq);
  // A Link's session brought back an ack or a nack from `peer`.
  void on_reply(const std::string& peer, ms::MessageKind kind, const Probe& reply);

  std::vector<ms::MemberView> members() const;

 private:
  ms::Time now_locked();
  // Probe -> Message, or why the probe is refused: an unknown sender, or anything decode()
  // would reject. Updates about nodes that are not members are dropped.
  std::optional<ms::Message> to_message(ms::MessageKind kind, const Probe& probe, std::string* why) const;
  bool is_peer(const std::string& id) const;  // a member other than self
  void carry_out(ms::Effects effects);
  void tick_loop();

  const system::Network network_;  // where its links' prober roles bind
  const std::string self_;
  const std::string cluster_;  // topology/region/cluster, for messages
  const SwimOptions options_;
  const ChangeSink sink_;
  const std::set<std::string> members_;  // the formation's, self included
  const std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();

  mutable std::mutex mutex_;
  ms::Member member_;
  ms::Time last_now_{0};
  bool stopping_ = false;
  std::condition_variable wake_;      // the ticker: stop, or a deadline may have moved
  std::condition_variable answered_;  // a ping-req's answer came, or stop
  // Ping-reqs being served, by prober and the prober's seq: Member's answer once it sent one.
  std::map<std::pair<std::string, std::uint64_t>, std::optional<ms::Message>> answers_;
  std::map<std::string, std::unique_ptr<Link>> links_;  // by peer id; none for a peer with no address
  std::thread ticker_;
};

// The sessions this member starts with one peer (SwimPing as prober when it pings the peer,
// SwimPingReq as prober when it asks the peer to help), one at a time, on a thread of its own.
class Link {
 public:
  // `daemon_address` and `name`: where its prober roles bind (outgoing_address).
  Link(Group& group, std::string self, std::string peer, Addresses peer_addresses, std::string daemon_address,
       std::string name, const SwimOptions& options)
      : group_(group),
        self_(std::move(self)),
        peer_(std::move(peer)),
        peer_addresses_(std::move(peer_addresses)),
        daemon_address_(std::move(daemon_address)),
        name_(std::move(name)),
        options_(options) {}
  ~Link() { join(); }
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  void start() {
    thread_ = std::thread([this] { run(); });
  }
  void post(ms::Message message) {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= kMaxQueuedPerLink) queue_.pop_front();
    queue_.push_back(std::move(message));
    posted_.notify_one();
  }
  void request_stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    posted_.notify_one();
  }
  void join() {
    request_stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run();
  void ping(std::unique_ptr<ping_prober::Role>& role, const ms::Message& message);
  void ping_req(std::unique_ptr<req_prober::Role>& role, const ms::Message& message);
  // Says so once: the message is lost, and the next one tries again.
  void cannot_bind(const gtype::Status& error) {
    if (bind_failed_) return;
    bind_failed_ = true;
    system::log_warn("SWIM: cannot reach " + peer_ + ": " + error.message(), {{"member", peer_}});
  }

  Group& group_;
  const std::string self_;
  const std::string peer_;
  const Addresses peer_addresses_;
  const std::string daemon_address_;
  const std::string name_;
  const SwimOptions options_;
  std::mutex mutex_;
  std::condition_variable posted_;
  std::deque<ms::Message> queue_;
  bool stopping_ = false;
  std::thread thread_;
  bool bind_failed_ = false;  // the link's thread's only
};

// ---- Group ----

Group::Group(system::Network network, std::string self, const std::string& daemon_address,
             std::uint64_t generation, const sorts::NodeFormation& formation, const SwimOptions& options,
             ChangeSink sink)
    : network_(std::move(network)),
      self_(std::move(self)),
      cluster_(formation.topology + "/" + formation.region + "/" + formation.cluster),
      options_(options),
      sink_(std::move(sink)),
      members_([&] {
        std::set<std::string> ids(formation.members.begin(), formation.members.end());
        ids.insert(self_);
        return ids;
      }()),
      member_(
          self_,
          [&] {
            std::vector<ms::Peer> peers;
            for (const std::string& id : members_) {
              auto at = formation.member_addresses.find(id);
              peers.push_back(
                  ms::Peer{id, at == formation.member_addresses.end() ? std::string() : at->second});
            }
            return peers;
          }(),
          ms::Config{options.protocol_period, options.ack_timeout, options.indirect_probes,
                     options.suspicion_timeout, ms::Config().max_piggyback,
                     ms::Config().retransmit_multiplier},
          std::random_device()()) {
  for (const std::string& id : members_) {
    if (id == self_) continue;
    auto at = formation.member_addresses.find(id);
    std::optional<Addresses> addresses =
        at == formation.member_addresses.end() ? std::nullopt : derive_addresses(at->second);
    if (!addresses) {
      // Unreachable: it will be suspected and declared dead, which is what the others see too.
      system::log_warn("SWIM: no usable address for member " + id + " of " + cluster_, {{"member", id}});
      continue;
    }
    std::string name = "swim";
    name += std::to_string(generation);
    name += "-to-";
    name += id;
    links_.emplace(
        id, std::make_unique<Link>(*this, self_, id, std::move(*addresses), daemon_address, name, options_));
  }
}

Group::~Group() { stop(); }

void Group::start() {
  for (auto& [id, link] : links_) link->start();
  ticker_ = std::thread([this] { tick_loop(); });
}

void Group::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  answered_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  for (auto& [id, link] : links_) link->request_stop();
  for (auto& [id, link] : links_) link->join();
}

ms::Time Group::now_locked() {
  const auto elapsed = std::chrono::steady_clock::now() - epoch_;
  last_now_ = std::max(last_now_, std::chrono::duration_cast<ms::Time>(elapsed));
  return last_now_;
}

bool Group::is_peer(const std::string& id) const { return id != self_ && members_.count(id) > 0; }

std::optional<ms::Message> Group::to_message(ms::MessageKind kind, const Probe& probe,
                                             std::string* why) const {
  if (*why = malformed(probe); !why->empty()) return std::nullopt;
  if (!is_peer(probe.sender)) {
    *why = "'" + probe.sender.substr(0, 64) + "' is not another member of cluster " + cluster_;
    return std::nullopt;
  }
  ms::Message message{kind, probe.seq, probe.target, {}};
  for (const WireUpdate& update : probe.updates) {
    if (!members_.count(update.member)) continue;  // a node of another cluster: not ours to learn
    message.updates.push_back(
        ms::Update{update.member, update.address, static_cast<ms::State>(update.state), update.incarnation});
  }
  return message;
}

void Group::carry_out(ms::Effects effects) {
  for (ms::Send& send : effects.sends) {
    switch (send.message.kind) {
      case ms::MessageKind::kPing:
      case ms::MessageKind::kPingReq:
        // A member with no link has no address: the message is lost, which SWIM allows for.
        if (auto link = links_.find(send.to); link != links_.end())
          link->second->post(std::move(send.message));
        break;
      case ms::MessageKind::kAck:
      case ms::MessageKind::kNack:
        // The answer to a ping-req being served; otherwise its prober gave up: lost.
        if (auto waiting = answers_.find({send.to, send.message.seq});
            waiting != answers_.end() && !waiting->second) {
          waiting->second = std::move(send.message);
          answered_.notify_all();
        }
        break;
    }
  }
  for (const ms::Event& event : effects.events) {
    if (event.kind == ms::EventKind::kJoined) continue;  // members come from the formation only
    if (event.kind == ms::EventKind::kDead && event.member != self_) {
      // Member sends nothing more to it: free its link's thread and sockets.
      if (auto link = links_.find(event.member); link != links_.end()) link->second->request_stop();
    }
    if (sink_) sink_(Change{self_, event.member, event.kind, event.incarnation});
  }
  wake_.notify_one();  // a deadline may have moved
}

void Group::tick_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const ms::Time now = now_locked();
    if (now >= member_.next_deadline()) carry_out(member_.tick(now));
    // An expelled member has no deadline: look again every period (until stop).
    const ms::Time next = member_.next_deadline();
    ms::Time wait = options_.protocol_period;
    if (next != ms::Time::max() && next - now < wait) wait = next - now;
    wake_.wait_for(lock, std::max(wait, ms::Time(1)));
  }
}

gtype::Result<Probe> Group::answer_ping(const Probe& ping) {
  std::lock_guard lock(mutex_);
  if (stopping_) return refused("SWIM is restarting");
  if (!is_peer(ping.sender)) return bare_ack(self_, ping);
  std::string why;
  std::optional<ms::Message> message = to_message(ms::MessageKind::kPing, ping, &why);
  if (!message) return refused(why);
  ms::Effects effects = member_.on_message(now_locked(), ping.sender, *message);
  std::optional<ms::Message> ack;
  for (auto it = effects.sends.begin(); it != effects.sends.end(); ++it) {
    if (it->to == ping.sender && it->message.kind == ms::MessageKind::kAck && it->message.seq == ping.seq) {
      ack = std::move(it->message);
      effects.sends.erase(it);
      break;
    }
  }
  carry_out(std::move(effects));
  if (ack) return to_probe(self_, *ack);
  if (member_.expelled()) return refused(self_ + " was declared dead by its cluster");
  return refused("the ping is for '" + ping.target.substr(0, 64) + "', not " + self_);
}

gtype::Status Group::take_ping_req(const Probe& ping_req) {
  std::lock_guard lock(mutex_);
  if (stopping_) return refused("SWIM is restarting");
  std::string why;
  std::optional<ms::Message> message = to_message(ms::MessageKind::kPingReq, ping_req, &why);
  if (!message) return refused(why);
  if (!answers_.try_emplace({ping_req.sender, ping_req.seq}).second)
    return refused("a ping-req with this seq is already being served");
  carry_out(member_.on_message(now_locked(), ping_req.sender, *message));
  return gtype::Status();
}

gtype::Result<Group::Answer> Group::await_answer(const std::string& prober, std::uint64_t seq) {
  std::unique_lock lock(mutex_);
  const auto key = std::pair(prober, seq);
  // The prober waits until the end of its period, about this long after its ping-req.
  answered_.wait_for(lock, options_.protocol_period - options_.ack_timeout, [&] {
    auto it = answers_.find(key);
    return stopping_ || it == answers_.end() || it->second.has_value();
  });
  auto it = answers_.find(key);
  if (it == answers_.end()) return refused("the ping-req was dropped");
  std::optional<ms::Message> answer = std::move(it->second);
  answers_.erase(it);
  if (!answer) return refused(stopping_ ? "SWIM is restarting" : "no answer within the prober's period");
  return Answer{answer->kind == ms::MessageKind::kAck, to_probe(self_, *answer)};
}

void Group::forget(const std::string& prober, std::uint64_t seq) {
  std::lock_guard lock(mutex_);
  answers_.erase({prober, seq});
}

void Group::on_reply(const std::string& peer, ms::MessageKind kind, const Probe& reply) {
  std::lock_guard lock(mutex_);
  if (stopping_ || reply.sender != peer) return;  // an answer from whoever took over the address: not ours
  std::string why;
  std::optional<ms::Message> message = to_message(kind, reply, &why);
  if (!message) return;  // garbled: as good as lost
  carry_out(member_.on_message(now_locked(), peer, *message));
}

std::vector<ms::MemberView> Group::members() const {
  std::lock_guard lock(mutex_);
  return member_.members();
}

// ---- Link ----

void Link::run() {
  // Bound on first use, and dropped (with their sockets) when the thread ends.
  std::unique_ptr<ping_prober::Role> ping_role;
  std::unique_ptr<req_prober::Role> ping_req_role;
  while (true) {
    ms::Message message;
    {
      std::unique_lock lock(mutex_);
      posted_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      message = std::move(queue_.front());
      queue_.pop_front();
    }
    if (message.kind == ms::MessageKind::kPing) ping(ping_role, message);
    if (message.kind == ms::MessageKind::kPingReq) ping_req(ping_req_role, message);
  }
}

void Link::ping(std::unique_ptr<ping_prober::Role>& role, const ms::Message& message) {
  if (!role) {
    rt::Directory directory;
    directory.set("target", peer_addresses_.ping);
    rt::EndpointOptions options;
    options.connect_timeout = options.receive_timeout = options_.ack_timeout;
    gtype::Result<ping_prober::Role> bound =
        bind_prober<ping_prober::Role>(group_.network(), "SwimPing", daemon_address_, name_ + ".ping",
                                       directory, options, options_.ack_timeout);
    if (!bound.ok()) return cannot_bind(bound.error());
    role = std::make_unique<ping_prober::Role>(std::move(*bound));
  }
  // Any failure (no ack within the ack timeout, a lost or refusing target) is "no ack".
  gtype::Result<ping_prober::Start> start = role->start();
  if (!start.ok()) return;
  gtype::Result<ping_prober::AfterPing> pinged = std::move(*start).connect_ping(to_probe(self_, message));
  if (!pinged.ok()) return;
  gtype::Result<ping_prober::AfterPing::Ack> ack = std::move(*pinged).receive();
  if (!ack.ok()) return;
  group_.on_reply(peer_, ms::MessageKind::kAck, ack->value);
}

void Link::ping_req(std::unique_ptr<req_prober::Role>& role, const ms::Message& message) {
  if (!role) {
    rt::Directory directory;
    directory.set("helper", peer_addresses_.ping_req);
    rt::EndpointOptions options;
    options.connect_timeout = options_.ack_timeout;
    // The helper answers once its own ping is acked or its ack timeout passed; after the
    // period the answer no longer counts.
    options.receive_timeout = options_.protocol_period - options_.ack_timeout;
    gtype::Result<req_prober::Role> bound =
        bind_prober<req_prober::Role>(group_.network(), "SwimPingReq", daemon_address_, name_ + ".ping-req",
                                      directory, options, options_.ack_timeout);
    if (!bound.ok()) return cannot_bind(bound.error());
    role = std::make_unique<req_prober::Role>(std::move(*bound));
  }
  gtype::Result<req_prober::Start> start = role->start();
  if (!start.ok()) return;
  gtype::Result<req_prober::AfterPingReq> asked =
      std::move(*start).connect_ping_req(to_probe(self_, message));
  if (!asked.ok()) return;
  gtype::Result<req_prober::AfterPingReq::Branch> answer = std::move(*asked).receive();
  if (!answer.ok()) return;
  if (auto* ack = std::get_if<req_prober::AfterPingReq::Ack>(&*answer)) {
    group_.on_reply(peer_, ms::MessageKind::kAck, ack->value);
  } else if (auto* nack = std::get_if<req_prober::AfterPingReq::Nack>(&*answer)) {
    group_.on_reply(peer_, ms::MessageKind::kNack, nack->value);
  }
}

// ---- the served endpoints ----

namespace {

// A SwimPing session, as `target`: acks the ping as the group's Member does (the group of
// this node when the session started, if any); before the first formation, with a bare ack
// (see bare_ack).
class PingTarget final : public ping_target::Handler {
 public:
  PingTarget(const std::string& node_id, std::shared_ptr<Group> group)
      : node_id_(node_id), group_(std::move(group)) {}
  void on_ping(const Probe& ping) override {
    answer_ = group_ ? group_->answer_ping(ping) : bare_ack(node_id_, ping);
  }
  gtype::Result<Probe> choose_ack() override { return answer_; }
  // A refused or lost session is the prober's "no ack": nothing to report here.
  void failed(const gtype::Status&) override {}

 private:
  const std::string& node_id_;
  std::shared_ptr<Group> group_;
  gtype::Result<Probe> answer_ = refused("no ping was received");
};

// A SwimPingReq session, as `helper`: hands the ping-req to the group, then waits for
// Member's ack or nack.
class PingReqHelper final : public req_helper::Handler {
 public:
  explicit PingReqHelper(std::shared_ptr<Group> group) : group_(std::move(group)) {}
  void on_ping_req(const Probe& ping_req) override {
    prober_ = ping_req.sender;
    seq_ = ping_req.seq;
    if (group_) taken_ = group_->take_ping_req(ping_req);
  }
  gtype::Result<req_helper::AfterPingReq::Choice> choose_ack_or_nack() override {
    if (!taken_.ok()) return taken_;
    taken_ = refused("answered");  // from here on, await_answer has the group forget it
    gtype::Result<Group::Answer> answer = group_->await_answer(prober_, seq_);
    if (!answer.ok()) return answer.error();
    if (answer->ack)
      return req_helper::AfterPingReq::Choice(req_helper::AfterPingReq::Ack{std::move(answer->probe)});
    return req_helper::AfterPingReq::Choice(req_helper::AfterPingReq::Nack{std::move(answer->probe)});
  }
  void failed(const gtype::Status&) override {
    if (taken_.ok()) group_->forget(prober_, seq_);
  }

 private:
  std::shared_ptr<Group> group_;
  std::string prober_;
  std::uint64_t seq_ = 0;
  gtype::Status taken_ = refused("not in a cluster");  // ok while the group waits to answer it
};

// What decides whether a new formation restarts SWIM: who is in it and where they are.
bool same_group(const sorts::NodeFormation& a, const sorts::NodeFormation& b) {
  return a.new_id == b.new_id && a.members == b.members && a.member_addresses == b.member_addresses &&
         a.topology == b.topology && a.region == b.region && a.cluster == b.cluster;
}

}  // namespace

// ---- Node ----

struct Node::Served {
  std::unique_ptr<ping_target::Role> ping;
  std::unique_ptr<req_helper::Role> ping_req;
};

Node::Node(system::Network network, std::string daemon_address, std::string node_id, Addresses addresses,
           const SwimOptions& options, ChangeSink sink)
    : network_(std::move(network)),
      daemon_address_(std::move(daemon_address)),
      node_id_(std::move(node_id)),
      addresses_(std::move(addresses)),
      options_(options),
      sink_(std::move(sink)),
      served_(std::make_unique<Served>()) {}

Node::~Node() {
  std::shared_ptr<Group> group;
  {
    std::lock_guard lock(mutex_);
    group = std::move(group_);
  }
  if (group) group->stop();
}

gtype::Result<std::unique_ptr<Node>> Node::bind(const system::Network& network,
                                                const std::string& daemon_address, const std::string& node_id,
                                                const SwimOptions& options, ChangeSink sink) {
  if (!(options.ack_timeout > std::chrono::milliseconds(0) && options.ack_timeout < options.protocol_period &&
        options.suspicion_timeout > std::chrono::milliseconds(0))) {
    return gtype::Status{gtype::StatusCode::kConfig,
                         "SWIM needs 0 < ack timeout < protocol period and a suspicion timeout above 0"};
  }
  std::optional<Addresses> addresses = derive_addresses(daemon_address);
  if (!addresses) {
    return gtype::Status{
        gtype::StatusCode::kConfig,
        "cannot derive SWIM's addresses from '" + daemon_address +
            "': a tcp://HOST:PORT with a port from 1 to 65533, or an ipc:// or inproc:// address"};
  }
  gtype::Result<ping_target::Role> ping =
      network.bind_at<ping_target::Role>("SwimPing", addresses->ping, rt::Directory());
  if (!ping.ok()) return ping.error();
  gtype::Result<req_helper::Role> ping_req =
      network.bind_at<req_helper::Role>("SwimPingReq", addresses->ping_req, rt::Directory());
  if (!ping_req.ok()) return ping_req.error();
  std::unique_ptr<Node> node(
      new Node(network, daemon_address, node_id, std::move(*addresses), options, std::move(sink)));
  node->served_->ping = std::make_unique<ping_target::Role>(std::move(*ping));
  node->served_->ping_req = std::make_unique<req_helper::Role>(std::move(*ping_req));
  return node;
}

void Node::form(const sorts::NodeFormation& formation) {
  std::lock_guard lock(mutex_);
  const std::optional<sorts::NodeFormation>& latest = wanted_ ? wanted_ : running_;
  if (latest && same_group(*latest, formation)) return;
  wanted_ = formation;
  formed_.notify_all();
}

void Node::leave() {
  std::lock_guard lock(mutex_);
  wanted_.reset();
  running_.reset();  // a formation of the same group afterwards starts it again
  leaving_ = true;
  formed_.notify_all();
}

void Node::add_to(system::Host& host) {
  host.add("SwimPing/target", [this](const std::atomic<bool>& stop) {
    return served_->ping->serve(
        per_session([this] { return std::make_unique<PingTarget>(node_id_, current()); }), stop);
  });
  host.add("SwimPingReq/helper", [this](const std::atomic<bool>& stop) {
    return served_->ping_req->serve(
        per_session([this] { return std::make_unique<PingReqHelper>(current()); }), stop);
  });
  host.add("SWIM", [this](const std::atomic<bool>& stop) { return run_groups(stop); });
}

std::vector<ms::MemberView> Node::members() const {
  std::shared_ptr<Group> group = current();
  return group ? group->members() : std::vector<ms::MemberView>();
}

std::shared_ptr<Group> Node::current() const {
  std::lock_guard lock(mutex_);
  return group_;
}

gtype::Status Node::run_groups(const std::atomic<bool>& stop) {
  std::unique_lock lock(mutex_);
  while (!stop.load()) {
    formed_.wait_for(lock, std::chrono::milliseconds(50), [this] { return wanted_ || leaving_; });
    if (std::exchange(leaving_, false)) {
      std::shared_ptr<Group> left = std::exchange(group_, nullptr);
      lock.unlock();
      if (left) left->stop();
      lock.lock();
      continue;
    }
    if (!wanted_) continue;
    sorts::NodeFormation formation = std::move(*wanted_);
    wanted_.reset();
    running_ = formation;  // what form() compares with from now on
    const std::uint64_t generation = generation_++;
    lock.unlock();
    // The new group takes over the served endpoints at once, before the old one stops: a gap
    // in between would refuse pings, and peers would suspect this member for nothing.
    auto group = std::make_shared<Group>(network_, formation.new_id, daemon_address_, generation, formation,
                                         options_, sink_);
    group->start();
    lock.lock();
    std::shared_ptr<Group> old = std::exchange(group_, std::move(group));
    lock.unlock();
    if (old) old->stop();
    lock.lock();
  }
  std::shared_ptr<Group> last = std::move(group_);
  lock.unlock();
  if (last) last->stop();
  return gtype::Status();
}

// ---- EventLog ----

EventLog::EventLog(std::string log_address, std::string node, system::Network network)
    : log_address_(std::move(log_address)), node_(std::move(node)), network_(std::move(network)) {}

void EventLog::post(const Change& change) {
  std::lock_guard lock(mutex_);
  if (queue_.size() >= kMaxLoggedBacklog) {
    ++dropped_;
    return;
  }
  queue_.push_back(change);
  posted_.notify_one();
}

gtype::Status EventLog::run(const std::atomic<bool>& stop) {
  rt::Directory directory;
  directory.set("log", log_address_);
  rt::EndpointOptions options;
  options.connect_timeout = options.receive_timeout = std::chrono::milliseconds(2000);
  Reporter reporter(network_, directory, options);
  while (!stop.load()) {
    std::vector<Change> changes;
    std::size_t dropped = 0;
    {
      std::unique_lock lock(mutex_);
      posted_.wait_for(lock, std::chrono::milliseconds(50), [this] { return !queue_.empty(); });
      changes.swap(queue_);
      std::swap(dropped, dropped_);
    }
    if (dropped > 0) {
      system::log_warn("SWIM: " + std::to_string(dropped) +
                       " membership changes were not logged (backlog full)");
    }
    for (const Change& change : changes) {
      const std::string message = describe(change);
      system::log_event(
          change.kind == ms::EventKind::kAlive ? system::LogLevel::kInfo : system::LogLevel::kWarn,
          "SWIM: " + message, {{"member", change.member}, {"swim", change_label(change.kind)}});
      // Once stopping, a log service that is away must not hold the daemon up.
      if (log_address_.empty() || stop.load()) continue;
      const bool bad = change.kind != ms::EventKind::kAlive;
      gtype::Status logged = reporter.record("", bad ? "warning" : "info",
                                             {{"service", "daemon"},
                                              {"node", node_},
                                              {"member", change.member},
                                              {"swim", change_label(change.kind)}},
                                             message);
      if (!logged.ok()) {
        system::log_warn("SWIM: cannot log: " + logged.message());
      }
    }
  }
  return gtype::Status();
}

}  // namespace c12s::services::swim
