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
//
// random_safe_file() keeps a stronger discipline instead ("inform-all"), which makes every
// protocol project and verify (contract, section 2: no violation of any kind, at any bound):
//   * every `choice at p` begins each branch with p telling every other role of the protocol a
//     label of that branch only (the same label to all, in one order fixed for the choice), by
//     `->` over a connection every path has or, explicit, by `->>` where no path has one; so no
//     role is ever dropped from a branch, and each role's receives from p follow p's sends;
//   * sends elsewhere go between any connected pair, with any payloads; loops are arbitrary
//     (mostly `while` loops beginning with a choice), since a loop with a way out is no bottom
//     component and a role left out of a loop with none has nothing left to do;
//   * `do` inlines an earlier protocol of the file (itself inform-all), but one with a choice only
//     when it binds every role, so that no role misses the branch of a choice.
// Why this is safe: in any reachable configuration, the earliest interaction of the global run
// not yet complete can happen (its sender has done everything before it and its queue holds
// nothing older; its receiver expects exactly it at the head), so nothing gets stuck, not even
// on a full queue of capacity 1, and nothing is left unreceived.
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

// A random well-formed file whose protocols all keep the inform-all discipline (see above).
rc::Gen<RandomFile> random_safe_file();

// How RapidCheck shows a generated file: as .gtype text, in the arrow spelling.
void showValue(const RandomFile& value, std::ostream& out);

}  // namespace gtype_test
