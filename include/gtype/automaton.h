// Communicating automata of a system of roles (automaton/).
//
// Each role's local type becomes a finite-state machine whose transitions are the role's
// actions; a system is the machines of all its roles with one table of messages. The verifier
// explores these machines and the code generator emits them, so both read one automaton.
// States are numbered breadth-first from the initial state 0, transitions in the order the
// local type lists them: the same local types give the same automaton, byte for byte.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gtype/ast.h"

namespace gtype {

enum class ActionKind : std::uint8_t { kSend, kReceive, kConnect, kAccept, kDisconnect };

inline constexpr std::int32_t kNoMessage = -1;

struct Transition {
  ActionKind kind;
  std::uint32_t peer;    // index of the other role in the system
  std::int32_t message;  // index in AutomatonSystem::messages, or kNoMessage (connect/accept
                         // without a message, disconnect)
  std::uint32_t target;  // state reached
};

struct AutomatonState {
  std::vector<Transition> out;  // empty: the role has ended
  LocalTypePtr type;            // the local type that remains to be done from this state
};

struct Automaton {
  std::string role;
  std::vector<AutomatonState> states;  // states[0] is the initial state

  bool is_end(std::uint32_t state) const { return states[state].out.empty(); }
  // Whether every transition of `state` is an accept (a role there waits to be let in).
  bool only_accepts(std::uint32_t state) const;
};

// Pass (automaton/resting.cpp): the states where the role rests, idle, as before it began: the
// initial state when it only accepts, and every state with the same behaviour as it (a loop that
// brought the role back there). Indexed by state.
std::vector<bool> resting_states(const Automaton& machine);

struct RoleType {
  std::string role;
  LocalTypePtr type;
};

struct AutomatonSystem {
  std::string name;
  bool explicit_connections = false;
  std::vector<std::string> roles;
  std::vector<Message> messages;  // distinct (label, payload) pairs, in order of first use
  std::vector<Automaton> machines;

  std::int32_t role_index(const std::string& role) const;  // -1 when absent
};

// A transition in the thesis's local notation, as its role sees it: `state!!active(NodeStatus)`,
// `nodes?resp(NodeList)`, `b#`.
std::string print_transition(const AutomatonSystem& system, const Transition& t);

// Builds the machines of well-formed local types (see check/ for local systems, projection/
// for global protocols): every peer must be one of `roles`, every recursion guarded and bound.
AutomatonSystem build_automata(std::string name, bool explicit_connections,
                               const std::vector<RoleType>& roles);

}  // namespace gtype
