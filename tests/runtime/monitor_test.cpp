// The monitor and session failures over the in-memory network: garbled frames, wrong labels,
// wrong senders, unknown sessions, malformed payloads, a killed peer, timeouts, aborts. Each
// test asserts the error the user sees, the counters, and that nothing invalid was delivered.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.h"

namespace gtype::rt::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A PingPong session between A (at "a") and B (at "b"), B having taken the hello (state 1).
class PingFault : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = make_endpoint(kPingA, directory({{"B", "b"}}), net_.attach("a"), fast_options(&a_rejected_, 100ms));
    b_ = make_endpoint(kPingB, Directory(), net_.attach("b"), fast_options(&b_rejected_, 100ms));
    id_ = *a_->start();
    ASSERT_TRUE(a_->act(id_, 0, pack_none()).ok());
    Result<SessionId> started = b_->next_session();
    ASSERT_TRUE(started.ok()) << started.error().message();
    ASSERT_EQ(*started, id_);
    ASSERT_TRUE(b_->receive(id_).ok());
  }

  Envelope frame(std::string label, std::string payload, FrameKind kind = FrameKind::kMessage) {
    return Envelope{kind, "PingPong", id_, "A", "B", std::move(label), std::move(payload)};
  }
  void inject(const Envelope& e, const std::string& from = "a") { net_.inject(from, "b", encode(e)); }
  std::string at(const std::string& role) { return session_text("PingPong", id_, role); }

  // The rest of a normal session after faults that must not have touched it.
  void finish_normally() {
    ASSERT_TRUE(a_->act(id_, 0, pack_int(41)).ok());
    Result<Incoming> ping = b_->receive(id_);
    ASSERT_TRUE(ping.ok()) << ping.error().message();
    EXPECT_EQ(ping->transition, 0);
    EXPECT_EQ(unpack_int(ping->payload), 41);
    ASSERT_TRUE(b_->act(id_, 0, pack_int(42)).ok());
    Result<Incoming> pong = a_->receive(id_);
    ASSERT_TRUE(pong.ok()) << pong.error().message();
    ASSERT_TRUE(a_->act(id_, 1, pack_none()).ok());
    Result<Incoming> quit = b_->receive(id_);
    ASSERT_TRUE(quit.ok()) << quit.error().message();
    EXPECT_EQ(quit->transition, 1);
    EXPECT_FALSE(b_->has_session(id_));
    EXPECT_EQ(b_->counters().delivered, 3u);  // hello, ping, quit: nothing else
    EXPECT_EQ(b_->counters().failed_sessions, 0u);
  }

  MemoryNetwork net_;
  Rejections a_rejected_, b_rejected_;
  std::unique_ptr<Endpoint> a_, b_;
  SessionId id_ = 0;
};

TEST_F(PingFault, GarbledFramesAreCountedAndDropped) {
  const std::string good = encode(frame("ping", pack_int(1)));
  net_.inject("a", "b", "\x01\x02 not a frame");
  net_.inject("a", "b", good.substr(0, good.size() - 3));  // truncated
  std::string magic = good;
  magic.replace(magic.find("c12s"), 4, "xxxx");
  net_.inject("a", "b", magic);
  net_.inject("a", "b", "");
  finish_normally();
  EXPECT_EQ(b_->counters().malformed_frames, 4u);
  std::vector<std::string> rejected = b_rejected_.messages();
  ASSERT_EQ(rejected.size(), 4u);
  EXPECT_EQ(rejected[0], "PingPong role B: frame from a rejected: malformed frame: 13 trailing bytes");
  EXPECT_THAT(rejected[1],
              StartsWith("PingPong role B: frame from a rejected: malformed frame: not msgpack"));
  EXPECT_EQ(rejected[2], "PingPong role B: frame from a rejected: malformed frame: wrong magic");
  EXPECT_EQ(rejected[3], "PingPong role B: frame from a rejected: malformed frame: empty");
}

TEST_F(PingFault, WrongLabelFailsTheSession) {
  inject(frame("pong", pack_int(1)));  // B never receives pong
  Result<Incoming> r = b_->receive(id_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kProtocolViolation);
  const std::string detail =
      "role A sent pong, which B cannot take from A at state 1 or later (it can take ping, quit)";
  EXPECT_EQ(r.error().message(), at("B") + ": " + detail);
  EXPECT_THAT(b_rejected_.messages(), ElementsAre(at("B") + ": " + detail));
  EXPECT_EQ(b_->counters().wrong_labels, 1u);
  EXPECT_EQ(b_->counters().failed_sessions, 1u);
  EXPECT_EQ(b_->counters().delivered, 1u);  // the hello only
  EXPECT_FALSE(b_->has_session(id_));
  // A learns why; its next call says so.
  Status a_side = a_->act(id_, 0, pack_int(1));
  ASSERT_FALSE(a_side.ok());
  EXPECT_EQ(a_side.code(), StatusCode::kAborted);
  EXPECT_EQ(a_side.message(), at("A") + ": aborted by role B: " + detail);
}

TEST_F(PingFault, LabelOfALaterStateFailsWhenTaken) {
  // A session B has never seen, whose first frame is a ping (B takes pings, but after hello).
  const SessionId other = 77;
  net_.inject("a", "b",
              encode(Envelope{FrameKind::kMessage, "PingPong", other, "A", "B", "ping", pack_int(5)}));
  Result<SessionId> s = b_->next_session(100ms);
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(*s, other);
  Result<Incoming> r = b_->receive(other);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kProtocolViolation);
  EXPECT_EQ(r.error().message(), session_text("PingPong", other, "B") +
                                     ": role B at state 0 waits for hello from A, but A sent ping");
  EXPECT_EQ(b_->counters().delivered, 1u);
  EXPECT_EQ(b_->counters().failed_sessions, 1u);
  EXPECT_TRUE(b_->has_session(id_));  // the first session is untouched
}

TEST_F(PingFault, WrongSendersAreDropped) {
  inject(Envelope{FrameKind::kMessage, "PingPong", id_, "Z", "B", "ping", pack_int(1)});
  inject(Envelope{FrameKind::kMessage, "PingPong", id_, "B", "B", "ping", pack_int(1)});
  inject(Envelope{FrameKind::kMessage, "PingPong", id_, "A", "A", "ping", pack_int(1)});
  inject(frame("ping", pack_int(1)), "intruder");  // A's name, another address
  finish_normally();
  EXPECT_EQ(b_->counters().wrong_senders, 4u);
  EXPECT_THAT(b_rejected_.messages(),
              ElementsAre("PingPong role B: frame from a rejected: it comes from role 'Z', which is not a "
                          "peer of B in PingPong",
                          "PingPong role B: frame from a rejected: it comes from role 'B', which is not a "
                          "peer of B in PingPong",
                          "PingPong role B: frame from a rejected: it is addressed to role 'A'",
                          "PingPong role B: frame from intruder rejected: session " + std::to_string(id_) +
                              ": role A sends from a in this session, not from intruder"));
}

TEST_F(PingFault, UnknownSessionsAndProtocols) {
  net_.inject("x", "b",
              encode(Envelope{FrameKind::kMessage, "PingPong", 999, "A", "B", "pong", pack_int(1)}));
  net_.inject("x", "b",
              encode(Envelope{FrameKind::kConnect, "PingPong", 998, "A", "B", "hello", pack_none()}));
  net_.inject("x", "a",
              encode(Envelope{FrameKind::kMessage, "PingPong", 997, "B", "A", "pong", pack_int(1)}));
  net_.inject("x", "b", encode(Envelope{FrameKind::kMessage, "Other", 996, "A", "B", "hello", pack_none()}));
  Result<SessionId> none = b_->next_session(50ms);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), StatusCode::kTimeout);
  EXPECT_EQ(none.error().message(), "PingPong role B: no new session within 50 ms");
  EXPECT_EQ(b_->counters().unknown_sessions, 2u);
  EXPECT_EQ(b_->counters().wrong_protocol, 1u);
  EXPECT_THAT(b_rejected_.messages(),
              ElementsAre("PingPong role B: frame from x rejected: unknown session 999: and pong from A does "
                          "not start a session of B",
                          "PingPong role B: frame from x rejected: unknown session 998: and a connect with "
                          "hello from A does not "
                          "start a session of B",
                          "PingPong role B: frame from x rejected: it is for protocol Other"));
  // A's initial state sends: nothing B sends can start a session at A.
  Result<SessionId> at_a = a_->next_session(20ms);
  EXPECT_FALSE(at_a.ok());
  EXPECT_EQ(a_->counters().unknown_sessions, 1u);
  finish_normally();
  // A frame of the session after it ended.
  inject(frame("ping", pack_int(2)));
  EXPECT_FALSE(b_->next_session(20ms).ok());
  EXPECT_EQ(b_->counters().unknown_sessions, 3u);
  EXPECT_EQ(b_rejected_.messages().back(), "PingPong role B: frame from a rejected: session " +
                                               std::to_string(id_) +
                                               ": ping from A arrived after the session ended or failed");
}

TEST_F(PingFault, MalformedPayloadFailsTheSession) {
  inject(frame("ping", pack_text("not an int")));
  Result<Incoming> r = b_->receive(id_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kProtocolViolation);
  EXPECT_EQ(r.error().message(), at("B") + ": the payload of ping from A is malformed");
  EXPECT_EQ(b_->counters().malformed_payloads, 1u);
  EXPECT_EQ(b_->counters().delivered, 1u);
  // A payload that does not decode cannot start a session either.
  net_.inject("a", "b", encode(Envelope{FrameKind::kMessage, "PingPong", 5, "A", "B", "hello", pack_int(3)}));
  EXPECT_FALSE(b_->next_session(20ms).ok());
  EXPECT_EQ(b_->counters().malformed_payloads, 2u);
}

TEST_F(PingFault, DisconnectedPeerWhileWaiting) {
  inject(frame("", "", FrameKind::kDisconnect));
  Result<Incoming> r = b_->receive(id_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kProtocolViolation);
  EXPECT_EQ(r.error().message(),
            at("B") + ": role B at state 1 waits for ping or quit from A, but A disconnected");
}

TEST_F(PingFault, PeerKilledWhileWaiting) {
  ASSERT_TRUE(a_->act(id_, 0, pack_int(1)).ok());
  ASSERT_TRUE(b_->receive(id_).ok());
  net_.kill("b");  // B's process dies before it answers
  Result<Incoming> r = a_->receive(id_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kPeerLost);
  EXPECT_EQ(r.error().message(), at("A") + ": role B at b was lost (its process died or the link broke)");
  EXPECT_EQ(a_->counters().failed_sessions, 1u);
  EXPECT_EQ(a_->counters().delivered, 0u);
}

TEST_F(PingFault, PeerKilledBeforeItSends) {
  net_.kill("a");
  Result<Incoming> r = b_->receive(id_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kPeerLost);
  EXPECT_EQ(r.error().message(), at("B") + ": role A at a was lost (its process died or the link broke)");
}

TEST_F(PingFault, ReceiveTimeoutFailsTheSessionAndTellsThePeer) {
  const auto start = std::chrono::steady_clock::now();
  Result<Incoming> r = b_->receive(id_, 60ms);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 60ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kTimeout);
  const std::string detail = "nothing arrived within 60 ms: role B at state 1 waits for ping or quit from A";
  EXPECT_EQ(r.error().message(), at("B") + ": " + detail);
  EXPECT_FALSE(b_->has_session(id_));
  Result<Incoming> again = b_->receive(id_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), StatusCode::kClosed);
  EXPECT_EQ(again.error().message(), "PingPong session " + std::to_string(id_) + " is not open at role B");
  Status a_side = a_->act(id_, 0, pack_int(1));
  ASSERT_FALSE(a_side.ok());
  EXPECT_EQ(a_side.code(), StatusCode::kAborted);
  EXPECT_EQ(a_side.message(), at("A") + ": aborted by role B: " + detail);
}

TEST_F(PingFault, AbandonAndClosingTellThePeer) {
  b_->abandon(id_, "shutting down");
  Status a_side = a_->act(id_, 0, pack_int(1));
  ASSERT_FALSE(a_side.ok());
  EXPECT_EQ(a_side.code(), StatusCode::kAborted);
  EXPECT_EQ(a_side.message(), at("A") + ": aborted by role B: shutting down");

  SessionId second = *a_->start();
  ASSERT_TRUE(a_->act(second, 0, pack_none()).ok());
  ASSERT_TRUE(a_->act(second, 0, pack_int(1)).ok());
  ASSERT_TRUE(b_->next_session().ok());
  b_.reset();  // B's endpoint closes with the session open
  Result<Incoming> r = a_->receive(second);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kAborted);
  EXPECT_EQ(r.error().message(),
            session_text("PingPong", second, "A") + ": aborted by role B: the endpoint of role B was closed");
}

// A role learns of a failure from a role it has not heard from yet, and the chain still works.
TEST(Monitor, AbortReachesARoleNotMet) {
  MemoryNetwork net;
  Rejections b_rejected;
  auto a = make_endpoint(kChainA, directory({{"B", "b"}, {"C", "c"}}), net.attach("a"), fast_options());
  auto b = make_endpoint(kChainB, directory({{"C", "c"}}), net.attach("b"), fast_options(&b_rejected));
  auto c = make_endpoint(kChainC, directory({{"A", "a"}}), net.attach("c"), fast_options());
  auto run = [&](bool give_up) -> SessionId {
    SessionId id = *a->start();
    EXPECT_TRUE(a->act(id, 0, pack_int(1)).ok());
    EXPECT_EQ(*b->next_session(), id);
    EXPECT_EQ(unpack_int(b->receive(id)->payload), 1);
    EXPECT_TRUE(b->act(id, 0, pack_int(2)).ok());  // B ends here
    EXPECT_EQ(*c->next_session(), id);
    EXPECT_EQ(unpack_int(c->receive(id)->payload), 2);
    if (give_up) {
      c->abandon(id, "C gives up");
    } else {
      EXPECT_TRUE(c->act(id, 0, pack_int(3)).ok());
    }
    return id;
  };
  SessionId fine = run(false);
  Result<Incoming> z = a->receive(fine);
  ASSERT_TRUE(z.ok()) << z.error().message();
  EXPECT_EQ(unpack_int(z->payload), 3);

  SessionId failed = run(true);
  Result<Incoming> r = a->receive(failed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kAborted);
  EXPECT_EQ(r.error().message(), session_text("Chain", failed, "A") + ": aborted by role C: C gives up");
  EXPECT_EQ(b->counters().unknown_sessions, 0u);  // B had ended: the abort was dropped unseen
  EXPECT_TRUE(b_rejected.messages().empty());
}

TEST(Monitor, MissingAddress) {
  MemoryNetwork net;
  auto a = make_endpoint(kPingA, Directory(), net.attach("a"), fast_options());
  SessionId s = *a->start();
  Status st = a->act(s, 0, pack_none());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kTransport);
  EXPECT_EQ(st.message(),
            session_text("PingPong", s, "A") +
                ": cannot send to B: no address for role B: it is not in the directory and has not "
                "sent to this session");
}

TEST(Monitor, ConnectTimeout) {
  MemoryNetwork net;
  Rejections s_rejected;
  auto c = make_endpoint(kRelayC, directory({{"S", "s"}}), net.attach("c"), fast_options(nullptr, 80ms));
  auto s = make_endpoint(kRelayS, Directory(), net.attach("s"), fast_options(&s_rejected, 80ms));
  SessionId id = *c->start();
  const auto start = std::chrono::steady_clock::now();
  Status st = c->act(id, 0, "");  // S exists but nobody drives it: no accept comes
  EXPECT_GE(std::chrono::steady_clock::now() - start, 80ms);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kTimeout);
  const std::string detail = "role S did not accept the connection within 80 ms";
  EXPECT_EQ(st.message(), session_text("Relay", id, "C") + ": " + detail);
  EXPECT_EQ(c->counters().failed_sessions, 1u);
  // S took the connect as the start of a session, then heard of the failure.
  Result<SessionId> at_s = s->next_session(50ms);
  ASSERT_TRUE(at_s.ok());
  Result<Incoming> r = s->receive(*at_s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kAborted);
  EXPECT_EQ(r.error().message(), session_text("Relay", id, "S") + ": aborted by role C: " + detail);
  EXPECT_EQ(s->counters().delivered, 0u);

  // Nobody at the address at all.
  auto lonely =
      make_endpoint(kRelayC, directory({{"S", "nowhere"}}), net.attach("c2"), fast_options(nullptr, 50ms));
  SessionId other = *lonely->start();
  Status nobody = lonely->act(other, 0, "");
  ASSERT_FALSE(nobody.ok());
  EXPECT_EQ(nobody.code(), StatusCode::kTimeout);
}

TEST(Monitor, RelayViolationsAtAccept) {
  MemoryNetwork net;
  Rejections rejected;
  auto s = make_endpoint(kRelayS, Directory(), net.attach("s"), fast_options(&rejected, 100ms));
  // A plain message cannot start a Relay session (explicit: a role enters by accepting).
  net.inject("c", "s", encode(Envelope{FrameKind::kMessage, "Relay", 1, "C", "S", "req", pack_text("x")}));
  // A connect carrying a label S does not accept with.
  net.inject("c", "s", encode(Envelope{FrameKind::kConnect, "Relay", 2, "C", "S", "req", pack_text("x")}));
  // A connect, then a second connect where the request should come.
  net.inject("c", "s", encode(Envelope{FrameKind::kConnect, "Relay", 3, "C", "S", "", ""}));
  net.inject("c", "s", encode(Envelope{FrameKind::kConnect, "Relay", 3, "C", "S", "", ""}));
  Result<SessionId> id = s->next_session(50ms);
  ASSERT_TRUE(id.ok()) << id.error().message();
  EXPECT_EQ(*id, 3u);
  ASSERT_TRUE(s->receive(3).ok());  // the accept
  Result<Incoming> r = s->receive(3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kProtocolViolation);
  EXPECT_EQ(r.error().message(),
            session_text("Relay", 3, "S") + ": role S at state 1 waits for req from C, but C connected");
  EXPECT_EQ(s->counters().unknown_sessions, 2u);
  EXPECT_THAT(
      rejected.messages(),
      ElementsAre(
          "Relay role S: frame from c rejected: unknown session 1: and req from C does not start a session "
          "of S",
          "Relay role S: frame from c rejected: unknown session 2: and a connect with req from C does not "
          "start a session of S"));
  EXPECT_EQ(s->counters().delivered, 1u);
}

}  // namespace
}  // namespace gtype::rt::testing
