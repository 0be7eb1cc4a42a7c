// What CURVE costs the generated API: BenchPingPong (ping_pong.gtype) over CURVE against the
// same over plaintext, measured in the same run, interleaved.
//
//   runtime_bench curve [--transport tcp|ipc] [--rounds N] [--window W] [--block B] [--warmup K]
//                       [--connects N] [--connect-ms T]
//
// Steady state: exactly as ping-pong compares the generated API with raw cppzmq (ping_pong.cpp,
// whose server, clients and interleaving this uses), with the generated API on both sides: one
// server process with a CURVE transport and one with a plaintext one, and in this process one
// client of each, taking turns in blocks of B round trips, after K warm-up round trips each.
// The connections, and their handshakes, are made during the warm-up: what is measured is the
// cost per frame (encryption, authentication, the transport's check of each frame's sender).
// Both transports have the same options but `curve`. The CURVE parties each admit the other's
// public key only, as a deployment's authorities would; the keys are made before the servers
// are forked, so each side knows the other's.
//
// Fresh sessions (--connects N, after the steady-state blocks): the cost of a connection, which
// CURVE pays once (its handshake, and the authority's admission). Each is a new transport and
// endpoint in this process, then a session's first round trip, timed from before the transport
// is made until the pong is in: the new transport binds, connects to the server and hands it
// the ping, and the server connects back to it to answer (two connections, so two handshakes
// for CURVE: each transport's ROUTER authenticates whoever connects to it). Then bye, and the
// transport is destroyed, untimed. Fresh sessions alternate, CURVE and plaintext taking turns
// to go first; one pair of each is a warm-up. They stop after N pairs or T milliseconds
// (default 10000), whichever comes first.
//
// Output, one line: curve_* and plain_* as ping-pong's gen_* and raw_* (p50_us, p99_us and
// rt_per_s), curve_rtt_p50_ratio, curve_rtt_p99_ratio (W = 1; a block's p99 is, with the
// default B = 500, its sixth slowest round trip) and curve_throughput_ratio (CURVE over
// plaintext, median over pairs of blocks); with --connects, connects (pairs measured),
// curve_connect_us and plain_connect_us (medians) and curve_connect_ratio (median over pairs).
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>

#include <bench_ping_pong/client.h>

#include "bench.h"
#include "ping_pong.h"

namespace bench {
namespace {

namespace rt = gtype::rt;
namespace pp = gtype_gen::bench_ping_pong;

// Admits the keys it was given, each as its principal.
class Admitted final : public rt::KeyAuthority {
 public:
  Admitted(const std::string& key, const std::string& principal) { admitted_[key] = principal; }
  std::optional<std::string> admit(std::string_view key) override {
    auto it = admitted_.find(std::string(key));
    if (it == admitted_.end()) return std::nullopt;
    return it->second;
  }
  void refused(const std::string& why) override {
    std::fprintf(stderr, "runtime_bench curve: %s\n", why.c_str());
  }

 private:
  std::map<std::string, std::string> admitted_;
};

// A CURVE transport's options: its own keys, and the one peer key it admits.
rt::ZmqOptions curve_options(const rt::CurveKeyPair& keys, const std::string& peer,
                             const std::string& principal) {
  rt::ZmqOptions options;
  options.curve = rt::ZmqOptions::Curve{keys, std::make_shared<Admitted>(peer, principal)};
  return options;
}

// The time (ns) a fresh session took until its first pong: a new transport with `options`, a
// new endpoint, start, ping, pong. Then bye, and the endpoint goes (untimed). Throws on error.
double fresh_session(const PingPongConfig& config, const std::string& server, const rt::ZmqOptions& options) {
  const std::int64_t start = now_ns();
  auto transport = rt::make_zmq_transport(address_for(config.transport, "fresh"), options);
  if (!transport) throw std::runtime_error("fresh client: " + transport.error().message());
  rt::Directory directory;
  directory.set("server", server);
  auto role = pp::client::Role::create(directory, std::move(*transport));
  if (!role) throw std::runtime_error("fresh client: " + role.error().message());
  auto s0 = role->start();
  if (!s0) throw std::runtime_error("fresh client: " + s0.error().message());
  auto s1 = std::move(*s0).send_ping(7);
  if (!s1) throw std::runtime_error("fresh client: ping: " + s1.error().message());
  auto pong = std::move(*s1).receive();
  if (!pong) throw std::runtime_error("fresh client: pong: " + pong.error().message());
  if (pong->value != 7) throw std::runtime_error("fresh client: pong " + std::to_string(pong->value));
  const double ns = static_cast<double>(now_ns() - start);
  auto end = std::move(pong->next).send_bye();
  if (!end) throw std::runtime_error("fresh client: bye: " + end.error().message());
  return ns;
}

// What the fresh sessions of each side took (ns), in pairs.
struct Connects {
  std::vector<double> curve;
  std::vector<double> plain;
  long warmup = 1;  // pairs run first, not measured
};

// Fresh sessions to both servers, in pairs, CURVE first in even pairs; at most `pairs` measured
// pairs, and none started after `limit_ms` (there is always one). Throws on error.
Connects measure_connects(const PingPongConfig& config, long pairs, long limit_ms,
                          const std::string (&servers)[2], const rt::ZmqOptions (&options)[2]) {
  Connects out;
  const std::int64_t deadline = now_ns() + limit_ms * 1000000;
  for (long pair = 0; pair < out.warmup + pairs; ++pair) {
    if (pair > out.warmup && now_ns() > deadline) break;
    double ns[2];
    for (long k = 0; k < 2; ++k) {
      const long side = (pair + k) % 2;
      ns[side] = fresh_session(config, servers[side], options[side]);
    }
    if (pair < out.warmup) continue;
    out.curve.push_back(ns[0]);
    out.plain.push_back(ns[1]);
  }
  return out;
}

void print_connects(const Connects& connects) {
  std::vector<double> ratios;
  for (std::size_t i = 0; i < connects.curve.size(); ++i)
    ratios.push_back(connects.curve[i] / connects.plain[i]);
  std::printf(" connects=%zu curve_connect_us=%.1f plain_connect_us=%.1f curve_connect_ratio=%.3f",
              connects.curve.size(), median(connects.curve) / 1e3, median(connects.plain) / 1e3,
              median(std::move(ratios)));
}

// Both parties' key pairs, made before any process is forked.
struct Keys {
  rt::CurveKeyPair client;
  rt::CurveKeyPair server;
};

std::optional<Keys> make_keys() {
  auto client = rt::generate_curve_key_pair();
  auto server = rt::generate_curve_key_pair();
  if (!client || !server) return std::nullopt;
  return Keys{*client, *server};
}

}  // namespace

int curve(const std::vector<std::string>& args) {
  PingPongConfig config;
  const long connects = option(args, "--connects", 0L);
  const long connect_ms = option(args, "--connect-ms", 10000L);
  if (!read_ping_pong_config(args, config) || connects < 0 || connect_ms < 0) {
    std::fprintf(stderr, "runtime_bench curve: bad options\n");
    return 2;
  }
  const std::optional<Keys> keys = make_keys();
  if (!keys) {
    std::fprintf(stderr, "runtime_bench curve: cannot make CURVE keys\n");
    return 1;
  }
  // [0]: CURVE, [1]: plaintext; the servers' options, then the clients'.
  const rt::ZmqOptions server_options[2] = {
      curve_options(keys->server, keys->client.public_key, "bench:client"), rt::ZmqOptions{}};
  const rt::ZmqOptions client_options[2] = {
      curve_options(keys->client, keys->server.public_key, "bench:server"), rt::ZmqOptions{}};
  Child servers[2];
  for (int i = 0; i < 2; ++i)
    servers[i] = spawn([&](int in, int out) { return gen_server(config, server_options[i], in, out); });
  const auto give_up = [&](const std::string& why) {
    std::fprintf(stderr, "runtime_bench curve: %s\n", why.c_str());
    for (Child& child : servers) kill_child(child);
    return 1;
  };
  std::string addresses[2];
  for (int i = 0; i < 2; ++i) {
    std::optional<std::string> address = read_line(servers[i].from, kStartupMs);
    if (!address) return give_up("a server did not start");
    addresses[i] = *address;
  }

  Side sides[2];
  Connects fresh;
  try {
    sides[0].name = "curve";
    sides[0].client = gen_client(config, addresses[0], client_options[0]);
    sides[1].name = "plain";
    sides[1].client = gen_client(config, addresses[1], client_options[1]);
    if (std::string error = interleave(config, sides); !error.empty()) return give_up(error);
    if (connects > 0) fresh = measure_connects(config, connects, connect_ms, addresses, client_options);
  } catch (const std::exception& e) {
    return give_up(e.what());
  }
  // Each pair of fresh sessions, warm-up or not, had one session with each server.
  const long fresh_sessions = connects > 0 ? fresh.warmup + static_cast<long>(fresh.curve.size()) : 0;
  for (Child& child : servers) {
    tell_sessions(child.to, config.window + fresh_sessions);
    if (int code = wait_child(child); code != 0)
      return give_up("a server exited with " + std::to_string(code));
  }
  for (Side& side : sides) side.client.reset();

  std::printf("transport=%s window=%ld round_trips=%ld block=%ld", config.transport.c_str(), config.window,
              config.rounds, config.block);
  print_comparison(config, sides, "curve_");
  if (!fresh.curve.empty()) print_connects(fresh);
  std::printf("\n");
  return 0;
}

}  // namespace bench
