// The SWIM state machine, see member.h.
//
// Invariants (of Member::Impl):
//   - `members` holds every member this one knows of, self included; self is never kSuspect,
//     and is kDead only once `expelled`.
//   - A member's (state, incarnation) only moves up the precedence order of overrides(), and
//     every move is queued in `gossip`: a member passes on exactly the news it accepted.
//   - `probe` is the probe of the current protocol period (which ends at `period_end`), if the
//     period had anyone to probe. Seq numbers (of probes and of pings done for others) come
//     from one counter, so an ack is matched by its seq (and target) alone.
//   - `forwards` holds the pings this member does on behalf of a prober, until the target acks
//     (relayed to the prober) or ack_timeout passes (nack to the prober).
//   - Every std::map is iterated in key order and every random choice comes from `prng`, so
//     the outputs are a function of the seed and the inputs.
#include "c12s/membership/member.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <map>
#include <optional>
#include <utility>

#include "dissemination.h"
#include "prng.h"

namespace c12s::membership {
namespace {

struct Record {
  std::string address;
  State state = State::kAlive;
  std::uint64_t incarnation = 0;
  Time suspect_deadline{0};  // when a kSuspect member is declared dead
};

// SWIM's precedence: an update overrides what is known iff it ranks higher, where dead ranks
// above everything and otherwise (incarnation, suspect > alive) compare lexicographically.
// That is: alive(i) overrides suspect(j) iff i > j; suspect(i) overrides alive(j) iff i >= j;
// alive(i) and suspect(i) override their own kind iff i > j; dead overrides all but dead.
bool overrides(State state, std::uint64_t incarnation, const Record& known) {
  if (known.state == State::kDead) return false;
  if (state == State::kDead) return true;
  const int rank = state == State::kSuspect ? 1 : 0;
  const int known_rank = known.state == State::kSuspect ? 1 : 0;
  return std::pair(incarnation, rank) > std::pair(known.incarnation, known_rank);
}

EventKind event_for(State state) {
  switch (state) {
    case State::kAlive:
      return EventKind::kAlive;
    case State::kSuspect:
      return EventKind::kSuspected;
    case State::kDead:
      return EventKind::kDead;
  }
  return EventKind::kDead;
}

struct Probe {
  std::string target;
  std::uint64_t seq;
  Time ack_deadline;  // then ping-req through helpers
  bool acked = false;
  bool asked_helpers = false;
};

struct Forward {
  std::string prober;
  std::uint64_t prober_seq;
  std::string target;
  Time deadline;
};

}  // namespace

std::size_t retransmit_limit(std::size_t multiplier, std::size_t live_members) {
  // ⌈log2(n + 1)⌉ is the bit width of n.
  return multiplier * static_cast<std::size_t>(std::bit_width(live_members));
}

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::kJoined:
      return "joined";
    case EventKind::kSuspected:
      return "suspected";
    case EventKind::kAlive:
      return "alive";
    case EventKind::kDead:
      return "dead";
  }
  return "?";
}

struct Member::Impl {
  Impl(std::string self_id, const Config& cfg, std::uint64_t seed)
      : self(std::move(self_id)), config(cfg), prng(seed) {}

  // ---- membership view ----

  std::size_t live_members() const {
    return static_cast<std::size_t>(std::count_if(members.begin(), members.end(), [](const auto& entry) {
      return entry.second.state != State::kDead;
    }));
  }

  // Applies one update from the network or from this member's own detector.
  void apply(Time now, const Update& update, Effects* out) {
    if (update.member.empty()) return;  // decode() never yields one; a caller's bug should not add it
    if (update.member == self) return apply_about_self(update, out);
    auto it = members.find(update.member);
    if (it == members.end()) {
      Record record{update.address, update.state, update.incarnation, now + config.suspicion_timeout};
      members.emplace(update.member, record);
      if (update.state != State::kDead) {
        out->events.push_back(Event{EventKind::kJoined, update.member, update.incarnation});
        add_to_probe_order(update.member);
      }
      if (update.state != State::kAlive) {
        out->events.push_back(Event{event_for(update.state), update.member, update.incarnation});
      }
      gossip.enqueue(update);
      return;
    }
    Record& record = it->second;
    if (!overrides(update.state, update.incarnation, record)) return;
    const State before = record.state;
    record.state = update.state;
    record.incarnation = update.incarnation;
    if (record.address.empty()) record.address = update.address;
    if (update.state == State::kSuspect && before != State::kSuspect) {
      // Only a new suspicion starts the clock: one at a higher incarnation keeps it running.
      record.suspect_deadline = now + config.suspicion_timeout;
    }
    if (update.state != before) {
      out->events.push_back(Event{event_for(update.state), update.member, update.incarnation});
    }
    gossip.enqueue(Update{update.member, record.address, record.state, record.incarnation});
  }

  void apply_about_self(const Update& update, Effects* out) {
    Record& record = members.at(self);
    switch (update.state) {
      case State::kDead:
        // Confirmed dead by the group: nothing overrides it, so this member is out and must
        // not keep pinging a group that no longer has it.
        record.state = State::kDead;
        expelled = true;
        probe.reset();
        forwards.clear();
        out->events.push_back(Event{EventKind::kDead, self, record.incarnation});
        return;
      case State::kSuspect:
        // Refute: only this member raises its incarnation, and alive(i + 1) beats suspect(i).
        // A stale suspicion (already refuted) means its sender has not heard the refutation:
        // queue it again, with a fresh budget, so that the answer to the sender carries it.
        if (update.incarnation >= record.incarnation) record.incarnation = update.incarnation + 1;
        gossip.enqueue(Update{self, record.address, State::kAlive, record.incarnation});
        return;
      case State::kAlive:
        // Higher than ours only if this id ran before with a higher incarnation: adopt it so
        // that our next refutation beats what the group remembers.
        record.incarnation = std::max(record.incarnation, update.incarnation);
        return;
    }
  }

  // The probe of a period found no ack: suspect the target (at the incarnation we know, so a
  // refutation we already heard of is not overridden).
  void suspect(Time now, const std::string& id, Effects* out) {
    const Record& record = members.at(id);
    apply(now, Update{id, record.address, State::kSuspect, record.incarnation}, out);
  }

  // ---- probe target selection: round robin over a shuffled list ----

  // Between two probes of a member there are at most 2(n - 1) - 1 other periods: it is first
  // in one round and last in the next (time-bounded completeness, SWIM section 4.3).
  std::optional<std::string> next_target() {
    for (int attempt = 0; attempt < 2; ++attempt) {
      while (probe_next < probe_order.size()) {
        const std::string& id = probe_order[probe_next++];
        if (members.at(id).state != State::kDead) return id;
      }
      probe_order.clear();
      for (const auto& [id, record] : members) {
        if (id != self && record.state != State::kDead) probe_order.push_back(id);
      }
      prng.shuffle(&probe_order);
      probe_next = 0;
    }
    return std::nullopt;
  }

  // A new member goes to a random place among those not yet probed in this round, so that it
  // is probed in this round (SWIM section 4.3).
  void add_to_probe_order(const std::string& id) {
    const std::size_t place = probe_next + prng.below(probe_order.size() - probe_next + 1);
    probe_order.insert(probe_order.begin() + static_cast<std::ptrdiff_t>(place), id);
  }

  // ---- messages out ----

  // Every message piggybacks updates. One to a member we suspect first tells it so, outside
  // the retransmit budget (Lifeguard's "buddy system"), so that it can refute even after the
  // gossip about it has died down.
  void send(std::string to, MessageKind kind, std::uint64_t seq, std::string target, Effects* out) {
    const std::size_t limit = retransmit_limit(config.retransmit_multiplier, live_members());
    auto recipient = members.find(to);
    const bool suspected = recipient != members.end() && recipient->second.state == State::kSuspect;
    Message message{kind, seq, std::move(target),
                    gossip.take(config.max_piggyback - (suspected ? 1 : 0), limit)};
    if (suspected) {
      std::erase_if(message.updates, [&to](const Update& u) { return u.member == to; });  // no duplicate
      const Record& record = recipient->second;
      message.updates.insert(message.updates.begin(),
                             Update{to, record.address, State::kSuspect, record.incarnation});
    }
    out->sends.push_back(Send{std::move(to), std::move(message)});
  }

  void start_period(Time now, Effects* out) {
    period_end = now + config.protocol_period;
    probe.reset();
    std::optional<std::string> target = next_target();
    if (!target) return;  // alone
    probe = Probe{*target, next_seq++, now + config.ack_timeout};
    send(*target, MessageKind::kPing, probe->seq, *target, out);
  }

  void ask_helpers(Effects* out) {
    std::vector<std::string> helpers;
    for (const auto& [id, record] : members) {
      if (id != self && id != probe->target && record.state != State::kDead) helpers.push_back(id);
    }
    prng.sample(&helpers, config.indirect_probes);
    for (std::string& helper : helpers) {
      send(std::move(helper), MessageKind::kPingReq, probe->seq, probe->target, out);
    }
    probe->asked_helpers = true;
  }

  std::string self;
  Config config;
  Prng prng;
  // Never erased (a dead member stays, as kDead), self added by the constructor, probe targets
  // taken from it: members.at(self) and members.at(a probed id) cannot throw.
  std::map<std::string, Record> members;
  Dissemination gossip;
  std::vector<std::string> probe_order;
  std::size_t probe_next = 0;
  bool started = false;
  Time period_end{0};
  std::optional<Probe> probe;
  std::map<std::uint64_t, Forward> forwards;  // by the seq of our ping to the target
  std::uint64_t next_seq = 1;
  bool expelled = false;
  Time last_now = Time::min();
};

Member::Member(std::string self, const std::vector<Peer>& peers, const Config& config, std::uint64_t seed)
    : impl_(std::make_unique<Impl>(std::move(self), config, seed)) {
  assert(config.ack_timeout > Time::zero() && config.ack_timeout < config.protocol_period);
  assert(config.suspicion_timeout > Time::zero());
  assert(config.max_piggyback >= 1 && config.retransmit_multiplier >= 1);
  Impl& m = *impl_;
  for (const Peer& peer : peers) m.members.emplace(peer.id, Record{peer.address});
  m.members.try_emplace(m.self);
  // Announce ourselves: a member that started with a list the others lack (a late joiner)
  // becomes known through its first messages. Members that know us at 0 ignore it.
  m.gossip.enqueue(Update{m.self, m.members.at(m.self).address, State::kAlive, 0});
}

Member::~Member() = default;
Member::Member(Member&&) noexcept = default;
Member& Member::operator=(Member&&) noexcept = default;

Effects Member::tick(Time now) {
  Impl& m = *impl_;
  assert(now >= m.last_now);
  m.last_now = now;
  Effects out;
  if (m.expelled) return out;

  for (auto it = m.forwards.begin(); it != m.forwards.end();) {
    if (now < it->second.deadline) {
      ++it;
      continue;
    }
    Forward forward = std::move(it->second);
    it = m.forwards.erase(it);
    m.send(std::move(forward.prober), MessageKind::kNack, forward.prober_seq, std::move(forward.target),
           &out);
  }

  for (auto& [id, record] : m.members) {
    if (record.state == State::kSuspect && now >= record.suspect_deadline) {
      record.state = State::kDead;  // confirm: no refutation came in time
      out.events.push_back(Event{EventKind::kDead, id, record.incarnation});
      m.gossip.enqueue(Update{id, record.address, State::kDead, record.incarnation});
    }
  }

  if (!m.started || now >= m.period_end) {
    if (m.probe && !m.probe->acked) m.suspect(now, m.probe->target, &out);
    m.started = true;
    m.start_period(now, &out);
  } else if (m.probe && !m.probe->acked && !m.probe->asked_helpers && now >= m.probe->ack_deadline) {
    m.ask_helpers(&out);
  }
  return out;
}

Effects Member::on_message(Time now, const std::string& from, const Message& message) {
  Impl& m = *impl_;
  assert(now >= m.last_now);
  m.last_now = now;
  Effects out;
  if (m.expelled) return out;
  for (const Update& update : message.updates) {
    m.apply(now, update, &out);
    if (m.expelled) return out;
  }

  switch (message.kind) {
    case MessageKind::kPing:
      // A ping for another id (say, for the previous owner of this address) is not ours to ack.
      if (message.target == m.self) m.send(from, MessageKind::kAck, message.seq, m.self, &out);
      break;
    case MessageKind::kAck:
      if (auto it = m.forwards.find(message.seq);
          it != m.forwards.end() && it->second.target == message.target) {
        Forward forward = std::move(it->second);
        m.forwards.erase(it);
        m.send(std::move(forward.prober), MessageKind::kAck, forward.prober_seq, std::move(forward.target),
               &out);
      } else if (m.probe && m.probe->seq == message.seq && m.probe->target == message.target) {
        m.probe->acked = true;  // directly, or relayed by a helper; a late direct ack counts too
      }
      break;
    case MessageKind::kPingReq:
      if (message.target == m.self) {
        m.send(from, MessageKind::kAck, message.seq, m.self, &out);  // we are the target: say so
      } else {
        const std::uint64_t seq = m.next_seq++;
        m.forwards.emplace(seq, Forward{from, message.seq, message.target, now + m.config.ack_timeout});
        m.send(message.target, MessageKind::kPing, seq, message.target, &out);
      }
      break;
    case MessageKind::kNack:
      // The prober keeps waiting until the period ends: another helper may still relay an ack.
      // (Lifeguard would use missing nacks to doubt its own health; plain SWIM does not.)
      break;
  }
  return out;
}

Time Member::next_deadline() const {
  const Impl& m = *impl_;
  if (m.expelled) return Time::max();
  if (!m.started) return Time::min();
  Time next = m.period_end;
  if (m.probe && !m.probe->acked && !m.probe->asked_helpers) next = std::min(next, m.probe->ack_deadline);
  for (const auto& [seq, forward] : m.forwards) next = std::min(next, forward.deadline);
  for (const auto& [id, record] : m.members) {
    if (record.state == State::kSuspect) next = std::min(next, record.suspect_deadline);
  }
  return next;
}

std::vector<MemberView> Member::members() const {
  std::vector<MemberView> views;
  for (const auto& [id, record] : impl_->members) {
    views.push_back(MemberView{id, record.address, record.state, record.incarnation});
  }
  return views;
}

const std::string& Member::self() const { return impl_->self; }
std::uint64_t Member::incarnation() const { return impl_->members.at(impl_->self).incarnation; }
bool Member::expelled() const { return impl_->expelled; }

}  // namespace c12s::membership
