// quoted(): how the store's messages show a name, 'like this'. Private to the store.
#pragma once

#include <string>
#include <string_view>

namespace c12s::store {

// Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, wrongly) on "'" + s + "'".
inline std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out.append(text);
  out += '\'';
  return out;
}

}  // namespace c12s::store
