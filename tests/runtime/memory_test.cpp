// The in-memory network, and whole sessions over it: blocking and serve(), many sessions
// multiplexed over one endpoint, and the explicit-connection Relay protocol.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.h"

namespace gtype::rt::testing {
namespace {

TEST(MemoryNetwork, DeliversInOrderAndReportsKilledPeers) {
  MemoryNetwork net;
  auto a = net.attach("a");
  auto b = net.attach("b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(net.attach("a").ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*a)->send("b", std::to_string(i)).ok());
  for (int i = 0; i < 10; ++i) {
    Result<TransportEvent> e = (*b)->next(100ms);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->kind, TransportEvent::Kind::kFrame);
    EXPECT_EQ(e->peer, "a");
    EXPECT_EQ(e->bytes, std::to_string(i));
  }
  Result<TransportEvent> none = (*b)->next(10ms);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), StatusCode::kTimeout);
  EXPECT_TRUE((*a)->send("nowhere", "x").ok());  // dropped, as an unreachable address would be

  net.kill("a");
  Result<TransportEvent> lost = (*b)->next(100ms);
  ASSERT_TRUE(lost.ok());
  EXPECT_EQ(lost->kind, TransportEvent::Kind::kPeerLost);
  EXPECT_EQ(lost->peer, "a");
  Result<TransportEvent> dead = (*a)->next(10ms);
  ASSERT_FALSE(dead.ok());
  EXPECT_EQ(dead.error().code(), StatusCode::kClosed);
}

TEST(Endpoint, RejectsBadTables) {
  RoleSpec bad = kPingA;
  bad.self = 5;
  MemoryNetwork net;
  auto endpoint = Endpoint::create(bad, Directory(), *net.attach("a"));
  ASSERT_FALSE(endpoint.ok());
  EXPECT_EQ(endpoint.error().code(), StatusCode::kConfig);
  EXPECT_EQ(endpoint.error().message(), "PingPong: self is not a role index");
}

TEST(Endpoint, PingPongBlocking) {
  MemoryNetwork net;
  auto a = make_endpoint(kPingA, directory({{"B", "b"}}), net.attach("a"), fast_options());
  auto b = make_endpoint(kPingB, Directory(), net.attach("b"), fast_options());
  std::vector<std::int64_t> seen;
  std::thread server([&] {
    for (int n = 0; n < 3; ++n) {
      Result<SessionId> s = b->next_session(2000ms);
      ASSERT_TRUE(s.ok()) << s.error().message();
      Result<std::vector<std::int64_t>> pings = ping_server(*b, *s);
      ASSERT_TRUE(pings.ok()) << pings.error().message();
      seen.insert(seen.end(), pings->begin(), pings->end());
      EXPECT_FALSE(b->has_session(*s));
    }
  });
  for (int n = 0; n < 3; ++n) {
    SessionId s = *a->start();
    Status done = ping_client(*a, s, n + 1);
    ASSERT_TRUE(done.ok()) << done.message();
    EXPECT_FALSE(a->has_session(s));
  }
  server.join();
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 1, 2, 1, 2, 3}));
  EXPECT_EQ(a->counters().delivered, 6u);   // pongs
  EXPECT_EQ(b->counters().delivered, 12u);  // 3 hellos, 6 pings, 3 quits
  EXPECT_EQ(a->counters().ended_sessions, 3u);
  EXPECT_EQ(b->counters().ended_sessions, 3u);
  EXPECT_EQ(b->counters().failed_sessions + b->counters().malformed_frames + b->counters().unknown_sessions,
            0u);
}

TEST(Endpoint, ManySessionsMultiplexedInServeMode) {
  MemoryNetwork net;
  auto a = make_endpoint(kPingA, directory({{"B", "b"}}), net.attach("a"), fast_options(nullptr, 3000ms));
  auto b = make_endpoint(kPingB, Directory(), net.attach("b"), fast_options(nullptr, 3000ms));
  constexpr int kSessions = 200;
  for (int i = 0; i < kSessions; ++i) ASSERT_TRUE(a->start().ok());
  DriverLog client_log, server_log;
  PingClientDriver client(&client_log, 3);
  PingServerDriver server(&server_log);
  Server b_thread(*b, server);
  Server a_thread(*a, client);
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(client_log.mutex);
    return client_log.ended.size() + client_log.failed.size() == kSessions;
  }));
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(server_log.mutex);
    return server_log.ended.size() + server_log.failed.size() == kSessions;
  }));
  a_thread.stop();
  b_thread.stop();
  EXPECT_TRUE(client_log.failed.empty());
  EXPECT_TRUE(server_log.failed.empty());
  EXPECT_EQ(client_log.ended, server_log.ended);
  EXPECT_EQ(a->counters().delivered, 3u * kSessions);
  EXPECT_EQ(b->counters().delivered, 5u * kSessions);
  EXPECT_EQ(b->counters().ended_sessions, std::uint64_t{kSessions});
}

// serve() visits a session when something happens to it, and every session on its timeout
// sweeps: thousands of sessions whose peer never answers all time out, while sessions of
// another endpoint on the same network go on.
TEST(Endpoint, IdleSessionsTimeOutInServeModeWhileOthersGoOn) {
  MemoryNetwork net;
  auto idle =
      make_endpoint(kPingA, directory({{"B", "nowhere"}}), net.attach("idle"), fast_options(nullptr, 300ms));
  auto a = make_endpoint(kPingA, directory({{"B", "b"}}), net.attach("a"), fast_options(nullptr, 3000ms));
  auto b = make_endpoint(kPingB, Directory(), net.attach("b"), fast_options(nullptr, 3000ms));
  constexpr int kIdle = 3000;
  constexpr int kBusy = 50;
  for (int i = 0; i < kIdle; ++i) ASSERT_TRUE(idle->start().ok());
  for (int i = 0; i < kBusy; ++i) ASSERT_TRUE(a->start().ok());
  DriverLog idle_log, client_log, server_log;
  PingClientDriver idle_client(&idle_log, 3), client(&client_log, 3);
  PingServerDriver server(&server_log);
  Server idle_thread(*idle, idle_client);
  Server b_thread(*b, server);
  Server a_thread(*a, client);
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(idle_log.mutex);
    return idle_log.failed.size() == kIdle;
  }));
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(client_log.mutex);
    return client_log.ended.size() == kBusy;
  }));
  idle_thread.stop();
  a_thread.stop();
  b_thread.stop();
  EXPECT_TRUE(idle_log.ended.empty());
  for (const auto& [id, error] : idle_log.failed) {
    EXPECT_EQ(error.code(), StatusCode::kTimeout);
    EXPECT_NE(error.message().find("nothing arrived within 300 ms"), std::string::npos) << error.message();
  }
  EXPECT_TRUE(client_log.failed.empty());
  EXPECT_EQ(idle->counters().failed_sessions, std::uint64_t{kIdle});
}

TEST(Endpoint, InterleavedBlockingSessions) {
  MemoryNetwork net;
  auto a = make_endpoint(kPingA, directory({{"B", "b"}}), net.attach("a"), fast_options(nullptr, 2000ms));
  auto b = make_endpoint(kPingB, Directory(), net.attach("b"), fast_options(nullptr, 2000ms));
  DriverLog log;
  PingServerDriver server(&log);
  Server b_thread(*b, server);
  std::vector<SessionId> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(*a->start());
    ASSERT_TRUE(a->act(ids.back(), 0, pack_none()).ok());
    ASSERT_TRUE(a->act(ids.back(), 0, pack_int(100 + i)).ok());
  }
  for (int i = 19; i >= 0; --i) {  // pongs are taken per session, whatever order they came in
    Result<Incoming> pong = a->receive(ids[i]);
    ASSERT_TRUE(pong.ok()) << pong.error().message();
    EXPECT_EQ(unpack_int(pong->payload), 101 + i);
    ASSERT_TRUE(a->act(ids[i], 1, pack_none()).ok());
  }
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(log.mutex);
    return log.ended.size() == 20;
  }));
}

TEST(Endpoint, RelayWithExplicitConnections) {
  MemoryNetwork net;
  auto c = make_endpoint(kRelayC, directory({{"S", "s"}}), net.attach("c"), fast_options(nullptr, 2000ms));
  auto s = make_endpoint(kRelayS, directory({{"L", "l"}}), net.attach("s"), fast_options(nullptr, 2000ms));
  auto l = make_endpoint(kRelayL, Directory(), net.attach("l"), fast_options(nullptr, 2000ms));
  DriverLog s_log, l_log;
  RelayDriver s_driver(&s_log), l_driver(&l_log);
  Server s_thread(*s, s_driver), l_thread(*l, l_driver);
  for (int n = 0; n < 5; ++n) {
    SessionId id = *c->start();
    ASSERT_TRUE(c->act(id, 0, "").ok());  // connect, no message: returns once S accepted
    ASSERT_TRUE(c->act(id, 0, pack_text("job" + std::to_string(n))).ok());
    Result<Incoming> resp = c->receive(id);
    ASSERT_TRUE(resp.ok()) << resp.error().message();
    EXPECT_EQ(unpack_text(resp->payload), "resp:job" + std::to_string(n));
    ASSERT_TRUE(c->act(id, 0, "").ok());  // disconnect; C ends
    EXPECT_FALSE(c->has_session(id));
  }
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(s_log.mutex);
    std::lock_guard lock2(l_log.mutex);
    return s_log.ended.size() == 5 && l_log.ended.size() == 5;
  }));
  s_thread.stop();
  l_thread.stop();
  EXPECT_TRUE(s_log.failed.empty());
  EXPECT_THAT(l_log.received, ::testing::Contains("0:note:job3"));
  EXPECT_EQ(c->counters().ended_sessions, 5u);
  EXPECT_EQ(s->counters().wrong_labels + s->counters().unknown_sessions + l->counters().unknown_sessions, 0u);
}

}  // namespace
}  // namespace gtype::rt::testing
