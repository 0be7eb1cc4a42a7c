// Printing ASTs and local types back as .gtype text.
//
// Printing is deterministic and re-parses to an equal AST (see same_file). Local types are
// printed in the thesis's notation, which is also what a `local system` accepts.
#pragma once

#include <string>

#include "gtype/ast.h"

namespace gtype {

enum class Spelling { kArrow, kScribble };

std::string print_sort(const SortRef& sort);
std::string print_message(const Message& message);  // label(S1, S2)
std::string print_local_type(const LocalType& type);
std::string print_protocol(const GlobalProtocol& protocol, Spelling spelling);
std::string print_file(const SourceFile& file, Spelling spelling);

}  // namespace gtype
