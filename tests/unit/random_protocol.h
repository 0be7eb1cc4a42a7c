// Random well-formed .gtype files, for the property tests (properties_test.cpp).
//
// The generator builds the AST directly and, as it goes, keeps every rule of check/: declared
// roles and payload sorts, choices whose branches begin with distinct messages of the chooser,
// guarded `continue`s inside their `rec`, nothing after `continue` or `end`, and, in explicit
// protocols, the connection discipline of check/connections.cpp (a pair is connected on every
// path before `->` or `disconnect`, on no path before `->>`; a `continue` restores the
// connections its loop began with). In most protocols it also keeps a discipline that makes
// projection likely to succeed (a role learns the branch by a receive before it acts); the
// others are projected as they come, and may fail.
#pragma once

#include <ostream>

#include <rapidcheck.h>

#include "gtype/ast.h"

namespace gtype_test {

struct RandomFile {
  gtype::SourceFile file;
};

// A random well-formed file: payload declarations and one to three protocols, explicit or not,
// of two to five roles. Its size (statements, nesting) grows with RapidCheck's size, and it
// shrinks towards fewer and simpler statements.
rc::Gen<RandomFile> random_file();

// How RapidCheck shows a generated file: as .gtype text, in the arrow spelling.
void showValue(const RandomFile& value, std::ostream& out);

}  // namespace gtype_test
