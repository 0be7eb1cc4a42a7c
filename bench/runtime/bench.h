// What the runtime benchmarks share: child processes talking to their parent over pipes, a
// monotonic clock that every process of the machine reads alike, addresses, and percentiles.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bench {

// CLOCK_MONOTONIC in nanoseconds: the same clock in every process, so times taken in several
// processes can be compared.
std::int64_t now_ns();

// A child process and two pipes: `to` (parent writes, child reads) and `from` (child writes).
struct Child {
  int pid = -1;
  int to = -1;
  int from = -1;
};

// Forks; the child runs body(in, out) with its ends of the pipes and exits with its result.
// The child closes the parent's ends of every pipe spawn() made before. Call it before the
// calling process opens any ZeroMQ socket (a forked ZeroMQ context is unusable).
Child spawn(const std::function<int(int in, int out)>& body);
// Waits for the child; its exit status (128 + signal when killed).
int wait_child(Child& child);
// SIGKILLs the child (if still there) and reaps it.
void kill_child(Child& child);

bool write_line(int fd, const std::string& line);
// One line (without '\n'), waiting at most timeout_ms; nullopt on timeout, EOF or error.
std::optional<std::string> read_line(int fd, int timeout_ms);

// "tcp://127.0.0.1:0" for tcp; for ipc, a fresh path under a temporary folder of this run,
// named after `role` (the folder goes away at exit).
std::string address_for(const std::string& transport, const std::string& role);

// The q-quantile (0..1) of `values`, by the nearest-rank method; sorts `values`.
double quantile(std::vector<double>& values, double q);

// --name value options: the value of `name`, or `fallback`.
std::string option(const std::vector<std::string>& args, const std::string& name, const std::string& fallback);
long option(const std::vector<std::string>& args, const std::string& name, long fallback);

// Subcommands (main.cpp dispatches).
int ping_pong(const std::vector<std::string>& args);     // ping_pong.cpp
int curve(const std::vector<std::string>& args);         // curve.cpp
int health_check(const std::vector<std::string>& args);  // health_check.cpp

}  // namespace bench
