// Small text helpers of the model's messages. Private to c12s_model.
#pragma once

#include <string>
#include <string_view>

namespace c12s::model {

// 'text' (not "quoted": std::quoted would win by argument-dependent lookup), built by appending: GCC 12 warns
// falsely (-Wrestrict) on "'" + std::string.
inline std::string quote(std::string_view text) {
  std::string out(1, '\'');
  out += text;
  out += '\'';
  return out;
}

}  // namespace c12s::model
