// Time as the store keeps it: wall-clock milliseconds since the Unix epoch.
//
// Stored times (lease deadlines, task and log times) must mean the same thing after a restart,
// which steady_clock's do not, so the store uses system_clock's epoch. It never reads a clock:
// every operation that needs the time takes `now` from its caller, so tests and simulations
// run without waiting, and the caller decides what a clock step backwards means.
#pragma once

#include <chrono>
#include <cstdint>

namespace c12s::store {

using Time = std::chrono::sys_time<std::chrono::milliseconds>;

inline std::int64_t to_millis(Time time) { return time.time_since_epoch().count(); }
inline Time from_millis(std::int64_t millis) { return Time(std::chrono::milliseconds(millis)); }

}  // namespace c12s::store
