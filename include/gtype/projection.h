// Projection of global protocols onto their roles (projection/).
//
// Hu & Yoshida (FASE 2017) with explicit connections, as the contract's section 1 defines it:
// send/receive, connect/accept, disconnect; the chooser's internal choice; for every other role,
// the branches where it does nothing are dropped and the rest merged (receives or accepts from
// one peer, distinct labels, same labels merged recursively). `do` is inlined, `rec` becomes `mu`.
#pragma once

#include <string>
#include <vector>

#include "gtype/ast.h"
#include "gtype/diagnostic.h"
#include "gtype/program.h"

namespace gtype {

struct RoleProjection {
  std::string role;
  LocalTypePtr type;
};

// Projects `protocol` (which must be well-formed, see check_well_formed) onto each of its roles,
// in declaration order. Where projection is undefined, reports why and returns false.
bool project_protocol(const Program& program, const GlobalProtocol& protocol,
                      DiagnosticEngine& diagnostics, std::vector<RoleProjection>& out);

}  // namespace gtype
