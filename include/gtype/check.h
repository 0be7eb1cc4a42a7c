// Well-formedness of a loaded program (check/).
//
// Checks what the contract's section 1 requires of a file before projection: declarations and
// names, payload sorts, roles, choices, recursion, `do`, and the connection discipline of
// explicit protocols; for local systems, the shape of each local type. Every error is reported.
// Not checked here: projectability (projection/) and safety or progress (verify/).
#pragma once

#include "gtype/diagnostic.h"
#include "gtype/program.h"

namespace gtype {

// Reports every well-formedness error of every file in `program`. A program with syntax errors
// must not be checked (its AST is partial).
void check_well_formed(const Program& program, DiagnosticEngine& diagnostics);

}  // namespace gtype
