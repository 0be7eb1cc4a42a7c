// How the control plane's messages show a name or a value: 'like this'. One helper for the
// model's diagnostics and the stores' errors.
#pragma once

#include <string>
#include <string_view>

namespace c12s::model {

// 'text'. (Not "quoted": std::quoted would be found too, by argument-dependent lookup.) Built by
// appending: GCC 12 warns falsely (-Wrestrict) on "'" + std::string.
inline std::string quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out.append(text);
  out += '\'';
  return out;
}

}  // namespace c12s::model
