// UTF-8 as the front end reads it (RFC 3629).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gtype {

// Length of the valid UTF-8 sequence at the start of `text` (no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0 when it is invalid or `text` is empty.
std::size_t utf8_sequence_length(std::string_view text);

// `text` with every byte that begins no valid sequence replaced by U+FFFD, one character each:
// the columns of a diagnostic count it so.
std::string utf8_sanitized(std::string_view text);

}  // namespace gtype
