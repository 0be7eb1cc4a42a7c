// Running the front end on a stack that fits its recursion.
//
// The parser, the passes, projection and the printers recurse along a protocol's sequences:
// a protocol at the limits (kMaxInlinedStatements statements once `do` is inlined) needs a
// stack far deeper than a thread's default 8 MiB. `gtype`, the tests at the limits and the
// fuzz targets run the front end through this.
#pragma once

#include <cstddef>
#include <functional>

namespace gtype {

// The stack every caller of the front end should give it: reserved, only touched as deep inputs
// need it.
inline constexpr std::size_t kFrontendStackBytes = std::size_t{1} << 30;

// Runs `body` on a thread with a stack of kFrontendStackBytes and waits for it; runs it on the
// calling thread when no such thread can be made.
void run_on_large_stack(const std::function<void()>& body);

}  // namespace gtype
