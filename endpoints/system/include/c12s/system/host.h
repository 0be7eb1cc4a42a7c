// Running a service process: its loops on threads, stopped together.
//
// A service serves several endpoints (one per role it plays) and may run workers; each is a
// loop that returns when the stop flag it is given is set, or with an error. Host runs them
// until the caller's stop flag is set (by a signal: stop_on_signals) or one of them fails,
// then stops the others and returns the first failure. It does not restart anything.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "gtype/status.h"

namespace c12s::system {

// Sets the returned flag on SIGINT or SIGTERM (installed once per process).
const std::atomic<bool>& stop_on_signals();

class Host {
 public:
  using Loop = std::function<gtype::Status(const std::atomic<bool>& stop)>;

  void add(std::string name, Loop loop);
  // Ok when `stop` was set and every loop returned ok; else the first failure, as
  // "NAME: message".
  gtype::Status run(const std::atomic<bool>& stop);

 private:
  std::vector<std::pair<std::string, Loop>> loops_;
};

}  // namespace c12s::system
