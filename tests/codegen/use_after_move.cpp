// Input of the test codegen_use_after_move: clang-tidy's bugprone-use-after-move must flag the
// second action on `state`, which the first has consumed. Not compiled into anything: at run
// time the same mistake returns kConsumedState (generated_code_test.cpp).
#include <utility>

#include "codegen_samples.h"

namespace pp = gtype_gen::ping_pong;

bool ping_twice(pp::client::Role& role) {
  auto started = role.start();
  if (!started) return false;
  pp::client::Start state = std::move(*started);
  auto first = std::move(state).connect_ping(1);
  auto second = std::move(state).connect_ping(2);  // the mistake
  return first.ok() && second.ok();
}
