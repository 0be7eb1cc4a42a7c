// What the two round-trip comparisons of BenchPingPong (ping_pong.gtype) share: the generated
// server and client over a ZeroMQ transport with given options, and the interleaving of two
// clients in one process. ping_pong.cpp compares the generated API with raw cppzmq;
// curve.cpp compares the generated API over CURVE with the same over plaintext.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtype/rt/transport.h>

namespace bench {

constexpr int kTimeoutMs = 5000;  // receive timeout, as the runtime's default
constexpr int kStartupMs = 20000;

struct PingPongConfig {
  std::string transport;
  long rounds = 0;  // measured round trips per side
  long window = 1;
  long block = 0;
  long warmup = 0;
};

// --transport tcp|ipc (tcp), --rounds N (20000), --window W (1), --block B and --warmup K (by
// W: 500 and 2000 for W = 1, else 5000 and 20000); false when one is out of range.
bool read_ping_pong_config(const std::vector<std::string>& args, PingPongConfig& config);

// One client of the comparison: runs round trips on demand, W sessions at once.
class Client {
 public:
  virtual ~Client() = default;
  // Opens the W sessions (W > 1: sends their first pings).
  virtual std::string open() = 0;
  // Runs n more round trips; with W = 1, appends each one's time (ns) to `rtt`.
  virtual std::string run(long n, std::vector<double>& rtt) = 0;
  // Ends every session with bye.
  virtual std::string close() = 0;
};

// The generated server, in a child process (spawn's body): binds a transport with `options`,
// writes its address on `out`, and serves sessions, a session object each, until the parent
// has written on `in` how many sessions it opened in all and that many are over (or until the
// parent is gone). 0 when no session failed.
int gen_server(const PingPongConfig& config, const gtype::rt::ZmqOptions& options, int in, int out);
// Tells a gen_server child how many sessions it had in all, once the parent knows.
bool tell_sessions(int to, long sessions);

// The generated client, over a transport with `options` bound at the config's transport: state
// channels for W = 1, W session objects in serve() otherwise. Throws when it cannot bind.
std::unique_ptr<Client> gen_client(const PingPongConfig& config, const std::string& server,
                                   const gtype::rt::ZmqOptions& options);

// One member of a comparison, and what its measured blocks gave.
struct Side {
  const char* name = "";
  std::unique_ptr<Client> client;
  std::vector<double> rtt;  // W = 1: every measured round trip, ns
  std::int64_t ns = 0;      // time its measured blocks took
  std::vector<double> block_p50;
  std::vector<double> block_p99;
  std::vector<double> block_rate;
};

// Opens both sides, runs each one's warm-up, then the measured blocks of B round trips taking
// turns (sides[0] first in even pairs, sides[1] in odd ones), then closes both. An error names
// the side that failed; empty when all went well.
std::string interleave(const PingPongConfig& config, Side (&sides)[2]);

// Prints, with a leading space each, NAME_rt_per_s (and for W = 1 NAME_p50_us, NAME_p99_us) of
// both sides, then PREFIXrtt_p50_ratio and PREFIXrtt_p99_ratio (W = 1) and
// PREFIXthroughput_ratio: the medians over the pairs of blocks of sides[0] over sides[1].
void print_comparison(const PingPongConfig& config, Side (&sides)[2], const std::string& prefix);

// The median of `values`.
double median(std::vector<double> values);

}  // namespace bench
