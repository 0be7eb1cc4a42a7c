// Illegal uses of generated code do not compile: each CASE (1..N, see CMakeLists.txt) is built
// on its own and must fail with the diagnostic named there; CASE 0, the legal version of
// the same code, is built with everything else. (compile_test.cpp checks the same rules with
// static_asserts; this shows what the compiler tells a user who breaks them.)
#include <cstdint>
#include <string>
#include <utility>

#include "codegen_samples.h"

namespace pp = gtype_gen::ping_pong;

// PingPong, client: server!!ping(int).mu loop.server?pong(int).+{ server!ping(int).loop ;
// server!bye(Point).end } Compiled, never run.
void use([[maybe_unused]] pp::client::Start start, [[maybe_unused]] pp::client::AfterLoopPong after_pong) {
#if CASE == 0  // legal: rvalue states, the state's own actions, results used
  auto connected = std::move(start).connect_ping(1);
  auto ended = std::move(after_pong).send_bye(pp::Point{1.0, 2.0});
  static_cast<void>(connected.ok() && ended.ok());
#elif CASE == 1  // an action on an lvalue state: it must be consumed (std::move)
  auto connected = start.connect_ping(1);
#elif CASE == 2  // an action the state does not have: Start connects, it does not receive
  auto received = std::move(start).receive();
#elif CASE == 3  // copying a state: there is one of each
  pp::client::Start copy = start;
#elif CASE == 4  // ignoring the next state ([[nodiscard]], an error under -Werror)
  std::move(start).connect_ping(1);
#elif CASE == 5  // a payload of the wrong sort
  auto connected = std::move(start).connect_ping(std::string("one"));
#elif CASE == 6  // making a state: only generated code starts sessions
  pp::client::Start made(nullptr, 0);
#elif CASE == 7  // a Handler that leaves out a callback
  struct Partial : pp::server::Handler {
    void on_ping(const std::int64_t&) override {}
  } partial;
#elif CASE == 8  // a branch out of order: bye needs a Point
  auto ended = std::move(after_pong).send_bye(1.5);
#endif
}

int main() { return 0; }
