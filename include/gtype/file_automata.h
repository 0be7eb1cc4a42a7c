// The automata of a file, as `gtype verify`, `fsm` and `promela` build them (header only: it joins
// the front end and automaton/, which do not depend on each other).
#pragma once

#include <vector>

#include "gtype/automaton.h"
#include "gtype/frontend.h"

namespace gtype {

// One system per protocol of the root file (from its projections), then one per local system of
// the root file (from its entries), in declaration order. `result` must be free of errors.
inline std::vector<AutomatonSystem> file_automata(const FrontendResult& result) {
  std::vector<AutomatonSystem> systems;
  for (const ProtocolProjection& projection : result.projections) {
    std::vector<RoleType> roles;
    for (const RoleProjection& role : projection.roles) roles.push_back({role.role, role.type});
    systems.push_back(
        build_automata(projection.protocol->name.text, projection.protocol->explicit_connections, roles));
  }
  for (const LocalSystem& local : result.program.files.front().local_systems) {
    std::vector<RoleType> roles;
    for (const LocalRole& role : local.roles) roles.push_back({role.role.text, role.type});
    systems.push_back(build_automata(local.name.text, local.explicit_connections, roles));
  }
  return systems;
}

}  // namespace gtype
