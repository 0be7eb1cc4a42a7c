// JSON text for the commands' --json output: a string literal with what JSON requires escaped.
// Output is written by hand (one field after the other, in a fixed order: the same input gives
// the same bytes); there is no JSON reader here.
#pragma once

#include <string>

namespace gtype {

// `text` as a JSON string literal, quotes included.
std::string json_string(const std::string& text);

}  // namespace gtype
