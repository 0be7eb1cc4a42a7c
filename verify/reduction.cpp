#include "reduction.h"

#include <functional>

namespace gtype::verifier {
namespace {

// The states of `machine` from which a state where `bad` holds is reachable by transitions that
// `allowed` lets through (backward breadth-first search from the bad states).
std::vector<bool> reaching(const Automaton& machine, const std::function<bool(std::uint32_t)>& bad,
                           const std::function<bool(const Transition&)>& allowed) {
  const auto count = static_cast<std::uint32_t>(machine.states.size());
  std::vector<std::vector<std::uint32_t>> predecessors(count);
  for (std::uint32_t s = 0; s < count; ++s) {
    for (const Transition& t : machine.states[s].out) {
      if (allowed(t)) predecessors[t.target].push_back(s);
    }
  }
  std::vector<bool> reaches(count, false);
  std::vector<std::uint32_t> todo;
  for (std::uint32_t s = 0; s < count; ++s) {
    if (bad(s)) {
      reaches[s] = true;
      todo.push_back(s);
    }
  }
  while (!todo.empty()) {
    const std::uint32_t s = todo.back();
    todo.pop_back();
    for (std::uint32_t p : predecessors[s]) {
      if (!reaches[p]) {
        reaches[p] = true;
        todo.push_back(p);
      }
    }
  }
  return reaches;
}

bool has_transition(const AutomatonState& state, ActionKind kind, std::uint32_t peer) {
  for (const Transition& t : state.out) {
    if (t.kind == kind && t.peer == peer) return true;
  }
  return false;
}

}  // namespace

Reduction::Reduction(const AutomatonSystem& system, const Semantics& semantics)
    : semantics_(semantics), roles_(static_cast<std::uint32_t>(system.roles.size())) {
  const Layout& layout = semantics.layout();
  info_.resize(roles_);
  for (std::uint32_t r = 0; r < roles_; ++r) {
    const Automaton& m = system.machines[r];
    for (const AutomatonState& state : m.states) {
      StateInfo info;
      if (!state.out.empty()) {
        const Transition& first = state.out.front();
        info.shape = first.kind == ActionKind::kSend      ? Shape::kSends
                     : first.kind == ActionKind::kReceive ? Shape::kReceives
                                                          : Shape::kOther;
        info.peer = first.peer;
        for (const Transition& t : state.out) {
          if (t.kind != first.kind || t.peer != first.peer) info.shape = Shape::kOther;
          info.may_end = info.may_end || m.is_end(t.target);
        }
        if (info.peer == r) info.shape = Shape::kOther;
      }
      info_[r].push_back(info);
    }
  }
  breaks_.resize(static_cast<std::size_t>(roles_) * roles_);
  addresses_.resize(static_cast<std::size_t>(roles_) * roles_);
  for (std::uint32_t p = 0; p < roles_; ++p) {
    const Automaton& m = system.machines[p];
    for (std::uint32_t r = 0; r < roles_; ++r) {
      if (r == p) continue;
      const std::size_t pair = static_cast<std::size_t>(p) * roles_ + r;
      // `p` addresses `r`: a send or a connect to r is reachable in p's machine.
      addresses_[pair] = reaching(
          m,
          [&](std::uint32_t s) {
            return has_transition(m.states[s], ActionKind::kSend, r) ||
                   has_transition(m.states[s], ActionKind::kConnect, r);
          },
          [](const Transition&) { return true; });
      if (layout.queue(r, p) < 0) continue;  // r never sends to p
      // `p` breaks the connection to `r`: it ends, or (explicit connections) disconnects r.
      auto breaks = [&](std::uint32_t s) {
        return m.is_end(s) ||
               (system.explicit_connections && has_transition(m.states[s], ActionKind::kDisconnect, r));
      };
      auto without_r = [&](const Transition& t) {
        return t.peer != r || (t.kind != ActionKind::kReceive && t.kind != ActionKind::kAccept);
      };
      auto without_accepting_r = [&](const Transition& t) {
        return t.peer != r || t.kind != ActionKind::kAccept;
      };
      const std::vector<bool> empty_queue = reaching(m, breaks, without_r);
      const std::vector<bool> queued = reaching(m, breaks, without_accepting_r);
      breaks_[pair].resize(m.states.size());
      for (std::size_t s = 0; s < m.states.size(); ++s) {
        breaks_[pair][s] = static_cast<std::uint8_t>((empty_queue[s] ? 1 : 0) | (queued[s] ? 2 : 0));
      }
    }
  }
  for (const auto& role : info_) memory_bytes_ += role.size() * sizeof(StateInfo);
  for (const auto& pair : breaks_) memory_bytes_ += pair.size();
  for (const auto& pair : addresses_) memory_bytes_ += pair.size() / 8;
}

void Reduction::candidates(const std::uint8_t* config, std::vector<std::uint32_t>& out) const {
  out.clear();
  for (std::uint32_t r = 0; r < roles_; ++r) {
    if (qualifies(config, r)) out.push_back(r);
  }
}

bool Reduction::qualifies(const std::uint8_t* c, std::uint32_t r) const {
  const Layout& layout = semantics_.layout();
  const std::uint32_t state = layout.state(c, r);
  const StateInfo& info = info_[r][state];
  const std::uint32_t p = info.peer;
  bool may_end = false;
  switch (info.shape) {
    case Shape::kOther:
      return false;
    case Shape::kReceives: {
      const std::uint32_t head = layout.head(c, layout.queue(p, r));
      if (head == 0) return false;
      bool enabled = false;
      for (const Transition& t : semantics_.out(r, state)) {
        if (static_cast<std::uint32_t>(t.message) + 1 != head) continue;
        enabled = true;
        may_end = may_end || semantics_.is_end(r, t.target);
      }
      if (!enabled) return false;  // a reception error: the role is stuck here
      break;
    }
    case Shape::kSends: {
      const std::int32_t q = layout.queue(r, p);
      if (!semantics_.connected(c, r, p) || layout.full(c, q)) return false;
      if (may_break(p, layout.state(c, p), r, layout.head(c, q) != 0)) return false;
      may_end = info.may_end;
      break;
    }
  }
  return !may_end || !addressed_by_others(c, r);
}

bool Reduction::may_break(std::uint32_t peer, std::uint32_t state, std::uint32_t role, bool queued) const {
  const std::vector<std::uint8_t>& bits = breaks_[static_cast<std::size_t>(peer) * roles_ + role];
  return (bits[state] & (queued ? 2 : 1)) != 0;
}

bool Reduction::addressed_by_others(const std::uint8_t* c, std::uint32_t role) const {
  const Layout& layout = semantics_.layout();
  for (std::uint32_t other = 0; other < roles_; ++other) {
    if (other != role && addresses_[static_cast<std::size_t>(other) * roles_ + role][layout.state(c, other)])
      return true;
  }
  return false;
}

}  // namespace gtype::verifier
