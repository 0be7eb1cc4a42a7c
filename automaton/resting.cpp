// Pass: the resting states of a machine, where a role is idle (the contract's section 2).
//
// A role rests where it waits as it did before it began: in a state that only accepts and whose
// behaviour is that of the initial state (which must only accept too). "Behaviour" is trace
// equivalence of the machine from two states, which for a deterministic machine (no state with
// two transitions of one kind, peer and message: choices tell their branches apart by label) is
// bisimilarity: so unfolding a loop once, which copies the initial state, keeps its copy a rest.
// Checked pairwise from the initial state with union-find (Hopcroft and Karp's equivalence test),
// each candidate state once. Not done: a nondeterministic machine (a hand-written local type with
// one label twice in a choice, which check/ rejects) rests in its initial state only.
#include <algorithm>
#include <numeric>
#include <tuple>
#include <utility>

#include "gtype/automaton.h"

namespace gtype {
namespace {

using Key = std::tuple<ActionKind, std::uint32_t, std::int32_t>;

// The transitions of `state` by (kind, peer, message), sorted; false when two share a key.
bool keyed(const AutomatonState& state, std::vector<std::pair<Key, std::uint32_t>>& out) {
  out.clear();
  for (const Transition& t : state.out) out.push_back({Key{t.kind, t.peer, t.message}, t.target});
  std::sort(out.begin(), out.end());
  return std::adjacent_find(out.begin(), out.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }) == out.end();
}

class Equivalence {
 public:
  explicit Equivalence(const Automaton& machine) : machine_(machine), parent_(machine.states.size()) {
    std::iota(parent_.begin(), parent_.end(), 0u);
  }

  // Whether states a and b have the same traces. Merges what it proves; a failed test leaves
  // merges behind that are not proved, so a failure discards them (see resting_states).
  bool same(std::uint32_t a, std::uint32_t b) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> todo{{a, b}};
    std::vector<std::pair<Key, std::uint32_t>> left, right;
    while (!todo.empty()) {
      auto [p, q] = todo.back();
      todo.pop_back();
      p = find(p);
      q = find(q);
      if (p == q) continue;
      if (!keyed(machine_.states[p], left) || !keyed(machine_.states[q], right)) return false;
      if (left.size() != right.size()) return false;
      for (std::size_t i = 0; i < left.size(); ++i) {
        if (left[i].first != right[i].first) return false;
        todo.emplace_back(left[i].second, right[i].second);
      }
      parent_[p] = q;
    }
    return true;
  }

 private:
  std::uint32_t find(std::uint32_t s) {
    while (parent_[s] != s) s = parent_[s] = parent_[parent_[s]];
    return s;
  }

  const Automaton& machine_;
  std::vector<std::uint32_t> parent_;
};

}  // namespace

std::vector<bool> resting_states(const Automaton& machine) {
  std::vector<bool> resting(machine.states.size(), false);
  if (machine.states.empty() || !machine.only_accepts(0)) return resting;
  resting[0] = true;
  std::vector<std::pair<Key, std::uint32_t>> initial_keys, keys;
  if (!keyed(machine.states[0], initial_keys)) return resting;
  for (std::uint32_t s = 1; s < machine.states.size(); ++s) {
    // A cheap filter first: the same first actions as the initial state.
    if (!keyed(machine.states[s], keys) || keys.size() != initial_keys.size()) continue;
    bool same_first = true;
    for (std::size_t i = 0; i < keys.size(); ++i)
      same_first = same_first && keys[i].first == initial_keys[i].first;
    if (!same_first) continue;
    Equivalence equivalence(machine);  // fresh: a failed test leaves unproved merges
    resting[s] = equivalence.same(0, s);
  }
  return resting;
}

}  // namespace gtype
