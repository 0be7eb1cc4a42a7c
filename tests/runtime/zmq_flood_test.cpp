// Floods of forged routing ids over real sockets (issue 9, item 6). A ZeroMQ routing id is
// whatever the sender says, and a transport replies to the address it names: 800 DEALERs whose
// ids named addresses where nothing listens used to make the transport open a DEALER back to
// each, never dropped, until the process ran out of sockets and refused every new session.
// Now a frame that fails the monitor's checks makes no outgoing connection and leaves nothing
// behind, and what checked frames from such senders hold is bounded (max_links) and dropped
// when their addresses stay unreachable (unreachable_timeout).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <filesystem>
#include <random>

#include "test_support.h"

namespace gtype::rt::testing {
namespace {

constexpr int kForgers = 800;
constexpr int kHoneypots = 16;

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// A TCP socket listening on 127.0.0.1 that never accepts: the kernel still completes (and
// queues) every connection made to it, which connections() counts by accepting them.
class Honeypot {
 public:
  Honeypot() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(listen(fd_, 64), 0);
    socklen_t length = sizeof address;
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~Honeypot() { close(fd_); }
  int port() const { return port_; }
  int connections() {
    for (int accepted; (accepted = accept(fd_, nullptr, nullptr)) >= 0;) {
      close(accepted);
      ++connections_;
    }
    return connections_;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  int connections_ = 0;
};

// The routing id of forger `i`, each its own (ZeroMQ would hand a taken id over, dropping what
// the first forger queued): every 50th names a honeypot (where a connection would be seen), the
// others an address of the loopback network where nothing listens.
std::string forged_id(int i, const std::vector<std::unique_ptr<Honeypot>>& honeypots) {
  static_assert(kForgers / 50 <= kHoneypots);
  if (i % 50 == 0) return "tcp://127.0.0.1:" + std::to_string(honeypots[static_cast<std::size_t>(i / 50)]->port());
  const int port = honeypots[static_cast<std::size_t>(i) % honeypots.size()]->port();
  return "tcp://127.0." + std::to_string(1 + i / 250) + "." + std::to_string(2 + i % 250) + ":" +
         std::to_string(port);
}

// The one frame of forger `i`: garbage, another protocol's, a PingPong message that starts no
// session (B never takes pong), or two parts.
void send_unchecked_frame(zmq::socket_t& dealer, int i, std::mt19937& random) {
  switch (i % 4) {
    case 0: {
      std::string bytes(1 + random() % 64, '\0');
      for (char& ch : bytes) ch = static_cast<char>(random());
      dealer.send(zmq::buffer(bytes));
      return;
    }
    case 1:
      dealer.send(zmq::buffer(encode(Envelope{FrameKind::kMessage, "Other", 1, "A", "B", "hello", pack_none()})));
      return;
    case 2:
      dealer.send(zmq::buffer(encode(Envelope{FrameKind::kMessage, "PingPong", 1000u + static_cast<unsigned>(i), "A",
                                              "B", "pong", pack_int(1)})));
      return;
    default: {
      std::array<zmq::const_buffer, 2> parts{zmq::str_buffer("one"), zmq::str_buffer("two")};
      zmq::send_multipart(dealer, parts);
      return;
    }
  }
}

// kForgers DEALERs of a context of their own, each with a forged routing id, each sending one
// frame (from `frame`) to `target`; closed (and their connections with them) when destroyed.
class Forgers {
 public:
  template <typename Frame>
  Forgers(const std::string& target, const std::vector<std::unique_ptr<Honeypot>>& honeypots, Frame frame)
      : context_(1, 2 * kForgers) {
    for (int i = 0; i < kForgers; ++i) {
      zmq::socket_t& dealer = dealers_.emplace_back(context_, zmq::socket_type::dealer);
      dealer.set(zmq::sockopt::linger, 0);
      dealer.set(zmq::sockopt::routing_id, forged_id(i, honeypots));
      dealer.connect(target);
      frame(dealer, i);
    }
  }

 private:
  zmq::context_t context_;
  std::vector<zmq::socket_t> dealers_;
};

std::vector<std::unique_ptr<Honeypot>> honeypots() {
  std::vector<std::unique_ptr<Honeypot>> out;
  for (int i = 0; i < kHoneypots; ++i) out.push_back(std::make_unique<Honeypot>());
  return out;
}

// A PingPong session of a client at a fresh address, with the serving B at `b_address` (each
// with a seed of its own: B turns away a session id it has seen end).
Status legitimate_session(const std::string& b_address, std::uint64_t seed) {
  EndpointOptions options = fast_options(nullptr, 3000ms);
  options.seed = seed;
  auto a = make_endpoint(kPingA, directory({{"B", b_address}}), make_zmq_transport("tcp://127.0.0.1:0"), options);
  if (!a) return Status{StatusCode::kTransport, "no client endpoint"};
  Result<SessionId> id = a->start();
  if (!id.ok()) return id.error();
  return ping_client(*a, *id, 2);
}

std::size_t count_of(Rejections& rejections) { return rejections.messages().size(); }

TEST(ZmqFlood, UncheckedFramesFromForgedRoutingIdsDialNothingAndHoldNothing) {
  auto pots = honeypots();
  Rejections rejected;
  auto b = make_endpoint(kPingB, Directory(), make_zmq_transport("tcp://127.0.0.1:0"),
                         fast_options(&rejected, 3000ms));
  ASSERT_TRUE(b);
  DriverLog log;
  PingServerDriver driver(&log);
  Server serving(*b, driver);
  ASSERT_TRUE(legitimate_session(b->address(), 1).ok());  // B's own sockets are all open now
  const std::size_t before = open_descriptors();
  {
    std::mt19937 random(9);
    Forgers forgers(b->address(), pots, [&](zmq::socket_t& dealer, int i) { send_unchecked_frame(dealer, i, random); });
    ASSERT_TRUE(eventually([&] { return count_of(rejected) == kForgers; }, 20000ms))
        << count_of(rejected) << " of " << kForgers << " frames rejected";
  }
  // The forgers are gone: B's descriptors come back to what they were (B had opened 3 or 4 per
  // forged address), and no connection was made to any address a forger named.
  EXPECT_TRUE(eventually([&] { return open_descriptors() <= before + 8; }, 10000ms))
      << open_descriptors() << " descriptors open, " << before << " before the flood";
  Status after = legitimate_session(b->address(), 2);
  EXPECT_TRUE(after.ok()) << after.message();
  int dialled = 0;
  for (auto& pot : pots) dialled += pot->connections();
  EXPECT_EQ(dialled, 0) << "connections made to addresses that forged routing ids named";
  serving.stop();
  for (const auto& [id, error] : log.failed) ADD_FAILURE() << error.message();
}

TEST(ZmqFlood, CheckedFramesFromUnreachableAddressesHoldLinksOnlyForAWhile) {
  // Forged ids with frames that pass the checks (each starts a PingPong session): B takes the
  // sessions, which time out or lose their peers and abort to their senders' addresses, which
  // it cannot reach. No more than max_links links exist at a time, each for about
  // unreachable_timeout, and B serves again once they are gone. (During the flood a session of
  // a real peer may lose its link to a forged one before the link is up: the cap is smaller
  // than the flood on purpose.)
  auto pots = honeypots();
  ZmqOptions transport_options;
  transport_options.unreachable_timeout = 300ms;
  transport_options.max_links = 64;
  auto b = make_endpoint(kPingB, Directory(), make_zmq_transport("tcp://127.0.0.1:0", transport_options),
                         fast_options(nullptr, 300ms));
  ASSERT_TRUE(b);
  DriverLog log;
  PingServerDriver driver(&log);
  Server serving(*b, driver);
  ASSERT_TRUE(legitimate_session(b->address(), 3).ok());
  const std::size_t before = open_descriptors();
  auto sessions_done = [&] {
    std::lock_guard lock(log.mutex);
    return log.ended.size() + log.failed.size();
  };
  {
    Forgers forgers(b->address(), pots, [](zmq::socket_t& dealer, int i) {
      dealer.send(zmq::buffer(encode(Envelope{FrameKind::kMessage, "PingPong", 5000u + static_cast<unsigned>(i),
                                              "A", "B", "hello", pack_none()})));
    });
    ASSERT_TRUE(eventually([&] { return sessions_done() == 1u + kForgers; }, 30000ms))
        << sessions_done() << " of " << 1 + kForgers << " sessions done";
  }
  EXPECT_TRUE(eventually([&] { return open_descriptors() <= before + 8; }, 10000ms))
      << open_descriptors() << " descriptors open, " << before << " before the flood";
  Status after = legitimate_session(b->address(), 4);
  EXPECT_TRUE(after.ok()) << after.message();
  EXPECT_TRUE(eventually([&] { return sessions_done() == 2u + kForgers; }));  // B takes the quit
  serving.stop();
  std::lock_guard lock(log.mutex);
  EXPECT_EQ(log.ended.size(), 2u);
  EXPECT_EQ(log.failed.size(), static_cast<std::size_t>(kForgers));
}

}  // namespace
}  // namespace gtype::rt::testing
