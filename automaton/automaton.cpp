// Pass: local type -> communicating finite-state machine.
//
// A state is a place in the local type where the role can act or has ended: an action, a
// choice, or `end` (one end state per machine). `mu t.S` and `t` are not states of their own:
// `mu t.S` is the state of S, and `t` the state of the `mu t.` that binds it; so `mu v.t` is the
// state of `t` (never an end), and `mu t.mu u.S` one state. A choice offers the first actions of
// all its branches. Recursion must be guarded (check/ guarantees it, reporting `mu t.t` and
// `mu t.mu u.t`), so every chain of `mu`s and variables ends at an action, a choice or `end`.
// The states reachable from the initial one are numbered breadth-first, transitions in the order
// the local type lists them, so the numbering depends on the local type alone. Not done: no
// minimisation (equal continuations at two places are two states).
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

// First the local type becomes a graph of nodes, one per place in the type (aliases for `mu`
// and variables, whose targets may not be known yet when they are made); then each action,
// choice and end node that the initial node reaches becomes a state.
class MachineBuilder {
 public:
  explicit MachineBuilder(AutomatonSystem& system) : system_(system) {}

  std::vector<AutomatonState> build_machine(const LocalTypePtr& type) {
    const std::uint32_t initial = build(type);
    name_loops();
    std::vector<AutomatonState> states;
    for (std::uint32_t node = 0; node < nodes_.size(); ++node) {
      states.push_back(
          AutomatonState{is_state(node) ? offered(node) : std::vector<Transition>{}, nodes_[node].shown});
    }
    return renumber(states, resolve(initial));
  }

 private:
  enum class NodeKind : std::uint8_t { kAction, kChoice, kEnd, kAlias };

  struct Node {
    NodeKind kind = NodeKind::kEnd;
    LocalTypePtr shown;                   // the local type that remains from here
    std::uint32_t target = 0;             // action: next node; alias: the node it stands for
    bool rec = false;                     // alias of a `mu` (not of a variable)
    bool named = false;                   // `shown` is the outermost `mu` of this state
    bool offering = false;                // its transitions are being gathered (offered)
    Transition action{};                  // action: its transition, but for the target state
    std::vector<std::uint32_t> branches;  // choice
  };

  std::uint32_t build(const LocalTypePtr& type) {
    switch (type->kind) {
      case LocalKind::kVar: {
        auto it = variables_.find(type->variable);
        assert(it != variables_.end() && "well-formed: bound recursion variable");
        return add(NodeKind::kAlias, type, it->second);
      }
      case LocalKind::kEnd:
        // One end state per machine: configurations that differ only in which `end` a role
        // reached are the same configuration.
        if (!end_node_) end_node_ = add(NodeKind::kEnd, type);
        return *end_node_;
      case LocalKind::kRec: {
        const std::uint32_t head = add(NodeKind::kAlias, type, 0, true);
        auto saved = variables_.find(type->variable) != variables_.end()
                         ? std::optional<std::uint32_t>(variables_[type->variable])
                         : std::nullopt;
        variables_[type->variable] = head;
        const std::uint32_t body = build(type->next);
        nodes_[head].target = body;
        if (saved) {
          variables_[type->variable] = *saved;
        } else {
          variables_.erase(type->variable);
        }
        return head;
      }
      case LocalKind::kChoice: {
        const std::uint32_t choice = add(NodeKind::kChoice, type);
        for (const LocalTypePtr& branch : type->branches) {
          const std::uint32_t first = build(branch);
          nodes_[choice].branches.push_back(first);
        }
        return choice;
      }
      default: {
        const std::uint32_t action = add(NodeKind::kAction, type);
        const std::uint32_t next = build(type->next);
        nodes_[action].target = next;
        // Messages are numbered in this order (after the continuation's), as they always were.
        nodes_[action].action =
            Transition{action_of(type->kind), peer(type->peer.text), message(type->message), 0};
        return action;
      }
    }
  }

  std::uint32_t add(NodeKind kind, const LocalTypePtr& type, std::uint32_t target = 0, bool rec = false) {
    Node node;
    node.kind = kind;
    node.shown = type;
    node.target = target;
    node.rec = rec;
    nodes_.push_back(std::move(node));
    return static_cast<std::uint32_t>(nodes_.size() - 1);
  }

  bool is_state(std::uint32_t node) const { return nodes_[node].kind != NodeKind::kAlias; }

  // The state a node stands for: aliases followed to an action, a choice or the end.
  std::uint32_t resolve(std::uint32_t node) const {
    for (std::size_t steps = 0; !is_state(node); ++steps) {
      assert(steps < nodes_.size() && "well-formed: guarded recursion");
      node = nodes_[node].target;
    }
    return node;
  }

  // A state reached through `mu`s is shown as the outermost of them (`mu t.mu u.S`, not S):
  // the type a reader wrote there. Outer `mu`s were added first.
  void name_loops() {
    for (std::uint32_t node = 0; node < nodes_.size(); ++node) {
      if (!nodes_[node].rec) continue;
      std::uint32_t at = nodes_[node].target;
      while (nodes_[at].rec) at = nodes_[at].target;
      if (nodes_[at].kind == NodeKind::kAction || nodes_[at].kind == NodeKind::kChoice) {
        if (!nodes_[at].named) {
          nodes_[at].named = true;
          nodes_[at].shown = nodes_[node].shown;
        }
      }
    }
  }

  // The transitions of a state: an action's one, or those of every branch of a choice.
  std::vector<Transition> offered(std::uint32_t state) {
    const Node& node = nodes_[state];
    if (node.kind == NodeKind::kEnd) return {};
    if (node.kind == NodeKind::kAction) {
      Transition t = node.action;
      t.target = resolve(node.target);
      return {t};
    }
    // A branch may be a variable (`+{ t ; … }`): guarded, so it never leads back here.
    assert(!nodes_[state].offering && "well-formed: guarded recursion");
    nodes_[state].offering = true;
    std::vector<Transition> out;
    for (std::uint32_t branch : node.branches) {
      const std::vector<Transition> first = offered(resolve(branch));
      out.insert(out.end(), first.begin(), first.end());
    }
    nodes_[state].offering = false;
    return out;
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
  std::vector<Node> nodes_;
  std::map<std::string, std::uint32_t> variables_;
  std::optional<std::uint32_t> end_node_;
};

}  // namespace

AutomatonSystem build_automata(std::string name, bool explicit_connections,
                               const std::vector<RoleType>& roles) {
  AutomatonSystem system;
  system.name = std::move(name);
  system.explicit_connections = explicit_connections;
  for (const RoleType& role : roles) system.roles.push_back(role.role);
  for (const RoleType& role : roles) {
    system.machines.push_back(Automaton{role.role, MachineBuilder(system).build_machine(role.type)});
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
