// Round trips of BenchPingPong (ping_pong.gtype), through the generated API and through the
// same exchange written with raw cppzmq, measured in the same run, interleaved.
//
//   runtime_bench ping-pong --transport tcp|ipc [--rounds N] [--window W] [--block B] [--warmup K]
//
// Processes: one server per implementation (child processes: the generated server serves its
// sessions with session objects, a Handler each; the raw server is a loop over its ROUTER), and
// one client process (this one) that holds both clients and runs them in turn, B round trips at
// a time, gen first in one pair of blocks and raw first in the next, until each has made N. A
// block lasts tens of milliseconds, so load elsewhere on the machine (which comes and goes over
// seconds) hits both members of a pair alike; ratios are medians over the pairs. While one side
// runs, the other's processes wait in poll() and use no CPU.
//
// Each client runs W sessions at once, each with one ping in flight (a session's pings are
// sequential: the protocol alternates ping and pong). With W = 1, round trips are back to back
// over one session and each is timed, from before the ping is packed to after the pong is
// unpacked and checked (generated client: state channels, send_ping then receive); with W > 1
// the client answers each pong with its session's next ping (generated client: W session
// objects in serve(), which is what drives many sessions at once; raw client: frames in arrival
// order), and the measure is round trips per second. K warm-up round trips per side are not
// measured.
//
// Both implementations have the same process and socket layout and put the same bytes on the
// wire. Each process binds a ROUTER where it receives, and sends through one DEALER per peer
// address whose routing id is its own address (so replies go to the address the ROUTER saw);
// the server opens its DEALER back to a client on that client's first frame. Same socket
// options (heartbeats, high-water marks, linger, router handover), and a socket monitor on each
// DEALER reports a lost peer. Each frame is the runtime's envelope, a msgpack array
// ["c12s", 1, kind, "BenchPingPong", session, from, to, label, bin(payload)] whose payload is
// the msgpack array [n]. The raw receiver checks every field, the session, the sender's address,
// the label against where the session is, and the payload's type and value, and gives up after
// the same 5 s receive timeout. It is what a careful hand-written service does, without session
// types: the generated side adds the runtime's generic monitor and automaton on top of it. The
// raw side reads its ROUTER the better way for each measurement: poll then read one frame when
// one frame is in flight (W = 1), read without waiting and poll only when nothing is queued
// when several are (W > 1; 20-30% more round trips per second than polling for every frame, and
// what the runtime does too).
//
// Output, one line: per side p50_us, p99_us (W = 1) and rt_per_s (round trips over the time
// its blocks took), then rtt_p50_ratio and rtt_p99_ratio (median over pairs of gen block
// p50 / raw block p50, the same for p99; W = 1) and throughput_ratio (median over pairs of gen
// rate / raw rate).
//
// The generated server and client take the transport's options, and the interleaving of two
// clients is shared (ping_pong.h): curve.cpp compares the generated API over CURVE with the same
// over plaintext in the same way.
#include "ping_pong.h"

#include <poll.h>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <atomic>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <thread>
#include <unordered_map>

#include <bench_ping_pong/client.h>
#include <bench_ping_pong/server.h>

#include "bench.h"

namespace bench {
namespace {

namespace rt = gtype::rt;
namespace pp = gtype_gen::bench_ping_pong;

using Config = PingPongConfig;

// ============================================================================ generated API

// What the generated server's sessions share: how many are over and how many failed. It stops
// once all are over: how many there are in all is told by the parent (expect(), from another
// thread), since only the parent knows when it has opened its last one.
struct GenServerTally {
  std::atomic<bool>& stop;
  std::atomic<long> sessions{LONG_MAX};
  std::atomic<long> over{0};
  int failures = 0;  // the serve() thread's only

  void done() {
    if (++over >= sessions) stop = true;
  }
  // Both this and done() check after their own update: whichever comes last sees both.
  void expect(long total) {
    sessions = total;
    if (over >= sessions) stop = true;
  }
};

// One session of the generated server: pongs the ping's number.
class GenServer final : public pp::server::Handler {
 public:
  GenServer(rt::SessionId session, GenServerTally& tally) : session_(session), tally_(tally) {}

  void on_ping(const std::int64_t& value) override { last_ = value; }
  gtype::Result<std::int64_t> choose_pong() override { return last_; }
  void on_bye() override {}
  void ended() override { tally_.done(); }
  void failed(const gtype::Status& error) override {
    std::fprintf(stderr, "gen server: session %" PRIu64 " failed: %s\n", session_, error.message().c_str());
    ++tally_.failures;
    tally_.done();
  }

 private:
  rt::SessionId session_;
  GenServerTally& tally_;
  std::int64_t last_ = 0;
};

// Waits for the parent's line on `in` with the number of sessions in all, and tells `tally`;
// stops the server if the parent is gone. Returns once `stop` is set.
void watch_parent(int in, GenServerTally& tally) {
  pollfd item{in, POLLIN, 0};
  while (!tally.stop) {
    if (poll(&item, 1, 100) <= 0) continue;  // wakes to see whether the server stopped
    if (const std::optional<std::string> line = read_line(in, kTimeoutMs)) {
      tally.expect(std::atol(line->c_str()));
    } else {
      tally.stop = true;  // the parent is gone
    }
    return;
  }
}

pp::server::Role bind_gen_server(const Config& config, const rt::ZmqOptions& options) {
  auto transport = rt::make_zmq_transport(address_for(config.transport, "server"), options);
  if (!transport) throw std::runtime_error(transport.error().message());
  auto role = pp::server::Role::create(rt::Directory(), std::move(*transport));
  if (!role) throw std::runtime_error(role.error().message());
  return std::move(*role);
}

pp::client::Role bind_gen_client(const Config& config, const std::string& server,
                                 const rt::ZmqOptions& options) {
  rt::Directory directory;
  directory.set("server", server);
  auto transport = rt::make_zmq_transport(address_for(config.transport, "client"), options);
  if (!transport) throw std::runtime_error("gen client: " + transport.error().message());
  auto role = pp::client::Role::create(directory, std::move(*transport));
  if (!role) throw std::runtime_error("gen client: " + role.error().message());
  return std::move(*role);
}

// W = 1: one session, state channels.
class GenChannels final : public Client {
 public:
  GenChannels(const Config& config, const std::string& server, const rt::ZmqOptions& options)
      : role_(bind_gen_client(config, server, options)) {}

  std::string open() override {
    auto s0 = role_.start();
    if (!s0) return s0.error().message();
    state_.emplace(std::move(*s0));
    return "";
  }
  std::string run(long n, std::vector<double>& rtt) override {
    for (long i = 0; i < n; ++i, ++next_) {
      const std::int64_t sent = now_ns();
      auto s1 = std::move(*state_).send_ping(next_);
      if (!s1) return "ping: " + s1.error().message();
      auto pong = std::move(*s1).receive();
      if (!pong) return "pong: " + pong.error().message();
      if (pong->value != next_)
        return "pong " + std::to_string(pong->value) + " for ping " + std::to_string(next_);
      const std::int64_t taken = now_ns();
      rtt.push_back(static_cast<double>(taken - sent));
      *state_ = std::move(pong->next);
    }
    return "";
  }
  std::string close() override {
    auto end = std::move(*state_).send_bye();
    return end ? "" : "bye: " + end.error().message();
  }

 private:
  pp::client::Role role_;
  std::optional<pp::client::Start> state_;
  std::int64_t next_ = 0;
};

// What the W sessions of the generated client share with the benchmark: round trips done and
// wanted, whether to say bye, and the first error. Only the thread that runs serve() touches it.
struct GenWindow {
  long window = 0;
  std::atomic<bool> stop{false};
  long completed = 0;
  long target = 0;
  long ended = 0;
  bool closing = false;
  std::string error;
};

// One of the W sessions: its pings are numbered 0, 1, 2...; each pong must carry the last one.
class GenSession final : public pp::client::Handler {
 public:
  explicit GenSession(GenWindow& shared) : shared_(shared) {}

  gtype::Result<pp::client::Start::Choice> choose_ping_or_bye() override {
    if (shared_.closing) return pp::client::Start::Choice(pp::client::Start::Bye{});
    return pp::client::Start::Choice(pp::client::Start::Ping{sent_++});
  }
  void on_pong(const std::int64_t& value) override {
    if (value != sent_ - 1 && shared_.error.empty())
      shared_.error = "pong " + std::to_string(value) + " out of turn";
    if (++shared_.completed == shared_.target) shared_.stop = true;
  }
  void ended() override {
    if (++shared_.ended == shared_.window) shared_.stop = true;
  }
  void failed(const gtype::Status& error) override {
    if (shared_.error.empty()) shared_.error = error.message();
    shared_.stop = true;
  }

 private:
  GenWindow& shared_;
  std::int64_t sent_ = 0;
};

// W > 1: W sessions through serve(), each pong answered with the session's next ping; serve()
// returns once a block's round trips are done (the pings then in flight carry on in the next).
class GenServed final : public Client {
 public:
  GenServed(const Config& config, const std::string& server, const rt::ZmqOptions& options)
      : role_(bind_gen_client(config, server, options)) {
    shared_.window = config.window;
  }

  std::string open() override {
    for (long w = 0; w < shared_.window; ++w) {
      auto session = role_.start_served(std::make_unique<GenSession>(shared_));
      if (!session) return session.error().message();
    }
    return "";
  }
  std::string run(long n, std::vector<double>&) override {
    shared_.target = shared_.completed + n;
    return serve();
  }
  std::string close() override {
    shared_.closing = true;
    shared_.target = -1;
    return serve();
  }

 private:
  std::string serve() {
    shared_.stop = false;
    if (gtype::Status served = role_.serve(shared_.stop); !served) return served.message();
    return shared_.error;
  }
  GenWindow shared_;  // before role_, whose session objects refer to it
  pp::client::Role role_;
};

// ============================================================================ raw cppzmq

// The envelope's fields, as the runtime's encode() writes them.
constexpr std::string_view kMagic = "c12s";
constexpr std::uint64_t kVersion = 1;
constexpr std::uint64_t kMessage = 0;
constexpr std::uint64_t kAbort = 4;
constexpr std::string_view kProtocol = "BenchPingPong";

// A frame that passed the checks: its session, label, and [n] when it had one.
struct RawFrame {
  std::uint64_t session = 0;
  std::string label;
  std::optional<std::int64_t> value;
};

class RawCodec {
 public:
  RawCodec(std::string_view self, std::string_view peer) : self_(self), peer_(peer) {}

  // The frame of `label`, with payload [value] (or [] without one).
  const msgpack::sbuffer& encode(std::uint64_t session, std::string_view label,
                                 std::optional<std::int64_t> value) {
    payload_.clear();
    msgpack::packer<msgpack::sbuffer> p(payload_);
    p.pack_array(value ? 1 : 0);
    if (value) p.pack(*value);
    frame_.clear();
    msgpack::packer<msgpack::sbuffer> pk(frame_);
    pk.pack_array(9);
    pk.pack(kMagic);
    pk.pack(kVersion);
    pk.pack(kMessage);
    pk.pack(kProtocol);
    pk.pack(session);
    pk.pack(self_);
    pk.pack(peer_);
    pk.pack(label);
    pk.pack_bin(static_cast<std::uint32_t>(payload_.size()));
    pk.pack_bin_body(payload_.data(), static_cast<std::uint32_t>(payload_.size()));
    return frame_;
  }

  // Checks every field, as the runtime's decode() and monitor do; an error says what is wrong.
  std::string decode(const zmq::message_t& bytes, RawFrame& out) const {
    try {
      const msgpack::unpack_limit limit(16, 0, 1024, 64u << 20, 0, 2);
      std::size_t offset = 0;
      msgpack::object_handle handle = msgpack::unpack(static_cast<const char*>(bytes.data()), bytes.size(),
                                                      offset, nullptr, nullptr, limit);
      if (offset != bytes.size()) return "trailing bytes";
      const msgpack::object& top = handle.get();
      if (top.type != msgpack::type::ARRAY || top.via.array.size != 9) return "not an envelope";
      const msgpack::object* f = top.via.array.ptr;
      if (!is(f[0], kMagic)) return "wrong magic";
      if (f[1].type != msgpack::type::POSITIVE_INTEGER || f[1].via.u64 != kVersion) return "wrong version";
      if (f[2].type != msgpack::type::POSITIVE_INTEGER) return "bad kind";
      if (!is(f[3], kProtocol)) return "wrong protocol";
      if (f[4].type != msgpack::type::POSITIVE_INTEGER) return "bad session";
      if (!is(f[5], peer_) || !is(f[6], self_)) return "wrong roles";
      if (f[7].type != msgpack::type::STR || f[8].type != msgpack::type::BIN) return "bad label or payload";
      out.session = f[4].via.u64;
      if (f[2].via.u64 == kAbort) return "the peer aborted the session";
      if (f[2].via.u64 != kMessage) return "unexpected frame kind";
      out.label.assign(f[7].via.str.ptr, f[7].via.str.size);
      std::size_t at = 0;
      const msgpack::object_handle payload =
          msgpack::unpack(f[8].via.bin.ptr, f[8].via.bin.size, at, nullptr, nullptr, limit);
      if (at != f[8].via.bin.size || payload.get().type != msgpack::type::ARRAY) return "malformed payload";
      const msgpack::object_array& values = payload.get().via.array;
      const bool carries = out.label == "ping" || out.label == "pong";
      if (values.size != (carries ? 1u : 0u)) return "malformed payload of " + out.label;
      out.value.reset();
      if (carries) out.value = values.ptr[0].as<std::int64_t>();  // throws on a wrong type
    } catch (const std::exception& e) {
      return std::string("malformed frame: ") + e.what();
    }
    return "";
  }

 private:
  static bool is(const msgpack::object& o, std::string_view s) {
    return o.type == msgpack::type::STR && std::string_view(o.via.str.ptr, o.via.str.size) == s;
  }
  std::string_view self_;
  std::string_view peer_;
  msgpack::sbuffer payload_;
  msgpack::sbuffer frame_;
};

zmq::context_t& raw_context() {
  static zmq::context_t* const context = new zmq::context_t();  // never destroyed: it ends with the process
  return *context;
}

// A ROUTER where frames arrive, and a DEALER (with its monitor) to each peer address.
class RawSockets {
 public:
  // drain_first: take what is queued without waiting, and poll only when nothing is (better with
  // many frames in flight); else poll, then take one frame (better with one at a time).
  RawSockets(const std::string& address, bool drain_first)
      : router_(raw_context(), zmq::socket_type::router), drain_first_(drain_first) {
    router_.set(zmq::sockopt::linger, 0);
    router_.set(zmq::sockopt::router_handover, true);
    router_.set(zmq::sockopt::rcvhwm, 100000);
    heartbeats(router_);
    router_.bind(address);
    address_ = router_.get(zmq::sockopt::last_endpoint);
    items_.push_back({router_.handle(), 0, ZMQ_POLLIN, 0});
  }

  const std::string& address() const { return address_; }

  // The DEALER to `address`, opened on first use.
  zmq::socket_t& dealer(const std::string& address) {
    if (auto it = links_.find(address); it != links_.end()) return it->second->dealer;
    auto link = std::make_unique<Link>();
    link->dealer = zmq::socket_t(raw_context(), zmq::socket_type::dealer);
    link->dealer.set(zmq::sockopt::linger, 1000);
    link->dealer.set(zmq::sockopt::routing_id, address_);
    link->dealer.set(zmq::sockopt::sndhwm, 100000);
    heartbeats(link->dealer);
    const std::string monitor =
        "inproc://raw-monitor-" + std::to_string(links_.size()) + "-" + std::to_string(getpid());
    if (zmq_socket_monitor(link->dealer.handle(), monitor.c_str(), ZMQ_EVENT_DISCONNECTED) != 0)
      throw zmq::error_t();
    link->monitor = zmq::socket_t(raw_context(), zmq::socket_type::pair);
    link->monitor.set(zmq::sockopt::linger, 0);
    link->monitor.connect(monitor);
    link->dealer.connect(address);
    link->address = address;
    items_.push_back({link->monitor.handle(), 0, ZMQ_POLLIN, 0});
    watched_.push_back(link.get());
    return links_.emplace(address, std::move(link)).first->second->dealer;
  }

  void send(const std::string& address, const msgpack::sbuffer& bytes) {
    zmq::message_t message(bytes.data(), bytes.size());
    if (!dealer(address).send(message, zmq::send_flags::dontwait))
      throw std::runtime_error("send queue full");
  }

  // The next frame and the address it came from; an error (timeout, lost peer) otherwise.
  std::string receive(std::string& from, zmq::message_t& body, int timeout_ms = kTimeoutMs) {
    const std::int64_t deadline = now_ns() + std::int64_t{timeout_ms} * 1000000;
    while (true) {
      if (drain_first_) {
        zmq::message_t id;
        if (router_.recv(id, zmq::recv_flags::dontwait)) {
          from.assign(static_cast<const char*>(id.data()), id.size());
          if (!id.more()) return "a frame without a body";
          (void)router_.recv(body);
          if (body.more()) return "a frame of more than one part";
          return "";
        }
      }
      const long left = static_cast<long>((deadline - now_ns()) / 1000000);
      if (left < 0) return "nothing arrived within " + std::to_string(timeout_ms) + " ms";
      zmq::poll(items_.data(), items_.size(), std::chrono::milliseconds(left));
      for (std::size_t i = 1; i < items_.size(); ++i) {
        if ((items_[i].revents & ZMQ_POLLIN) && lost(*watched_[i - 1]))
          return watched_[i - 1]->address + " was lost";
      }
      if (!(items_[0].revents & ZMQ_POLLIN)) continue;
      zmq::message_t id;
      if (!router_.recv(id, zmq::recv_flags::dontwait)) continue;
      from.assign(static_cast<const char*>(id.data()), id.size());
      if (!id.more()) return "a frame without a body";
      (void)router_.recv(body);
      if (body.more()) return "a frame of more than one part";
      return "";
    }
  }

 private:
  struct Link {
    zmq::socket_t dealer;
    zmq::socket_t monitor;
    std::string address;
  };
  static void heartbeats(zmq::socket_t& socket) {
    socket.set(zmq::sockopt::heartbeat_ivl, 250);
    socket.set(zmq::sockopt::heartbeat_timeout, 1500);
    socket.set(zmq::sockopt::heartbeat_ttl, 1500);
  }
  static bool lost(Link& link) {
    bool disconnected = false;
    std::vector<zmq::message_t> parts;
    while (zmq::recv_multipart(link.monitor, std::back_inserter(parts), zmq::recv_flags::dontwait)) {
      std::uint16_t event = 0;
      if (!parts.empty() && parts[0].size() >= sizeof event)
        std::memcpy(&event, parts[0].data(), sizeof event);
      disconnected |= event == ZMQ_EVENT_DISCONNECTED;
      parts.clear();
    }
    return disconnected;
  }

  zmq::socket_t router_;
  bool drain_first_;
  std::string address_;
  std::map<std::string, std::unique_ptr<Link>> links_;
  std::vector<zmq_pollitem_t> items_;  // the router, then each link's monitor
  std::vector<Link*> watched_;
};

int raw_server(const Config& config, int out) {
  try {
    RawSockets sockets(address_for(config.transport, "server"), config.window > 1);
    write_line(out, sockets.address());
    RawCodec codec("server", "client");
    std::unordered_map<std::uint64_t, std::string> sessions;  // open sessions: the client's address
    long ended = 0;
    std::string from;
    zmq::message_t body;
    RawFrame frame;
    while (ended < config.window) {
      // A session waits at most the receive timeout; a server without sessions waits for clients.
      const int timeout_ms = sessions.empty() ? kStartupMs : kTimeoutMs;
      if (std::string error = sockets.receive(from, body, timeout_ms); !error.empty()) {
        std::fprintf(stderr, "raw server: %s\n", error.c_str());
        return 1;
      }
      if (std::string error = codec.decode(body, frame); !error.empty()) {
        std::fprintf(stderr, "raw server: frame from %s rejected: %s\n", from.c_str(), error.c_str());
        continue;
      }
      auto session = sessions.find(frame.session);
      if (session == sessions.end()) {
        if (frame.label != "ping" && frame.label != "bye") continue;  // does not start a session
        session = sessions.emplace(frame.session, from).first;
      } else if (session->second != from) {
        continue;  // another sender for this session
      }
      if (frame.label == "ping") {
        sockets.send(from, codec.encode(frame.session, "pong", frame.value));
      } else if (frame.label == "bye") {
        sessions.erase(session);
        ++ended;
      } else {
        std::fprintf(stderr, "raw server: client sent %s, which the server cannot take\n",
                     frame.label.c_str());
        return 1;
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "raw server: %s\n", e.what());
    return 1;
  }
  return 0;
}

// The raw client: W sessions, pings answered in arrival order.
class RawClient final : public Client {
 public:
  RawClient(const Config& config, const std::string& server)
      : window_(config.window),
        server_(server),
        sockets_(address_for(config.transport, "client"), config.window > 1),
        codec_("client", "server") {}

  std::string open() override {
    std::mt19937_64 random{std::random_device{}()};
    while (static_cast<long>(sessions_.size()) < window_) {
      std::uint64_t id = 0;
      while (id == 0 || sessions_.count(id)) id = random();
      std::int64_t& sent = sessions_[id];
      if (window_ > 1) sockets_.send(server_, codec_.encode(id, "ping", sent++));
    }
    return "";
  }
  std::string run(long n, std::vector<double>& rtt) override {
    try {
      if (window_ == 1) {  // back to back, each round trip timed
        auto& [id, sent] = *sessions_.begin();
        for (long i = 0; i < n; ++i) {
          const std::int64_t start = now_ns();
          sockets_.send(server_, codec_.encode(id, "ping", sent++));
          if (std::string error = take_pong(); !error.empty()) return error;
          rtt.push_back(static_cast<double>(now_ns() - start));
        }
        return "";
      }
      for (long i = 0; i < n; ++i) {
        if (std::string error = take_pong(); !error.empty()) return error;
        sockets_.send(server_, codec_.encode(frame_.session, "ping", sessions_[frame_.session]++));
      }
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  std::string close() override {
    try {
      if (window_ == 1) {
        sockets_.send(server_, codec_.encode(sessions_.begin()->first, "bye", std::nullopt));
        return "";
      }
      for (long i = 0; i < window_; ++i) {  // the pings in flight: answer their pongs with bye
        if (std::string error = take_pong(); !error.empty()) return error;
        sockets_.send(server_, codec_.encode(frame_.session, "bye", std::nullopt));
      }
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }

 private:
  // The next frame, which must be the pong its session waits for.
  std::string take_pong() {
    if (std::string error = sockets_.receive(from_, body_); !error.empty()) return error;
    if (std::string error = codec_.decode(body_, frame_); !error.empty()) return "frame rejected: " + error;
    auto session = sessions_.find(frame_.session);
    if (session == sessions_.end() || from_ != server_ || frame_.label != "pong") {
      return "unexpected " + frame_.label + " from " + from_;
    }
    if (*frame_.value != session->second - 1) return "pong " + std::to_string(*frame_.value) + " out of turn";
    return "";
  }

  long window_;
  std::string server_;
  RawSockets sockets_;
  RawCodec codec_;
  std::unordered_map<std::uint64_t, std::int64_t> sessions_;  // id -> pings sent
  std::string from_;
  zmq::message_t body_;
  RawFrame frame_;
};

// The rate (round trips per second) and, with W = 1, the p50 and p99 of one measured block of
// `side`, whose round trips are those from `first` on.
void record_block(Side& side, long n, std::int64_t ns, std::size_t first) {
  side.ns += ns;
  side.block_rate.push_back(static_cast<double>(n) * 1e9 / static_cast<double>(ns));
  if (side.rtt.size() == first) return;
  std::vector<double> block(side.rtt.begin() + static_cast<std::ptrdiff_t>(first), side.rtt.end());
  side.block_p99.push_back(quantile(block, 0.99));
  side.block_p50.push_back(quantile(block, 0.50));
}

// The median over pairs of blocks of a's figure over b's.
double paired_ratio(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> ratios;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) ratios.push_back(a[i] / b[i]);
  return median(std::move(ratios));
}

}  // namespace

double median(std::vector<double> values) { return quantile(values, 0.5); }

bool read_ping_pong_config(const std::vector<std::string>& args, PingPongConfig& config) {
  config.transport = option(args, "--transport", std::string("tcp"));
  config.window = option(args, "--window", 1L);
  config.rounds = option(args, "--rounds", 20000L);
  config.block = option(args, "--block", config.window == 1 ? 500L : 5000L);
  config.warmup = option(args, "--warmup", config.window == 1 ? 2000L : 20000L);
  return (config.transport == "tcp" || config.transport == "ipc") && config.rounds >= 1 &&
         config.window >= 1 && config.block >= 1 && config.warmup >= 0;
}

int gen_server(const PingPongConfig& config, const rt::ZmqOptions& options, int in, int out) {
  try {
    pp::server::Role role = bind_gen_server(config, options);
    write_line(out, role.address());
    std::atomic<bool> stop{false};
    GenServerTally tally{stop};
    std::thread watcher([&] { watch_parent(in, tally); });
    const auto factory = [&](const rt::SessionInfo& session) {
      return std::make_unique<GenServer>(session.id, tally);
    };
    gtype::Status served = role.serve(factory, stop);
    stop = true;
    watcher.join();
    if (!served) throw std::runtime_error(served.message());
    return tally.failures == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gen server: %s\n", e.what());
    return 1;
  }
}

bool tell_sessions(int to, long sessions) { return write_line(to, std::to_string(sessions)); }

std::unique_ptr<Client> gen_client(const PingPongConfig& config, const std::string& server,
                                   const rt::ZmqOptions& options) {
  if (config.window == 1) return std::make_unique<GenChannels>(config, server, options);
  return std::make_unique<GenServed>(config, server, options);
}

std::string interleave(const PingPongConfig& config, Side (&sides)[2]) {
  for (Side& side : sides) {
    std::vector<double> ignored;
    std::string error = side.client->open();
    if (error.empty()) error = side.client->run(config.warmup, ignored);
    if (!error.empty()) return std::string(side.name) + " client: " + error;
  }
  for (long done = 0, pair = 0; done < config.rounds; done += config.block, ++pair) {
    const long n = std::min(config.block, config.rounds - done);
    for (int k = 0; k < 2; ++k) {
      Side& side = sides[(pair + k) % 2];
      const std::size_t first = side.rtt.size();
      const std::int64_t start = now_ns();
      if (std::string error = side.client->run(n, side.rtt); !error.empty()) {
        return std::string(side.name) + " client: " + error;
      }
      record_block(side, n, now_ns() - start, first);
    }
  }
  for (Side& side : sides) {
    if (std::string error = side.client->close(); !error.empty())
      return std::string(side.name) + " client: " + error;
  }
  return "";
}

void print_comparison(const PingPongConfig& config, Side (&sides)[2], const std::string& prefix) {
  for (Side& side : sides) {
    std::printf(" %s_rt_per_s=%.0f", side.name,
                static_cast<double>(config.rounds) * 1e9 / static_cast<double>(side.ns));
    if (!side.rtt.empty()) {
      std::printf(" %s_p50_us=%.2f %s_p99_us=%.2f", side.name, quantile(side.rtt, 0.50) / 1e3, side.name,
                  quantile(side.rtt, 0.99) / 1e3);
    }
  }
  if (!sides[0].block_p50.empty()) {
    std::printf(" %srtt_p50_ratio=%.3f %srtt_p99_ratio=%.3f", prefix.c_str(),
                paired_ratio(sides[0].block_p50, sides[1].block_p50), prefix.c_str(),
                paired_ratio(sides[0].block_p99, sides[1].block_p99));
  }
  std::printf(" %sthroughput_ratio=%.3f", prefix.c_str(),
              paired_ratio(sides[0].block_rate, sides[1].block_rate));
}

int ping_pong(const std::vector<std::string>& args) {
  Config config;
  if (!read_ping_pong_config(args, config)) {
    std::fprintf(stderr, "runtime_bench ping-pong: bad options\n");
    return 2;
  }

  Child gen = spawn([&](int in, int out) { return gen_server(config, rt::ZmqOptions{}, in, out); });
  Child raw = spawn([&](int, int out) { return raw_server(config, out); });
  const std::optional<std::string> gen_address = read_line(gen.from, kStartupMs);
  const std::optional<std::string> raw_address = read_line(raw.from, kStartupMs);
  const auto give_up = [&](const std::string& why) {
    std::fprintf(stderr, "runtime_bench ping-pong: %s\n", why.c_str());
    kill_child(gen);
    kill_child(raw);
    return 1;
  };
  if (!gen_address || !raw_address) return give_up("a server did not start");

  Side sides[2];
  try {
    sides[0].name = "gen";
    sides[0].client = gen_client(config, *gen_address, rt::ZmqOptions{});
    sides[1].name = "raw";
    sides[1].client = std::make_unique<RawClient>(config, *raw_address);
  } catch (const std::exception& e) {
    return give_up(e.what());
  }
  if (std::string error = interleave(config, sides); !error.empty()) return give_up(error);
  tell_sessions(gen.to, config.window);
  for (Child* child : {&gen, &raw}) {
    if (int code = wait_child(*child); code != 0)
      return give_up("a server exited with " + std::to_string(code));
  }
  for (Side& side : sides) side.client.reset();

  std::printf("transport=%s window=%ld round_trips=%ld block=%ld", config.transport.c_str(), config.window,
              config.rounds, config.block);
  print_comparison(config, sides, "");
  std::printf("\n");
  return 0;
}

}  // namespace bench
