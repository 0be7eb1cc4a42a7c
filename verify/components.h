// Pass: the strongly connected components of the state graph, without its edges (internal to
// verify/).
//
// Tarjan's algorithm, iterative, asking for the successors of a configuration each time it needs
// them instead of reading a stored graph: once when it enters a configuration and once each time
// it comes back to it from a successor it entered. Memory is 4 bytes and 2 bits per
// configuration (its number, then its component; entered; done), plus the stacks of the search,
// at most 16 bytes per configuration on the path and 4 per configuration whose component is open.
// Checks nothing itself; says which components are bottom (no step leaves them) and which have a
// cycle (two configurations or more, or a step to itself), for the progress checks (verify.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace gtype::verifier {

struct Components {
  std::vector<std::uint32_t> of;  // component of each configuration
  std::vector<bool> bottom;       // by component: no step leaves it
  std::vector<bool> has_cycle;    // by component: some step stays in it
  std::size_t peak_bytes = 0;     // what the pass held at most
};

// `successors(v, out)` replaces `out` with the successors of configuration v, always the same
// ones in the same order; every successor is below `vertices`.
using SuccessorsOf = std::function<void(std::uint32_t, std::vector<std::uint32_t>&)>;

Components strong_components(std::uint32_t vertices, const SuccessorsOf& successors);

// The most the pass holds per configuration: its number, three bits (a byte, rounded up), a
// frame of the path and a place on the stack of open ones, when all are on them at once.
std::size_t components_bytes_per_state();

}  // namespace gtype::verifier
