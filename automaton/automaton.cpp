// Pass: local type -> communicating finite-state machine.
//
// `mu t.S` is the state of S, with `t` jumping back to it; a choice is one state offering the
// first action of every branch; `end` is a state without transitions. Recursion must be guarded
// (check/ guarantees it), so every variable resolves to a state that offers actions. States not
// reachable from the initial one (left over from merging choice branches) are dropped, and the
// rest renumbered breadth-first, so the numbering depends on the local type alone.
#include "gtype/automaton.h"

#include "gtype/print.h"

#include <cassert>
#include <deque>
#include <map>
#include <optional>


namespace gtype {

bool Automaton::only_accepts(std::uint32_t state) const {
  const auto& out = states[state].out;
  if (out.empty()) return false;
  for (const Transition& t : out) {
    if (t.kind != ActionKind::kAccept) return false;
  }
  return true;
}

bool Automaton::initial_reentered() const {
  for (const AutomatonState& s : states) {
    for (const Transition& t : s.out) {
      if (t.target == 0) return true;
    }
  }
  return false;
}

std::int32_t AutomatonSystem::role_index(const std::string& role) const {
  for (std::size_t i = 0; i < roles.size(); ++i) {
    if (roles[i] == role) return static_cast<std::int32_t>(i);
  }
  return -1;
}

namespace {

ActionKind action_of(LocalKind kind) {
  switch (kind) {
    case LocalKind::kSend:
      return ActionKind::kSend;
    case LocalKind::kReceive:
      return ActionKind::kReceive;
    case LocalKind::kConnect:
      return ActionKind::kConnect;
    case LocalKind::kAccept:
      return ActionKind::kAccept;
    default:
      assert(kind == LocalKind::kDisconnect);
      return ActionKind::kDisconnect;
  }
}

class MachineBuilder {
 public:
  MachineBuilder(AutomatonSystem& system, std::vector<AutomatonState>& states)
      : system_(system), states_(states) {}

  std::uint32_t build(const LocalTypePtr& type) {
    switch (type->kind) {
      case LocalKind::kVar: {
        auto it = variables_.find(type->variable);
        assert(it != variables_.end() && "well-formed: bound recursion variable");
        return it->second;
      }
      case LocalKind::kEnd:
        // One end state per machine: configurations that differ only in which `end` a role
        // reached are the same configuration.
        if (!end_state_) end_state_ = new_state(type);
        return *end_state_;
      case LocalKind::kRec: {
        const std::uint32_t head = new_state(type);
        auto saved = variables_.find(type->variable) != variables_.end()
                         ? std::optional<std::uint32_t>(variables_[type->variable])
                         : std::nullopt;
        variables_[type->variable] = head;
        const std::uint32_t body = build(type->next);
        assert(body != head && "well-formed: guarded recursion");
        states_[head].out = states_[body].out;
        if (saved) {
          variables_[type->variable] = *saved;
        } else {
          variables_.erase(type->variable);
        }
        return head;
      }
      case LocalKind::kChoice: {
        const std::uint32_t state = new_state(type);
        for (const LocalTypePtr& branch : type->branches) {
          const std::uint32_t first = build(branch);
          const auto offered = states_[first].out;  // copy: states_ may grow
          states_[state].out.insert(states_[state].out.end(), offered.begin(), offered.end());
        }
        return state;
      }
      default: {
        const std::uint32_t state = new_state(type);
        const std::uint32_t target = build(type->next);
        states_[state].out.push_back(Transition{action_of(type->kind), peer(type->peer.text),
                                                message(type->message), target});
        return state;
      }
    }
  }

 private:
  std::uint32_t new_state(const LocalTypePtr& type) {
    states_.push_back(AutomatonState{{}, type});
    return static_cast<std::uint32_t>(states_.size() - 1);
  }

  std::uint32_t peer(const std::string& role) const {
    const std::int32_t index = system_.role_index(role);
    assert(index >= 0 && "well-formed: peers are roles of the system");
    return static_cast<std::uint32_t>(index);
  }

  std::int32_t message(const std::optional<Message>& m) {
    if (!m) return kNoMessage;
    for (std::size_t i = 0; i < system_.messages.size(); ++i) {
      if (same_message(system_.messages[i], *m)) return static_cast<std::int32_t>(i);
    }
    system_.messages.push_back(*m);
    return static_cast<std::int32_t>(system_.messages.size() - 1);
  }

  AutomatonSystem& system_;
  std::vector<AutomatonState>& states_;
  std::map<std::string, std::uint32_t> variables_;
  std::optional<std::uint32_t> end_state_;
};

// Keeps the states reachable from `initial`, numbered breadth-first.
std::vector<AutomatonState> renumber(const std::vector<AutomatonState>& states, std::uint32_t initial) {
  std::vector<std::int64_t> number(states.size(), -1);
  std::vector<std::uint32_t> order{initial};
  number[initial] = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (const Transition& t : states[order[i]].out) {
      if (number[t.target] >= 0) continue;
      number[t.target] = static_cast<std::int64_t>(order.size());
      order.push_back(t.target);
    }
  }
  std::vector<AutomatonState> result;
  for (std::uint32_t old : order) {
    AutomatonState s = states[old];
    for (Transition& t : s.out) t.target = static_cast<std::uint32_t>(number[t.target]);
    result.push_back(std::move(s));
  }
  return result;
}

}  // namespace

AutomatonSystem build_automata(std::string name, bool explicit_connections, const std::vector<RoleType>& roles) {
  AutomatonSystem system;
  system.name = std::move(name);
  system.explicit_connections = explicit_connections;
  for (const RoleType& role : roles) system.roles.push_back(role.role);
  for (const RoleType& role : roles) {
    std::vector<AutomatonState> states;
    const std::uint32_t initial = MachineBuilder(system, states).build(role.type);
    system.machines.push_back(Automaton{role.role, renumber(states, initial)});
  }
  return system;
}


std::string print_transition(const AutomatonSystem& system, const Transition& t) {
  static constexpr const char* kSymbols[] = {"!", "?", "!!", "??", "#"};  // by ActionKind
  std::string text = system.roles.at(t.peer) + kSymbols[static_cast<int>(t.kind)];
  if (t.message != kNoMessage) text += print_message(system.messages.at(static_cast<std::size_t>(t.message)));
  return text;
}

}  // namespace gtype
