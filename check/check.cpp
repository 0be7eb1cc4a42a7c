#include <cassert>

#include "gtype/check.h"
#include "passes.h"

namespace gtype {

void check_well_formed(const Program& program, DiagnosticEngine& diagnostics) {
  assert(!program.has_syntax_errors && "a program with syntax errors has a partial AST");
  check::check_declarations(program, diagnostics);
  check::check_roles(program, diagnostics);
  check::check_do_cycles(program, diagnostics);
  check::check_inline_size(program, diagnostics);
  check::check_recursion(program, diagnostics);
  check::check_choices(program, diagnostics);
  check::check_connections(program, diagnostics);
  check::check_local_systems(program, diagnostics);
}

}  // namespace gtype
