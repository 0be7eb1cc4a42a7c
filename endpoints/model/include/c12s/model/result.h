// Results of the control plane's domain model: gtype's, the one error type of the project.
//
// Parsing user input (a selector, a YAML file) reports every mistake it finds as a
// gtype::Diagnostic with its place, the way a compiler does, into a gtype::DiagnosticReport that
// owns the texts they point into; a failed parse is Status::invalid_input(report), whose
// message() renders them as gtype's own (FILE:LINE:COL, the source line, a caret, then notes).
// Columns are 1-based bytes. Nothing in the model prints, throws at its callers or exits; the
// command line decides how to show the text.
#pragma once

#include "gtype/status.h"

namespace c12s::model {

using gtype::Result;
using gtype::Status;

}  // namespace c12s::model
