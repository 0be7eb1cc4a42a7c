// Successor generation and safety observations on packed configurations (internal to verify/).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gtype/automaton.h"
#include "gtype/verify.h"
#include "layout.h"

namespace gtype::verifier {

// One step: a role's transition, and for connect the accepting role's transition.
struct Step {
  std::uint32_t role;
  std::uint32_t transition;   // index in the role's state's `out`
  std::int32_t partner = -1;  // accepting role of a connect
  std::uint32_t partner_transition = 0;
};

// What a configuration shows besides its successors.
struct Observation {
  ViolationKind kind;
  std::vector<std::uint32_t> roles;  // sorted
  std::string detail;
};

class Semantics {
 public:
  Semantics(const AutomatonSystem& system, const Layout& layout);

  const Layout& layout() const { return layout_; }
  // The transitions of `role` in `state`, read from one flat table per role: the hot path
  // touches nothing else of the automata.
  std::span<const Transition> out(std::uint32_t role, std::uint32_t state) const {
    const FlatMachine& m = flat_[role];
    return {m.transitions.data() + m.first[state], m.first[state + 1] - m.first[state]};
  }
  bool is_end(std::uint32_t role, std::uint32_t state) const {
    return flat_[role].first[state] == flat_[role].first[state + 1];
  }
  bool ended(const std::uint8_t* c, std::uint32_t role) const { return is_end(role, layout_.state(c, role)); }
  bool idle(const std::uint8_t* c, std::uint32_t role) const {
    return flat_[role].resting[layout_.state(c, role)];
  }
  bool connected(const std::uint8_t* c, std::uint32_t a, std::uint32_t b) const {
    if (system_.explicit_connections) return layout_.connected_bit(c, a, b);
    return !ended(c, a) && !ended(c, b);
  }

  void initial(std::uint8_t* config) const;

  // Calls emit(successor, step) for every step from `config`, using `scratch` (layout().size()
  // bytes) for successors. When `observations` is given, adds the violations `config` shows and
  // sets `bound_hit` when `config` is stuck only because a send waits for room in a full queue.
  // Returns the number of steps.
  template <typename Emit>
  std::uint32_t expand(const std::uint8_t* config, std::uint8_t* scratch, Emit&& emit,
                       std::vector<Observation>* observations, bool* bound_hit) const;

 private:
  void leave(std::uint8_t* next, std::uint32_t role, std::uint32_t target) const;
  // Records a violation of `subject` with `peer` about `message`; the words are built here, off
  // the hot path, only when observations are wanted.
  void observe(std::vector<Observation>* out, ViolationKind kind, std::uint32_t subject, std::uint32_t peer,
               std::int32_t message) const;
  void observe_terminal(const std::uint8_t* config, std::vector<Observation>& out) const;
  std::string label(std::int32_t message) const;

  struct FlatMachine {
    std::vector<std::uint32_t> first;  // first[s] .. first[s + 1]: the transitions of state s
    std::vector<Transition> transitions;
    std::vector<bool> resting;  // by state: the role is idle there (resting_states)
  };

  const AutomatonSystem& system_;
  const Layout& layout_;
  std::vector<FlatMachine> flat_;
};

}  // namespace gtype::verifier

#include "explorer_inl.h"
