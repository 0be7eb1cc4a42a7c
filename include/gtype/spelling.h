// Spelling suggestions ("did you mean"), for names in protocols (check/) and on command lines
// (command_line.h): one notion of "close enough" for every message that suggests a name.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gtype {

// The optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// adjacent characters each count 1 (`lsit` is 1 from `list`, where plain Levenshtein says 2).
std::size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `name`, ignoring case, when it is close enough to be what was meant:
// within a third of the name's length (`sever` finds `server`), so that names shorter than three
// characters only match a different case (`a` does not suggest `b`). Empty when none is; `name`
// itself and empty candidates are never suggested.
std::string closest_spelling(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace gtype
