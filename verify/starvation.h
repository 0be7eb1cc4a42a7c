// Pass: strong liveness (`gtype verify --liveness strong`, Scribble's default check).
#pragma once

#include <cstdint>
#include <vector>

namespace gtype::verifier {

// One step of the state graph between two configurations of one strongly connected component,
// and the roles that act in it (`partner` is `actor` when only one role acts).
struct CycleStep {
  std::uint32_t from, to;
  std::uint32_t actor, partner;
};

// The configurations of the components with a cycle, in increasing order, and for each of them
// which roles are in the session there (neither ended nor idle): present[i * roles + r].
struct CycleStates {
  std::vector<std::uint32_t> configs;
  std::vector<bool> present;
};

inline constexpr std::uint32_t kNotStarved = UINT32_MAX;

// For each role, the lowest configuration (breadth-first index, so the nearest to the start)
// that lies on a cycle of `steps` along which the role is in the session and never acts; or
// kNotStarved. A role is in the session or not by its own state, which does not change while it
// does not act, so "in the session throughout the cycle" is "in the session at its first state".
std::vector<std::uint32_t> starved_roles(std::uint32_t roles, const CycleStates& states,
                                         const std::vector<CycleStep>& steps);

}  // namespace gtype::verifier
