// One SWIM rule per test, driving a single Member by hand: ping/ack, ping-req relay and nack,
// suspicion and confirmation, refutation by incarnation, precedence, dead self, members learned
// from updates, piggyback limits and order, round-robin probing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "c12s/membership/member.h"

namespace c12s::membership {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

Config test_config() {
  Config config;
  config.protocol_period = 100ms;
  config.ack_timeout = 30ms;
  config.indirect_probes = 3;
  config.suspicion_timeout = 500ms;
  config.max_piggyback = 8;
  config.retransmit_multiplier = 3;
  return config;
}

std::vector<Peer> peers(std::initializer_list<const char*> ids) {
  std::vector<Peer> out;
  for (const char* id : ids) out.push_back(Peer{id, std::string(id) + ":7946"});
  return out;
}

Message message(MessageKind kind, std::uint64_t seq, std::string target, std::vector<Update> updates = {}) {
  return Message{kind, seq, std::move(target), std::move(updates)};
}

MemberView view(const Member& member, const std::string& id) {
  for (const MemberView& v : member.members()) {
    if (v.id == id) return v;
  }
  ADD_FAILURE() << member.self() << " does not know " << id;
  return MemberView{};
}

std::vector<Send> sends_of(const Effects& effects, MessageKind kind) {
  std::vector<Send> out;
  for (const Send& send : effects.sends) {
    if (send.message.kind == kind) out.push_back(send);
  }
  return out;
}

// ---- ping / ack ----

TEST(Member, AnswersAPingWithAnAckOfTheSameSeq) {
  Member b("b", peers({"a", "b"}), test_config(), 1);
  Effects effects = b.on_message(0ms, "a", message(MessageKind::kPing, 7, "b"));
  ASSERT_EQ(effects.sends.size(), 1u);
  EXPECT_EQ(effects.sends[0].to, "a");
  EXPECT_EQ(effects.sends[0].message.kind, MessageKind::kAck);
  EXPECT_EQ(effects.sends[0].message.seq, 7u);
  EXPECT_EQ(effects.sends[0].message.target, "b");
}

TEST(Member, DoesNotAckAPingMeantForAnotherId) {
  Member b("b", peers({"a", "b"}), test_config(), 1);
  EXPECT_THAT(b.on_message(0ms, "a", message(MessageKind::kPing, 7, "old-b")).sends, IsEmpty());
}

TEST(Member, PingsOneMemberPerPeriodAndAnAckKeepsItAlive) {
  Member a("a", peers({"a", "b"}), test_config(), 1);
  Effects first = a.tick(0ms);
  ASSERT_EQ(first.sends.size(), 1u);
  const Message& ping = first.sends[0].message;
  EXPECT_EQ(first.sends[0].to, "b");
  EXPECT_EQ(ping.kind, MessageKind::kPing);
  EXPECT_EQ(ping.target, "b");
  EXPECT_EQ(a.next_deadline(), 30ms);  // the ack timeout
  a.on_message(10ms, "b", message(MessageKind::kAck, ping.seq, "b"));
  EXPECT_EQ(a.next_deadline(), 100ms);  // acked: nothing until the next period
  Effects second = a.tick(100ms);
  EXPECT_THAT(second.events, IsEmpty());
  ASSERT_EQ(second.sends.size(), 1u);
  EXPECT_EQ(second.sends[0].message.kind, MessageKind::kPing);
  EXPECT_NE(second.sends[0].message.seq, ping.seq);
  EXPECT_EQ(view(a, "b").state, State::kAlive);
}

TEST(Member, AnAckWithAnotherSeqDoesNotCount) {
  Member a("a", peers({"a", "b"}), test_config(), 1);
  const Message ping = a.tick(0ms).sends.at(0).message;
  a.on_message(10ms, "b", message(MessageKind::kAck, ping.seq + 100, "b"));
  a.tick(30ms);
  Effects end = a.tick(100ms);
  EXPECT_THAT(end.events, ElementsAre(Event{EventKind::kSuspected, "b", 0}));
}

// ---- indirect probes ----

TEST(Member, AfterTheAckTimeoutAsksKHelpersToPingTheTarget) {
  Member a("a", peers({"a", "b", "c", "d", "e", "f"}), test_config(), 3);
  const Send ping = a.tick(0ms).sends.at(0);
  EXPECT_THAT(a.tick(29ms).sends, IsEmpty());
  Effects effects = a.tick(30ms);
  std::vector<Send> requests = sends_of(effects, MessageKind::kPingReq);
  ASSERT_EQ(requests.size(), 3u);  // k = 3 of the 4 others
  std::set<std::string> helpers;
  for (const Send& request : requests) {
    helpers.insert(request.to);
    EXPECT_EQ(request.message.seq, ping.message.seq);
    EXPECT_EQ(request.message.target, ping.to);
  }
  EXPECT_EQ(helpers.size(), 3u);
  EXPECT_FALSE(helpers.contains("a"));
  EXPECT_FALSE(helpers.contains(ping.to));
  EXPECT_THAT(a.tick(31ms).sends, IsEmpty());  // once per probe
}

TEST(Member, AsksFewerHelpersWhenFewerMembersAreLeft) {
  Member a("a", peers({"a", "b", "c"}), test_config(), 3);
  const Send ping = a.tick(0ms).sends.at(0);
  std::vector<Send> requests = sends_of(a.tick(30ms), MessageKind::kPingReq);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].to, ping.to == "b" ? "c" : "b");
}

TEST(Member, AHelperPingsTheTargetAndRelaysItsAck) {
  Member b("b", peers({"a", "b", "c"}), test_config(), 1);
  Effects forwarded = b.on_message(40ms, "a", message(MessageKind::kPingReq, 5, "c"));
  ASSERT_EQ(forwarded.sends.size(), 1u);
  const Send& ping = forwarded.sends[0];
  EXPECT_EQ(ping.to, "c");
  EXPECT_EQ(ping.message.kind, MessageKind::kPing);
  EXPECT_EQ(ping.message.target, "c");
  Effects relayed = b.on_message(50ms, "c", message(MessageKind::kAck, ping.message.seq, "c"));
  ASSERT_EQ(relayed.sends.size(), 1u);
  EXPECT_EQ(relayed.sends[0].to, "a");
  EXPECT_EQ(relayed.sends[0].message.kind, MessageKind::kAck);
  EXPECT_EQ(relayed.sends[0].message.seq, 5u);  // the prober's seq
  EXPECT_EQ(relayed.sends[0].message.target, "c");
  EXPECT_THAT(sends_of(b.tick(100ms), MessageKind::kNack), IsEmpty());  // done, no nack later
}

TEST(Member, AHelperWhoseTargetDoesNotAnswerSendsANackAndIgnoresALateAck) {
  Member b("b", peers({"a", "b", "c"}), test_config(), 1);
  b.tick(0ms);
  const Send ping = b.on_message(40ms, "a", message(MessageKind::kPingReq, 5, "c")).sends.at(0);
  std::vector<Send> nacks = sends_of(b.tick(70ms), MessageKind::kNack);
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_EQ(nacks[0].to, "a");
  EXPECT_EQ(nacks[0].message.seq, 5u);
  EXPECT_EQ(nacks[0].message.target, "c");
  EXPECT_THAT(
      sends_of(b.on_message(80ms, "c", message(MessageKind::kAck, ping.message.seq, "c")), MessageKind::kAck),
      IsEmpty());
}

TEST(Member, APingReqForItselfIsAckedDirectly) {
  Member c("c", peers({"a", "b", "c"}), test_config(), 1);
  Effects effects = c.on_message(40ms, "b", message(MessageKind::kPingReq, 9, "c"));
  ASSERT_EQ(effects.sends.size(), 1u);
  EXPECT_EQ(effects.sends[0].to, "b");
  EXPECT_EQ(effects.sends[0].message.kind, MessageKind::kAck);
  EXPECT_EQ(effects.sends[0].message.seq, 9u);
}

TEST(Member, ARelayedAckKeepsTheTargetAlive) {
  Member a("a", peers({"a", "b", "c"}), test_config(), 1);
  const Send ping = a.tick(0ms).sends.at(0);
  const Send request = sends_of(a.tick(30ms), MessageKind::kPingReq).at(0);
  a.on_message(60ms, request.to, message(MessageKind::kAck, ping.message.seq, ping.to));
  EXPECT_THAT(a.tick(100ms).events, IsEmpty());
  EXPECT_EQ(view(a, ping.to).state, State::kAlive);
}

TEST(Member, ANackDoesNotEndTheProbeEarly) {
  Member a("a", peers({"a", "b", "c", "d"}), test_config(), 1);
  const Send ping = a.tick(0ms).sends.at(0);
  std::vector<Send> requests = sends_of(a.tick(30ms), MessageKind::kPingReq);
  ASSERT_EQ(requests.size(), 2u);
  a.on_message(75ms, requests[0].to, message(MessageKind::kNack, ping.message.seq, ping.to));
  a.on_message(80ms, requests[1].to, message(MessageKind::kAck, ping.message.seq, ping.to));
  EXPECT_THAT(a.tick(100ms).events, IsEmpty());
}

// ---- suspicion and confirmation ----

TEST(Member, NoAckByTheEndOfThePeriodSuspectsTheTarget) {
  Member a("a", peers({"a", "b", "c"}), test_config(), 1);
  const Send ping = a.tick(0ms).sends.at(0);
  a.tick(30ms);
  EXPECT_THAT(a.tick(99ms).events, IsEmpty());
  Effects end = a.tick(100ms);
  EXPECT_THAT(end.events, ElementsAre(Event{EventKind::kSuspected, ping.to, 0}));
  EXPECT_EQ(view(a, ping.to).state, State::kSuspect);
  // The suspicion rides on the next period's ping.
  const Send next = sends_of(end, MessageKind::kPing).at(0);
  EXPECT_THAT(next.message.updates,
              ::testing::Contains(Update{ping.to, ping.to + ":7946", State::kSuspect, 0}));
}

TEST(Member, ASuspectNotRefutedWithinTheSuspicionTimeoutIsDeclaredDead) {
  Member a("a", peers({"a", "b"}), test_config(), 1);
  std::vector<std::pair<Time, Event>> events;
  for (Time now = 0ms; now <= 700ms; now += 10ms) {
    for (Event& e : a.tick(now).events) events.emplace_back(now, e);
  }
  // Suspected at the end of the first period, dead one suspicion timeout later.
  EXPECT_THAT(events, ElementsAre(Pair(100ms, Event{EventKind::kSuspected, "b", 0}),
                                  Pair(600ms, Event{EventKind::kDead, "b", 0})));
}

TEST(Member, AHeardSuspicionStartsTheClockToo) {
  Member c("c", peers({"a", "b", "c"}), test_config(), 1);
  Effects heard =
      c.on_message(5ms, "a", message(MessageKind::kNack, 1, "x", {Update{"b", "", State::kSuspect, 0}}));
  EXPECT_THAT(heard.events, ElementsAre(Event{EventKind::kSuspected, "b", 0}));
  EXPECT_EQ(c.next_deadline(), Time::min());  // not started yet: tick now
  for (Time now = 5ms; now < 505ms; now += 5ms) c.tick(now);
  EXPECT_EQ(view(c, "b").state, State::kSuspect);
  c.tick(505ms);
  EXPECT_EQ(view(c, "b").state, State::kDead);
}

TEST(Member, ASuspicionAtAHigherIncarnationKeepsTheClockRunning) {
  Member a("a", peers({"a", "x"}), test_config(), 1);
  a.on_message(0ms, "b", message(MessageKind::kNack, 1, "", {Update{"x", "", State::kSuspect, 2}}));
  for (Time now = 0ms; now < 300ms; now += 10ms) a.tick(now);
  a.on_message(300ms, "b", message(MessageKind::kNack, 1, "", {Update{"x", "", State::kSuspect, 4}}));
  for (Time now = 300ms; now < 500ms; now += 10ms) a.tick(now);
  EXPECT_EQ(view(a, "x").state, State::kSuspect);
  a.tick(500ms);  // 500 ms after the first suspicion, not after the second
  EXPECT_EQ(view(a, "x"), (MemberView{"x", "x:7946", State::kDead, 4}));
}

// ---- refutation ----

TEST(Member, AMemberThatHearsItIsSuspectedBumpsItsIncarnationAndSaysSo) {
  Member b("b", peers({"a", "b", "c"}), test_config(), 1);
  EXPECT_EQ(b.incarnation(), 0u);
  Effects effects =
      b.on_message(0ms, "a", message(MessageKind::kPing, 3, "b", {Update{"b", "", State::kSuspect, 0}}));
  EXPECT_EQ(b.incarnation(), 1u);
  EXPECT_EQ(view(b, "b").state, State::kAlive);
  ASSERT_EQ(effects.sends.size(), 1u);
  ASSERT_FALSE(effects.sends[0].message.updates.empty());
  EXPECT_EQ(effects.sends[0].message.updates[0], (Update{"b", "b:7946", State::kAlive, 1}));  // newest first
}

TEST(Member, AStaleSuspicionDoesNotBumpTheIncarnationAgain) {
  Member b("b", peers({"a", "b"}), test_config(), 1);
  b.on_message(0ms, "a", message(MessageKind::kNack, 1, "x", {Update{"b", "", State::kSuspect, 0}}));
  b.on_message(1ms, "a", message(MessageKind::kNack, 1, "x", {Update{"b", "", State::kSuspect, 0}}));
  EXPECT_EQ(b.incarnation(), 1u);
  b.on_message(2ms, "a", message(MessageKind::kNack, 1, "x", {Update{"b", "", State::kSuspect, 4}}));
  EXPECT_EQ(b.incarnation(), 5u);
}

bool carries(const Message& m, const std::string& member) {
  return std::any_of(m.updates.begin(), m.updates.end(), [&](const Update& u) { return u.member == member; });
}

TEST(Member, AStaleSuspicionIsAnsweredWithTheRefutationAgain) {
  Config config = test_config();
  config.retransmit_multiplier = 1;  // 2 live members: each update goes on 1·⌈log2 3⌉ = 2 messages
  Member b("b", peers({"a", "b"}), config, 1);
  b.on_message(0ms, "a", message(MessageKind::kNack, 1, "", {Update{"b", "", State::kSuspect, 0}}));
  Message ack;
  for (int i = 0; i < 3; ++i)
    ack = b.on_message(1ms, "a", message(MessageKind::kPing, 2, "b")).sends.at(0).message;
  EXPECT_FALSE(carries(ack, "b"));  // the refutation's budget is spent
  // a still suspects b at 0: it has not heard. b tells it again, without bumping again.
  ack = b.on_message(2ms, "a", message(MessageKind::kPing, 3, "b", {Update{"b", "", State::kSuspect, 0}}))
            .sends.at(0)
            .message;
  ASSERT_FALSE(ack.updates.empty());
  EXPECT_EQ(ack.updates[0], (Update{"b", "b:7946", State::kAlive, 1}));
  EXPECT_EQ(b.incarnation(), 1u);
}

TEST(Member, EveryMessageToASuspectTellsItSoOutsideTheBudget) {
  Config config = test_config();
  config.retransmit_multiplier = 1;  // 3 live members: budget 2
  Member a("a", peers({"a", "b", "c"}), config, 1);
  a.on_message(0ms, "c", message(MessageKind::kNack, 1, "", {Update{"b", "", State::kSuspect, 0}}));
  for (int i = 0; i < 3; ++i) a.on_message(1ms, "c", message(MessageKind::kPing, 2, "a"));
  EXPECT_FALSE(carries(a.on_message(1ms, "c", message(MessageKind::kPing, 2, "a")).sends.at(0).message, "b"));
  for (int i = 0; i < 5; ++i) {
    const Message ack = a.on_message(2ms, "b", message(MessageKind::kPing, 3, "a")).sends.at(0).message;
    ASSERT_FALSE(ack.updates.empty());
    EXPECT_EQ(ack.updates[0], (Update{"b", "b:7946", State::kSuspect, 0}));
    EXPECT_EQ(std::count_if(ack.updates.begin(), ack.updates.end(),
                            [](const Update& u) { return u.member == "b"; }),
              1);
    EXPECT_LE(ack.updates.size(), config.max_piggyback);
  }
}

TEST(Member, ARefutationClearsTheSuspicion) {
  Member a("a", peers({"a", "b"}), test_config(), 1);
  a.on_message(0ms, "c", message(MessageKind::kNack, 1, "x", {Update{"b", "", State::kSuspect, 0}}));
  Effects refuted =
      a.on_message(1ms, "b", message(MessageKind::kNack, 1, "x", {Update{"b", "", State::kAlive, 1}}));
  EXPECT_THAT(refuted.events, ElementsAre(Event{EventKind::kAlive, "b", 1}));
  for (Time now = 1ms; now <= 1000ms; now += 10ms) {
    for (const Send& send : a.tick(now).sends) {
      if (send.message.kind == MessageKind::kPing)
        a.on_message(now, send.to, message(MessageKind::kAck, send.message.seq, send.to));
    }
  }
  EXPECT_EQ(view(a, "b").state, State::kAlive);
  EXPECT_EQ(view(a, "b").incarnation, 1u);
}

// ---- precedence ----

struct PrecedenceCase {
  Update known;  // brought about first (from alive at 0)
  Update heard;  // then this
  State state;   // what "x" is then
  std::uint64_t incarnation;
  std::vector<EventKind> events;  // what the second update caused
};

void PrintTo(const PrecedenceCase& c, std::ostream* os) {
  *os << state_name(c.known.state) << "(" << c.known.incarnation << ") then " << state_name(c.heard.state)
      << "(" << c.heard.incarnation << ")";
}

class Precedence : public ::testing::TestWithParam<PrecedenceCase> {};

TEST_P(Precedence, FollowsSwimRules) {
  const PrecedenceCase& c = GetParam();
  Config config = test_config();
  config.retransmit_multiplier = 1;
  Member a("a", peers({"a", "x"}), config, 1);
  a.on_message(0ms, "b", message(MessageKind::kNack, 1, "", {c.known}));
  ASSERT_EQ(view(a, "x").state, c.known.state);
  for (int i = 0; i < 3; ++i)
    a.on_message(1ms, "b", message(MessageKind::kPing, 2, "a"));  // spend the gossip
  Effects effects = a.on_message(2ms, "b", message(MessageKind::kNack, 1, "", {c.heard}));
  EXPECT_EQ(view(a, "x").state, c.state);
  EXPECT_EQ(view(a, "x").incarnation, c.incarnation);
  std::vector<EventKind> kinds;
  for (const Event& e : effects.events) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, c.events);
  // Accepted news is passed on; news that changes nothing is not (or gossip would echo forever).
  const bool accepted = c.state != c.known.state || c.incarnation != c.known.incarnation;
  const Message ack = a.on_message(3ms, "b", message(MessageKind::kPing, 2, "a")).sends.at(0).message;
  EXPECT_EQ(carries(ack, "x"), accepted);
}

Update x(State state, std::uint64_t incarnation) { return Update{"x", "", state, incarnation}; }
constexpr State kAlive = State::kAlive;
constexpr State kSuspect = State::kSuspect;
constexpr State kDead = State::kDead;

INSTANTIATE_TEST_SUITE_P(
    Member, Precedence,
    ::testing::Values(
        // suspect(i) overrides alive(j) iff i >= j
        PrecedenceCase{x(kAlive, 2), x(kSuspect, 2), kSuspect, 2, {EventKind::kSuspected}},
        PrecedenceCase{x(kAlive, 2), x(kSuspect, 3), kSuspect, 3, {EventKind::kSuspected}},
        PrecedenceCase{x(kAlive, 2), x(kSuspect, 1), kAlive, 2, {}},
        // alive(i) overrides suspect(j) iff i > j
        PrecedenceCase{x(kSuspect, 2), x(kAlive, 3), kAlive, 3, {EventKind::kAlive}},
        PrecedenceCase{x(kSuspect, 2), x(kAlive, 2), kSuspect, 2, {}},
        // same state: only a higher incarnation is news (no change of state, no event)
        PrecedenceCase{x(kAlive, 2), x(kAlive, 5), kAlive, 5, {}},
        PrecedenceCase{x(kAlive, 2), x(kAlive, 2), kAlive, 2, {}},
        PrecedenceCase{x(kSuspect, 2), x(kSuspect, 4), kSuspect, 4, {}},
        // dead overrides all, whatever the incarnation, and nothing overrides dead
        PrecedenceCase{x(kAlive, 7), x(kDead, 0), kDead, 0, {EventKind::kDead}},
        PrecedenceCase{x(kSuspect, 7), x(kDead, 3), kDead, 3, {EventKind::kDead}},
        PrecedenceCase{x(kDead, 1), x(kAlive, 9), kDead, 1, {}},
        PrecedenceCase{x(kDead, 1), x(kSuspect, 9), kDead, 1, {}},
        PrecedenceCase{x(kDead, 1), x(kDead, 9), kDead, 1, {}}));

TEST(Member, NothingRevivesADeadMemberAndItIsNoLongerProbed) {
  Member a("a", peers({"a", "b"}), test_config(), 1);
  a.on_message(0ms, "c", message(MessageKind::kNack, 1, "", {Update{"b", "", kDead, 0}}));
  a.on_message(1ms, "b", message(MessageKind::kNack, 1, "", {Update{"b", "", kAlive, 1}}));
  EXPECT_EQ(view(a, "b").state, kDead);
  // b is no longer probed: alone, a pings nobody.
  EXPECT_THAT(sends_of(a.tick(2ms), MessageKind::kPing), IsEmpty());
}

TEST(Member, AMemberDeclaredDeadIsExpelledAndGoesSilent) {
  Member b("b", peers({"a", "b"}), test_config(), 1);
  b.tick(0ms);
  Effects effects = b.on_message(5ms, "a", message(MessageKind::kPing, 1, "b", {Update{"b", "", kDead, 0}}));
  EXPECT_THAT(effects.events, ElementsAre(Event{EventKind::kDead, "b", 0}));
  EXPECT_THAT(effects.sends, IsEmpty());
  EXPECT_TRUE(b.expelled());
  EXPECT_EQ(view(b, "b").state, kDead);
  EXPECT_EQ(b.next_deadline(), Time::max());
  EXPECT_THAT(b.tick(1000ms).sends, IsEmpty());
  EXPECT_THAT(b.on_message(1001ms, "a", message(MessageKind::kPing, 2, "b")).sends, IsEmpty());
}

// ---- joining through updates ----

TEST(Member, AnUnknownMemberHeardOfInAnUpdateIsAddedProbedInThisRoundAndPassedOn) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Member a("a", peers({"a", "b", "c", "d", "e"}), test_config(), seed);
    std::vector<std::string> probed;
    bool passed_on = false;
    for (int period = 0; period < 5; ++period) {
      const Time now = 100ms * period;
      for (const Send& send : sends_of(a.tick(now), MessageKind::kPing)) {
        probed.push_back(send.to);
        for (const Update& u : send.message.updates) passed_on |= u == Update{"f", "f:7946", kAlive, 2};
        a.on_message(now + 1ms, send.to, message(MessageKind::kAck, send.message.seq, send.to));
      }
      if (period == 0) {
        Effects heard =
            a.on_message(5ms, "b", message(MessageKind::kNack, 1, "", {Update{"f", "f:7946", kAlive, 2}}));
        EXPECT_THAT(heard.events, ElementsAre(Event{EventKind::kJoined, "f", 2}));
        EXPECT_EQ(view(a, "f"), (MemberView{"f", "f:7946", kAlive, 2}));
      }
    }
    // f joined in the first round (4 periods) and made it 5 periods long: each member once.
    std::sort(probed.begin(), probed.end());
    EXPECT_THAT(probed, ElementsAre("b", "c", "d", "e", "f")) << "seed " << seed;
    EXPECT_TRUE(passed_on);
  }
}

TEST(Member, AnUnknownMemberHeardOfAsSuspectIsAddedAsSuspect) {
  Member a("a", peers({"a", "b"}), test_config(), 1);
  Effects heard = a.on_message(0ms, "b", message(MessageKind::kNack, 1, "", {Update{"c", "", kSuspect, 0}}));
  EXPECT_THAT(heard.events,
              ElementsAre(Event{EventKind::kJoined, "c", 0}, Event{EventKind::kSuspected, "c", 0}));
}

TEST(Member, AnUnknownMemberHeardOfAsDeadIsRememberedAndNeverRevived) {
  Member a("a", peers({"a", "b"}), test_config(), 1);
  Effects heard = a.on_message(0ms, "b", message(MessageKind::kNack, 1, "", {Update{"c", "", kDead, 0}}));
  EXPECT_THAT(heard.events, ElementsAre(Event{EventKind::kDead, "c", 0}));
  a.on_message(1ms, "b", message(MessageKind::kNack, 1, "", {Update{"c", "", kAlive, 9}}));
  EXPECT_EQ(view(a, "c").state, kDead);
}

TEST(Member, MembersAreListedSortedByIdWithSelf) {
  Member m("node-2", peers({"node-3", "node-1"}), test_config(), 1);
  std::vector<std::string> ids;
  for (const MemberView& v : m.members()) ids.push_back(v.id);
  EXPECT_THAT(ids, ElementsAre("node-1", "node-2", "node-3"));
}

// ---- piggybacking ----

TEST(Member, RetransmitLimitIsLambdaTimesCeilLog2OfNPlusOne) {
  EXPECT_EQ(retransmit_limit(3, 1), 3u);  // ⌈log2 2⌉ = 1
  EXPECT_EQ(retransmit_limit(3, 3), 6u);  // ⌈log2 4⌉ = 2
  EXPECT_EQ(retransmit_limit(3, 4), 9u);  // ⌈log2 5⌉ = 3
  EXPECT_EQ(retransmit_limit(2, 7), 6u);  // ⌈log2 8⌉ = 3
  EXPECT_EQ(retransmit_limit(2, 8), 8u);  // ⌈log2 9⌉ = 4
}

TEST(Member, AMessageCarriesAtMostMaxPiggybackUpdates) {
  Config config = test_config();
  config.max_piggyback = 4;
  Member a("a", peers({"a", "b"}), config, 1);
  std::vector<Update> news;
  for (int i = 0; i < 20; ++i) news.push_back(Update{std::to_string(100 + i), "", kAlive, 0});
  a.on_message(0ms, "b", message(MessageKind::kNack, 1, "", news));
  Effects ack = a.on_message(1ms, "b", message(MessageKind::kPing, 2, "a"));
  EXPECT_EQ(ack.sends.at(0).message.updates.size(), 4u);
}

TEST(Member, EachUpdateIsCarriedExactlyRetransmitLimitTimes) {
  Config config = test_config();
  config.retransmit_multiplier = 2;
  Member a("a", peers({"a", "b", "c", "d"}), config, 1);
  a.on_message(0ms, "b", message(MessageKind::kNack, 1, "", {Update{"e", "", kAlive, 0}}));
  std::size_t carried = 0;
  for (int i = 0; i < 30; ++i) {
    const Message ack = a.on_message(1ms, "b", message(MessageKind::kPing, 2, "a")).sends.at(0).message;
    for (const Update& u : ack.updates) carried += u.member == "e";
  }
  EXPECT_EQ(carried, retransmit_limit(2, 5));  // 5 live members: 2·⌈log2 6⌉ = 6
}

TEST(Member, LeastSentThenNewestUpdatesGoFirst) {
  Config config = test_config();
  config.max_piggyback = 1;
  config.retransmit_multiplier = 1;  // 4 live members: each update goes 3 times
  Member a("a", peers({"a", "b"}), config, 1);
  // Queued: alive(a) at construction, then x, then y.
  a.on_message(0ms, "b",
               message(MessageKind::kNack, 1, "", {Update{"x", "", kAlive, 0}, Update{"y", "", kAlive, 0}}));
  std::vector<std::string> order;
  for (int i = 0; i < 10; ++i) {
    const Message ack = a.on_message(1ms, "b", message(MessageKind::kPing, 2, "a")).sends.at(0).message;
    order.push_back(ack.updates.empty() ? "-" : ack.updates[0].member);
  }
  EXPECT_THAT(order, ElementsAre("y", "x", "a", "y", "x", "a", "y", "x", "a", "-"));
}

// ---- probe order ----

std::vector<std::string> probe_sequence(std::uint64_t seed, int periods) {
  Member a("a", peers({"a", "b", "c", "d", "e", "f"}), test_config(), seed);
  std::vector<std::string> probed;
  for (int i = 0; i < periods; ++i) {
    const Time now = 100ms * i;
    for (const Send& send : sends_of(a.tick(now), MessageKind::kPing)) {
      probed.push_back(send.to);
      a.on_message(now, send.to, message(MessageKind::kAck, send.message.seq, send.to));
    }
  }
  return probed;
}

TEST(Member, ProbesEveryOtherMemberOncePerRoundInASeededShuffledOrder) {
  const std::vector<std::string> probed = probe_sequence(42, 15);
  ASSERT_EQ(probed.size(), 15u);
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> members(probed.begin() + 5 * round, probed.begin() + 5 * (round + 1));
    std::sort(members.begin(), members.end());
    EXPECT_THAT(members, ElementsAre("b", "c", "d", "e", "f")) << "round " << round;
  }
  EXPECT_EQ(probe_sequence(42, 15), probed);  // same seed, same order
  std::set<std::vector<std::string>> orders;
  for (std::uint64_t seed = 0; seed < 8; ++seed) orders.insert(probe_sequence(seed, 5));
  EXPECT_GT(orders.size(), 1u);  // the order does depend on the seed
}

}  // namespace
}  // namespace c12s::membership
