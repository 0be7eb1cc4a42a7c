// Pass: strong liveness, Scribble's "role progress without fairness".
//
// Checks: in any cycle of the state graph reachable from the start, a role that is neither
// ended nor idle never acts there (some schedule starves it for ever). For each role the steps
// where it does not act, between configurations where it is in the session, form a subgraph;
// a configuration on a cycle of it (its strongly connected component has two configurations or
// a self-loop) is a violation. Does not check: eventual reception (the fair check does, in the
// bottom components, under either liveness), or whether the starved role could act at all on
// the cycle (a role waiting for a message that never comes is starved as well).
#include "starvation.h"

#include <algorithm>
#include <cassert>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>

namespace gtype::verifier {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

std::uint32_t position(const CycleStates& states, std::uint32_t config) {
  const auto it = std::lower_bound(states.configs.begin(), states.configs.end(), config);
  assert(it != states.configs.end() && *it == config && "a step of a cycle joins configurations of a cycle");
  return static_cast<std::uint32_t>(it - states.configs.begin());
}

// The lowest configuration on a cycle of the steps where `role` is in the session and idle
// about it, or kNotStarved.
std::uint32_t starved(std::uint32_t role, std::uint32_t roles, const CycleStates& states,
                      const std::vector<CycleStep>& steps) {
  const std::size_t n = states.configs.size();
  auto present = [&](std::uint32_t at) {
    return states.present[static_cast<std::size_t>(at) * roles + role];
  };
  Graph graph(n);
  std::vector<bool> self_loop(n, false);
  for (const CycleStep& step : steps) {
    if (step.actor == role || step.partner == role) continue;
    const std::uint32_t from = position(states, step.from), to = position(states, step.to);
    if (!present(from) || !present(to)) continue;
    boost::add_edge(from, to, graph);
    if (from == to) self_loop[from] = true;
  }
  std::vector<std::uint32_t> component(n);
  const std::size_t count = boost::strong_components(
      graph, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, graph)));
  std::vector<std::uint32_t> size(count, 0);
  for (std::uint32_t c : component) ++size[c];
  for (std::size_t at = 0; at < n; ++at) {  // configs are in increasing order: the first is the lowest
    if (present(static_cast<std::uint32_t>(at)) && (size[component[at]] > 1 || self_loop[at]))
      return states.configs[at];
  }
  return kNotStarved;
}

}  // namespace

std::vector<std::uint32_t> starved_roles(std::uint32_t roles, const CycleStates& states,
                                         const std::vector<CycleStep>& steps) {
  std::vector<std::uint32_t> out(roles, kNotStarved);
  for (std::uint32_t r = 0; r < roles; ++r) out[r] = starved(r, roles, states, steps);
  return out;
}

}  // namespace gtype::verifier
