// The ZeroMQ transport and endpoints over it, for inproc://, ipc:// and tcp://: frames in
// order, many sessions over one socket, explicit connections, garbage from a raw socket, and a
// peer process killed mid-session (runtime_peer, started with posix_spawn and SIGKILLed).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <regex>

#include "test_support.h"

extern char** environ;

namespace gtype::rt::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// Fresh addresses of one scheme: ipc:// sockets live in a temporary directory of the test.
class Addresses {
 public:
  explicit Addresses(std::string scheme) : scheme_(std::move(scheme)) {
    if (scheme_ == "ipc") {
      char pattern[] = "/tmp/c12s-ipc-XXXXXX";
      dir_ = mkdtemp(pattern);
    }
  }
  ~Addresses() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string next(const std::string& role) {
    static std::atomic<int> count{0};
    const std::string name = role + std::to_string(++count);
    if (scheme_ == "inproc") return "inproc://c12s-test-" + name;
    if (scheme_ == "ipc") return "ipc://" + dir_ + "/" + name;
    return "tcp://127.0.0.1:0";
  }

 private:
  std::string scheme_;
  std::string dir_;
};

// A killed process is seen at once through its closed connection, not through heartbeats; a
// loaded test machine must not make a live peer look lost, so the tests give it time.
ZmqOptions patient_heartbeats() { return ZmqOptions{250ms, 5000ms}; }

class ZmqScheme : public ::testing::TestWithParam<std::string> {
 protected:
  Addresses addresses_{GetParam()};
};

INSTANTIATE_TEST_SUITE_P(Schemes, ZmqScheme, ::testing::Values("inproc", "ipc", "tcp"));

TEST(ZmqTransport, TcpPortZeroReportsThePortBound) {
  auto t = make_zmq_transport("tcp://127.0.0.1:0");
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_THAT((*t)->address(), MatchesRegex("tcp://127\\.0\\.0\\.1:[1-9][0-9]*"));
}

TEST(ZmqTransport, BadAddresses) {
  auto t = make_zmq_transport("bogus://x");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), StatusCode::kTransport);
  EXPECT_THAT(t.error().message(), HasSubstr("cannot bind bogus://x: "));
  auto ok = make_zmq_transport("tcp://127.0.0.1:0");
  ASSERT_TRUE(ok.ok());
  Status sent = (*ok)->send("nonsense", "x");
  ASSERT_FALSE(sent.ok());
  EXPECT_THAT(sent.message(), HasSubstr("cannot connect to nonsense: "));
}

TEST_P(ZmqScheme, FramesArriveInOrderWithTheSendersAddress) {
  auto a = make_zmq_transport(addresses_.next("a"));
  auto b = make_zmq_transport(addresses_.next("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE((*a)->send((*b)->address(), "frame " + std::to_string(i)).ok());
  for (int i = 0; i < 100; ++i) {
    Result<TransportEvent> e = (*b)->next(2000ms);
    ASSERT_TRUE(e.ok()) << e.error().message();
    ASSERT_EQ(e->kind, TransportEvent::Kind::kFrame);
    EXPECT_EQ(e->peer, (*a)->address());
    EXPECT_EQ(e->bytes, "frame " + std::to_string(i));
  }
  Result<TransportEvent> none = (*b)->next(20ms);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), StatusCode::kTimeout);
}

TEST_P(ZmqScheme, ManyPingPongSessionsOverOneSocket) {
  auto b = make_endpoint(kPingB, Directory(), make_zmq_transport(addresses_.next("b")),
                         fast_options(nullptr, 3000ms));
  auto a = make_endpoint(kPingA, directory({{"B", b->address()}}), make_zmq_transport(addresses_.next("a")),
                         fast_options(nullptr, 3000ms));
  constexpr int kSessions = 50;
  for (int i = 0; i < kSessions; ++i) ASSERT_TRUE(a->start().ok());
  DriverLog client_log, server_log;
  PingClientDriver client(&client_log, 4);
  PingServerDriver server(&server_log);
  Server b_thread(*b, server), a_thread(*a, client);
  EXPECT_TRUE(eventually(
      [&] {
        std::lock_guard lock(server_log.mutex);
        return server_log.ended.size() + server_log.failed.size() == kSessions;
      },
      5000ms));
  EXPECT_TRUE(eventually(
      [&] {
        std::lock_guard lock(client_log.mutex);
        return client_log.ended.size() + client_log.failed.size() == kSessions;
      },
      5000ms));
  a_thread.stop();
  b_thread.stop();
  EXPECT_TRUE(client_log.failed.empty());
  EXPECT_TRUE(server_log.failed.empty());
  EXPECT_EQ(a->counters().delivered, 4u * kSessions);
  EXPECT_EQ(b->counters().delivered, 6u * kSessions);
}

TEST_P(ZmqScheme, RelayWithExplicitConnections) {
  auto l = make_endpoint(kRelayL, Directory(), make_zmq_transport(addresses_.next("l")),
                         fast_options(nullptr, 3000ms));
  auto s = make_endpoint(kRelayS, directory({{"L", l->address()}}), make_zmq_transport(addresses_.next("s")),
                         fast_options(nullptr, 3000ms));
  auto c = make_endpoint(kRelayC, directory({{"S", s->address()}}), make_zmq_transport(addresses_.next("c")),
                         fast_options(nullptr, 3000ms));
  DriverLog s_log, l_log;
  RelayDriver s_driver(&s_log), l_driver(&l_log);
  Server s_thread(*s, s_driver), l_thread(*l, l_driver);
  SessionId id = *c->start();
  ASSERT_TRUE(c->act(id, 0, "").ok());
  ASSERT_TRUE(c->act(id, 0, pack_text("job")).ok());
  Result<Incoming> resp = c->receive(id);
  ASSERT_TRUE(resp.ok()) << resp.error().message();
  EXPECT_EQ(unpack_text(resp->payload), "resp:job");
  ASSERT_TRUE(c->act(id, 0, "").ok());
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(l_log.mutex);
    return l_log.ended.size() == 1;
  }));
  s_thread.stop();
  l_thread.stop();
  EXPECT_EQ(l_log.received, std::vector<std::string>{"0:note:job"});
}

TEST_P(ZmqScheme, GarbageFromARawSocketIsRejected) {
  if (GetParam() == "inproc") GTEST_SKIP() << "a raw socket of another context cannot reach inproc://";
  Rejections rejected;
  auto b =
      make_endpoint(kPingB, Directory(), make_zmq_transport(addresses_.next("b")), fast_options(&rejected));
  zmq::context_t context;
  zmq::socket_t raw(context, zmq::socket_type::dealer);
  raw.set(zmq::sockopt::linger, 0);
  raw.set(zmq::sockopt::routing_id, "garbler");
  raw.connect(b->address());
  std::mt19937 random(1);
  for (int i = 0; i < 20; ++i) {
    std::string bytes(random() % 64, '\0');
    for (char& ch : bytes) ch = static_cast<char>(random());
    raw.send(zmq::buffer(bytes));
  }
  std::array<zmq::const_buffer, 2> two_parts{zmq::str_buffer("one"), zmq::str_buffer("two")};
  zmq::send_multipart(raw, two_parts);
  EXPECT_TRUE(eventually([&] {
    (void)b->next_session(10ms);
    return b->counters().malformed_frames == 21;
  }));
  EXPECT_EQ(b->counters().delivered, 0u);
  for (const std::string& m : rejected.messages()) {
    EXPECT_THAT(m, ::testing::StartsWith("PingPong role B: frame from garbler rejected: malformed frame: "));
  }
}

TEST_P(ZmqScheme, EndpointClosedMidSession) {
  auto b = make_endpoint(kPingB, Directory(), make_zmq_transport(addresses_.next("b"), patient_heartbeats()),
                         fast_options(nullptr, 3000ms));
  const std::string b_address = b->address();
  auto a = make_endpoint(kPingA, directory({{"B", b_address}}),
                         make_zmq_transport(addresses_.next("a"), patient_heartbeats()),
                         fast_options(nullptr, 3000ms));
  SessionId id = *a->start();
  ASSERT_TRUE(a->act(id, 0, pack_none()).ok());
  ASSERT_TRUE(a->act(id, 0, pack_int(1)).ok());
  ASSERT_TRUE(b->next_session(2000ms).ok());
  ASSERT_TRUE(b->receive(id).ok());
  b.reset();  // B's endpoint closes with the session open: it aborts the session, then its sockets go
  Result<Incoming> r = a->receive(id);
  ASSERT_FALSE(r.ok());
  // B's abort and its lost connection travel over two connections, but a peer is reported lost
  // only after its last frame: A always learns why.
  EXPECT_EQ(r.error().code(), StatusCode::kAborted);
  EXPECT_EQ(r.error().message(),
            session_text("PingPong", id, "A") + ": aborted by role B: the endpoint of role B was closed");
}

// A runtime_peer process whose stdout the test reads line by line.
class PeerProcess {
 public:
  explicit PeerProcess(std::vector<std::string> args) {
    args.insert(args.begin(), RUNTIME_PEER);
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, RUNTIME_PEER, &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fds[0];
  }
  ~PeerProcess() {
    kill();
    close(out_);
  }
  // The next line the peer prints, or "" after `timeout`.
  std::string line(std::chrono::milliseconds timeout = 5000ms) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string l = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return l;
      }
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{out_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
      char chunk[256];
      ssize_t n = read(out_, chunk, sizeof chunk);
      if (n <= 0) return "";
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  // Waits for the peer to exit by itself: its exit status (128 + the signal if one ended it), or
  // -1 when it is still running after `timeout` (it is killed then).
  int wait(std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(2ms);
    }
    kill();
    return -1;
  }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

 private:
  pid_t pid_ = 0;
  int out_ = -1;
  std::string buffer_;
};

class ZmqPeerLost : public ZmqScheme {};
INSTANTIATE_TEST_SUITE_P(Schemes, ZmqPeerLost, ::testing::Values("ipc", "tcp"));

TEST_P(ZmqPeerLost, ServerProcessKilledMidSession) {
  PeerProcess b({"server", addresses_.next("b")});
  std::string ready = b.line();
  ASSERT_THAT(ready, ::testing::StartsWith("ready "));
  const std::string b_address = ready.substr(6);
  auto a = make_endpoint(kPingA, directory({{"B", b_address}}),
                         make_zmq_transport(addresses_.next("a"), patient_heartbeats()),
                         fast_options(nullptr, 3000ms));
  SessionId id = *a->start();
  ASSERT_TRUE(a->act(id, 0, pack_none()).ok());
  ASSERT_TRUE(a->act(id, 0, pack_int(1)).ok());
  Result<Incoming> pong = a->receive(id);
  ASSERT_TRUE(pong.ok()) << pong.error().message();
  ASSERT_EQ(b.line(), "answered");
  ASSERT_TRUE(a->act(id, 0, pack_int(2)).ok());
  b.kill();
  const auto start = std::chrono::steady_clock::now();
  Result<Incoming> r = a->receive(id);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2000ms);  // well before the receive timeout
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kPeerLost);
  EXPECT_EQ(r.error().message(), session_text("PingPong", id, "A") + ": role B at " + b_address +
                                     " was lost (its process died or the link broke)");
  EXPECT_EQ(a->counters().failed_sessions, 1u);
  EXPECT_EQ(a->counters().delivered, 1u);
}

TEST_P(ZmqPeerLost, ClientProcessKilledMidSession) {
  auto b = make_endpoint(kPingB, Directory(), make_zmq_transport(addresses_.next("b"), patient_heartbeats()),
                         fast_options(nullptr, 3000ms));
  PeerProcess a({"client", addresses_.next("a"), b->address()});
  std::string ready = a.line();
  ASSERT_THAT(ready, ::testing::StartsWith("ready "));
  const std::string a_address = ready.substr(6);
  Result<SessionId> id = b->next_session(3000ms);
  ASSERT_TRUE(id.ok()) << id.error().message();
  ASSERT_TRUE(b->receive(*id).ok());
  Result<Incoming> ping = b->receive(*id);
  ASSERT_TRUE(ping.ok()) << ping.error().message();
  ASSERT_TRUE(b->act(*id, 0, pack_int(2)).ok());
  ASSERT_EQ(a.line(), "pinged");
  a.kill();
  Result<Incoming> r = b->receive(*id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kPeerLost);
  EXPECT_EQ(r.error().message(), session_text("PingPong", *id, "B") + ": role A at " + a_address +
                                     " was lost (its process died or the link broke)");
  EXPECT_EQ(b->counters().delivered, 2u);
}

// Processes that exit on their own right after their last action, as a program that returns
// from main does. Their last frames must still arrive (destroying the endpoint flushes them,
// within a bound), and arrive before the peers see them lost (a peer is reported lost only after
// the frames it sent), so no session that ended properly fails.
class ZmqPeerExit : public ZmqScheme {};
INSTANTIATE_TEST_SUITE_P(Schemes, ZmqPeerExit, ::testing::Values("ipc", "tcp"));

std::string address_of(PeerProcess& peer) {
  std::string ready = peer.line();
  EXPECT_THAT(ready, ::testing::StartsWith("ready "));
  return ready.size() > 6 ? ready.substr(6) : "";
}

TEST_P(ZmqPeerExit, LastFramesOfAProcessThatExitsAtOnceArrive) {
  auto b = make_endpoint(kPingB, Directory(), make_zmq_transport(addresses_.next("b"), patient_heartbeats()),
                         fast_options(nullptr, 5000ms));
  DriverLog log;
  PingServerDriver driver(&log);
  Server serving(*b, driver);
  // ROUNDS 0: hello and quit are sent before the connection to B is even up, so all of a
  // session is still queued when main returns; ROUNDS 1: the quit alone is.
  int sessions = 0;
  for (const char* rounds : {"0", "1"}) {
    PeerProcess a({"quick", addresses_.next("a"), b->address(), "10", rounds});
    address_of(a);
    EXPECT_EQ(a.line(), "done");
    EXPECT_EQ(a.wait(), 0);
    sessions += 10;
    EXPECT_TRUE(eventually(
        [&] {
          std::lock_guard lock(log.mutex);
          return log.ended.size() + log.failed.size() == static_cast<std::size_t>(sessions);
        },
        5000ms))
        << "rounds " << rounds << ": " << log.ended.size() << " of " << sessions << " sessions ended";
  }
  serving.stop();
  EXPECT_EQ(log.ended.size(), 20u);
  for (const auto& [id, error] : log.failed) ADD_FAILURE() << error.message();
}

TEST_P(ZmqPeerExit, APeerThatIsGoneHoldsUpExitOnlySoLong) {
  std::string nowhere;
  {
    // An address that was bound a moment ago: nothing listens there now.
    auto gone = make_zmq_transport(addresses_.next("gone"));
    ASSERT_TRUE(gone.ok());
    nowhere = (*gone)->address();
  }
  PeerProcess a({"quick", addresses_.next("a"), nowhere, "1", "0"});
  address_of(a);
  ASSERT_EQ(a.line(), "done");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(a.wait(), 0);
  // ZmqOptions::flush_timeout (1 s by default), with room for a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3000ms);
}

TEST_P(ZmqPeerExit, FramesOfAPeerThatExitsComeBeforeItsLoss) {
  // 2000 frames: more than one read, so the loss is seen while frames are still coming in. 3:
  // the peer exits microseconds after it opened its link to us, which must still be up (and
  // its frames through) before it lets its link from us break.
  for (int attempt = 0; attempt < 60; ++attempt) {
    const int kFrames = attempt % 4 == 0 ? 2000 : 3;
    auto t = make_zmq_transport(addresses_.next("t"), patient_heartbeats());
    ASSERT_TRUE(t.ok());
    PeerProcess peer({"burst", addresses_.next("p"), (*t)->address(), std::to_string(kFrames)});
    const std::string peer_address = address_of(peer);
    // A frame to the peer opens the link whose loss the transport watches.
    ASSERT_TRUE((*t)->send(peer_address, "go").ok());
    int frames = 0;
    bool lost = false;
    while (!lost) {
      Result<TransportEvent> e = (*t)->next(5000ms);
      ASSERT_TRUE(e.ok()) << "attempt " << attempt << ", after " << frames
                          << " frames: " << e.error().message();
      ASSERT_EQ(e->peer, peer_address);
      if (e->kind == TransportEvent::Kind::kPeerLost) {
        lost = true;
      } else {
        ASSERT_EQ(e->bytes, "frame " + std::to_string(frames)) << "attempt " << attempt;
        ++frames;
      }
    }
    EXPECT_EQ(frames, kFrames) << "attempt " << attempt << ": the loss overtook the peer's last frames";
    EXPECT_EQ(peer.wait(), 0);
  }
}

TEST_P(ZmqPeerExit, RolesThatExitAtTheirEndDoNotFailTheSession) {
  // Relay: S answers C and disconnects, L takes S's note; each process exits right at its end.
  // C waits for S's resp while S exits, and S waits for L's accept while L exits.
  for (int attempt = 0; attempt < 10; ++attempt) {
    PeerProcess l({"relay-l", addresses_.next("l")});
    const std::string l_address = address_of(l);
    PeerProcess s({"relay-s", addresses_.next("s"), l_address});
    const std::string s_address = address_of(s);
    auto c = make_endpoint(kRelayC, directory({{"S", s_address}}),
                           make_zmq_transport(addresses_.next("c"), patient_heartbeats()),
                           fast_options(nullptr, 5000ms));
    SessionId id = *c->start();
    ASSERT_TRUE(c->act(id, 0, "").ok());
    ASSERT_TRUE(c->act(id, 0, pack_text("job")).ok());
    Result<Incoming> resp = c->receive(id);
    ASSERT_TRUE(resp.ok()) << "attempt " << attempt << ": " << resp.error().message();
    EXPECT_EQ(unpack_text(resp->payload), "resp:job");
    Status closed = c->act(id, 0, "");
    EXPECT_TRUE(closed.ok()) << "attempt " << attempt << ": " << closed.message();
    EXPECT_EQ(s.line(), "ended") << "attempt " << attempt;
    EXPECT_EQ(l.line(), "ended") << "attempt " << attempt;
    EXPECT_EQ(s.wait(), 0);
    EXPECT_EQ(l.wait(), 0);
    EXPECT_EQ(c->counters().failed_sessions, 0u);
  }
}

}  // namespace
}  // namespace gtype::rt::testing
