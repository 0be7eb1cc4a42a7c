// The contract's semantics (section 2) on packed configurations: the parts of explorer.h that
// are not on the hot path (initial configuration, end of a role, stuck configurations, words).
#include <algorithm>
#include <cassert>
#include <map>
#include <set>

#include "explorer.h"

namespace gtype::verifier {
namespace {

// 'name', built by appending: GCC 12 warns falsely (-Wrestrict) on "'" + std::string.
std::string quoted(const std::string& name) {
  std::string out(1, '\'');
  out += name;
  out += '\'';
  return out;
}

std::string quoted_list(const std::vector<std::string>& all, const std::vector<std::uint32_t>& which) {
  std::string out;
  for (std::uint32_t i : which) {
    if (!out.empty()) out += ", ";
    out += quoted(all[i]);
  }
  return out;
}

}  // namespace

Semantics::Semantics(const AutomatonSystem& system, const Layout& layout) : system_(system), layout_(layout) {
  for (const Automaton& machine : system.machines) {
    FlatMachine flat;
    for (const AutomatonState& state : machine.states) {
      flat.first.push_back(static_cast<std::uint32_t>(flat.transitions.size()));
      flat.transitions.insert(flat.transitions.end(), state.out.begin(), state.out.end());
    }
    flat.first.push_back(static_cast<std::uint32_t>(flat.transitions.size()));
    flat.resting = resting_states(machine);
    flat_.push_back(std::move(flat));
  }
}

void Semantics::initial(std::uint8_t* config) const {
  std::memset(config, 0, layout_.size());
  // Every machine starts in state 0; no pair is connected; every queue is empty.
}

void Semantics::leave(std::uint8_t* next, std::uint32_t role, std::uint32_t target) const {
  layout_.set_state(next, role, target);
  if (!system_.explicit_connections || !is_end(role, target)) return;
  // `end` disconnects the role from everyone.
  for (std::uint32_t other = 0; other < layout_.roles(); ++other)
    layout_.set_connected(next, role, other, false);
}

void Semantics::observe(std::vector<Observation>* out, ViolationKind kind, std::uint32_t subject,
                        std::uint32_t peer, std::int32_t message) const {
  if (out == nullptr) return;
  const std::string self = quoted(system_.roles[subject]);
  const std::string other = quoted(system_.roles[peer]);
  const std::string what = quoted(label(message));
  std::string detail;
  switch (kind) {
    case ViolationKind::kUnconnected:
      detail = message == kNoMessage
                   ? self + " waits for a message from " + other + ", but they are not connected"
                   : self + " must send " + what + " to " + other + ", but they are not connected";
      break;
    case ViolationKind::kConnectionError:
      detail = self + " connects to " + other + ", which it is already connected to";
      break;
    case ViolationKind::kSynchronisationError:
      detail = self + " connects to " + other + " with " + what + ", which " + other + " does not accept";
      break;
    case ViolationKind::kReceptionError:
      detail = self + " cannot receive " + what + " from " + other + " in its current state";
      break;
    case ViolationKind::kOrphanMessage:
      detail =
          what + " from " + other + " is left in the queue of " + self + ", which has ended or not joined";
      break;
    default:
      assert(false && "terminal and progress violations are recorded elsewhere");
  }
  out->push_back(Observation{kind, {std::min(subject, peer), std::max(subject, peer)}, std::move(detail)});
}

std::string Semantics::label(std::int32_t message) const {
  return message == kNoMessage ? std::string("(no message)") : system_.messages[message].label.text;
}

// No step is possible and no queue is full: every role has ended or is idle, or some are stuck.
void Semantics::observe_terminal(const std::uint8_t* c, std::vector<Observation>& out) const {
  const std::uint32_t roles = layout_.roles();
  std::vector<std::uint32_t> stuck;
  for (std::uint32_t r = 0; r < roles; ++r) {
    if (!ended(c, r) && !idle(c, r)) stuck.push_back(r);
  }
  if (stuck.empty()) return;
  // A stuck configuration already explained (say, waiting on a peer it is not connected to)
  // is not reported a second time as a deadlock.
  for (const Observation& o : out) {
    if (o.kind == ViolationKind::kUnconnected || o.kind == ViolationKind::kReceptionError ||
        o.kind == ViolationKind::kSynchronisationError || o.kind == ViolationKind::kConnectionError) {
      return;
    }
  }
  // Who waits for whom: a receive, a connect or an accept waits for the peer to act. An idle
  // role waits too (to be connected): a cycle through it and a stuck role is still a deadlock.
  std::vector<std::set<std::uint32_t>> waits(roles);
  for (std::uint32_t r = 0; r < roles; ++r) {
    if (ended(c, r)) continue;
    for (const Transition& t : this->out(r, layout_.state(c, r))) {
      if (t.kind != ActionKind::kDisconnect && !ended(c, t.peer)) waits[r].insert(t.peer);
    }
  }
  // A cycle through a stuck role: the first stuck role that waits, through others, on itself;
  // breadth first, so the shortest such cycle (the graph is tiny).
  for (std::uint32_t start : stuck) {
    std::vector<std::uint32_t> reached{start};
    std::vector<std::uint32_t> parent(roles, roles);  // `roles`: not reached
    for (std::size_t i = 0; i < reached.size(); ++i) {
      const std::uint32_t r = reached[i];
      if (waits[r].count(start) == 0) {
        for (std::uint32_t p : waits[r]) {
          if (p != start && parent[p] == roles) {
            parent[p] = r;
            reached.push_back(p);
          }
        }
        continue;
      }
      std::vector<std::uint32_t> cycle{start};
      for (std::uint32_t at = r; at != start; at = parent[at]) cycle.push_back(at);
      std::sort(cycle.begin(), cycle.end());
      out.push_back(Observation{ViolationKind::kDeadlock, cycle,
                                quoted_list(system_.roles, cycle) + " wait for each other"});
      return;
    }
  }
  out.push_back(Observation{ViolationKind::kUnfinishedRole, stuck,
                            quoted_list(system_.roles, stuck) + (stuck.size() == 1 ? " has" : " have") +
                                " not finished, and no step is possible"});
}

}  // namespace gtype::verifier
