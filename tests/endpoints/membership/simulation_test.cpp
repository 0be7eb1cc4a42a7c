// Whole groups of members on the simulated network (sim_network.h): what SWIM promises, as
// properties over random seeds, sizes, crash times and message loss, plus partitions and an
// end-to-end refutation.
//
// The detection bound. Member M probes one member per period T, round robin over a list it
// reshuffles every round of n - 1 periods. Let crashed member X have acked M's probe started
// at p0 < tc (the crash time). In the worst case X was first in that round and is last in the
// next: M's next probe of X starts at p0 + (2n - 3)T, finds no ack by its end, and M suspects
// X at p0 + (2n - 2)T < tc + (2n - 2)T. M declares X dead a suspicion timeout S later, or
// earlier if it hears of the suspicion or the death from others. So every live member declares
// X dead by tc + (2n - 2)T + S. This holds when no message is lost (no live member is then
// suspected, so rounds stay n - 1 long) and no member joins (a joiner lengthens the round).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>

#include "sim_network.h"

namespace c12s::membership::testing {
namespace {

using namespace std::chrono_literals;

// Delays of 1..10 ms: a round trip (20 ms) fits the ack timeout (30 ms), and an indirect probe
// fits the period (100 ms): the relayed ack is back 4 delays after the ack timeout (by 70 ms),
// a nack one helper timeout and 2 delays after it (by 80 ms). The suspicion timeout of 10
// periods is twice the slowest refutation seen in 6000 runs at 5 % loss (docs/control-plane.md).
Config sim_config() {
  Config config;
  config.protocol_period = 100ms;
  config.ack_timeout = 30ms;
  config.indirect_probes = 3;
  config.suspicion_timeout = 1000ms;
  config.max_piggyback = 8;
  config.retransmit_multiplier = 3;
  return config;
}

NetworkConfig lossless() { return NetworkConfig{1ms, 10ms, 0.0}; }

Time detection_bound(std::size_t n, const Config& config) {
  return config.protocol_period * static_cast<Time::rep>(2 * n - 2) + config.suspicion_timeout;
}

std::size_t count_events(const SimNetwork& net, EventKind kind) {
  std::size_t count = 0;
  for (const Observed& o : net.observed()) count += o.event.kind == kind;
  return count;
}

RC_GTEST_PROP(Simulation, WithNoLossAndNoCrashNobodyIsEverSuspected, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(2, 10);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const Config config = sim_config();
  SimNetwork net(n, config, lossless(), seed);
  const int periods = 40;
  net.run_until(config.protocol_period * periods - 1ms);
  RC_ASSERT(net.observed().empty());  // no suspicion, no death, no news at all
  for (const std::string& id : net.ids()) {
    for (const MemberView& view : net.member(id).members()) {
      RC_ASSERT(view.state == State::kAlive);
      RC_ASSERT(view.incarnation == 0u);
    }
  }
  // SWIM's constant load: one ping a period per member, each acked, no ping-req.
  RC_ASSERT(net.sent(MessageKind::kPing) == n * periods);
  RC_ASSERT(net.sent(MessageKind::kAck) == n * periods);
  RC_ASSERT(net.sent(MessageKind::kPingReq) == 0u);
  RC_ASSERT(net.max_updates_per_message() <= config.max_piggyback);
}

RC_GTEST_PROP(Simulation, ACrashedMemberIsDeclaredDeadByEveryLiveMemberWithinTheBound, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(3, 10);
  const auto victim = SimNetwork::id(*rc::gen::inRange<std::size_t>(0, n));
  const auto crash_at = Time(*rc::gen::inRange(0, 1000));
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const Config config = sim_config();
  const Time deadline = crash_at + detection_bound(n, config);
  SimNetwork net(n, config, lossless(), seed);
  net.run_until(crash_at);
  net.crash(victim);
  net.run_until(deadline);
  for (const std::string& id : net.ids()) {
    if (id == victim) continue;
    bool declared = false;
    for (const Observed& o : net.observed()) {
      declared |= o.observer == id && o.event == Event{EventKind::kDead, victim, 0};
    }
    RC_ASSERT(declared);
  }
  for (const Observed& o : net.observed()) {
    RC_ASSERT(o.event.member == victim);  // nobody else is ever suspected
    RC_ASSERT(o.at <= deadline);
  }
}

RC_GTEST_PROP(Simulation, UnderFivePercentLossNobodyIsDeclaredDead, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(3, 10);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const Config config = sim_config();
  SimNetwork net(n, config, NetworkConfig{1ms, 10ms, 0.05}, seed);
  net.run_until(config.protocol_period * 100);
  RC_ASSERT(net.dropped() > 0u);
  RC_ASSERT(count_events(net, EventKind::kDead) == 0u);
  RC_TAG(count_events(net, EventKind::kSuspected) > 0 ? "some suspicion refuted" : "no suspicion");
}

RC_GTEST_PROP(Simulation, TheSameSeedGivesTheSameRun, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(3, 8);
  const auto victim = SimNetwork::id(*rc::gen::inRange<std::size_t>(0, n));
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const Config config = sim_config();
  auto run = [&] {
    SimNetwork net(n, config, NetworkConfig{1ms, 10ms, 0.1}, seed);
    net.run_until(500ms);
    net.crash(victim);
    net.run_until(3000ms);
    return std::pair(net.observed(), net.trace());
  };
  const auto first = run();
  RC_ASSERT(!first.first.empty());  // the crash at least is seen
  RC_ASSERT(run() == first);
}

TEST(Simulation, DifferentSeedsGiveDifferentRuns) {
  std::set<std::vector<std::string>> traces;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    SimNetwork net(5, sim_config(), lossless(), seed);
    net.run_until(1000ms);
    traces.insert(net.trace());
  }
  EXPECT_EQ(traces.size(), 4u);
}

TEST(Simulation, BothSidesOfAPartitionDeclareTheOtherDead) {
  const Config config = sim_config();
  SimNetwork net(5, config, lossless(), 7);
  net.run_until(200ms);
  net.partition({{"node-3", 1}, {"node-4", 1}});
  net.run_until(200ms + detection_bound(5, config));
  for (const std::string& id : net.ids()) {
    const bool minority = id == "node-3" || id == "node-4";
    for (const MemberView& view : net.member(id).members()) {
      const bool same_side = (view.id == "node-3" || view.id == "node-4") == minority;
      EXPECT_EQ(view.state, same_side ? State::kAlive : State::kDead) << id << " sees " << view.id;
    }
  }
  // Healing does not bring them back: dead is final, so the sides stay apart.
  net.heal();
  net.run_until(net.now() + 2000ms);
  EXPECT_EQ(net.member("node-0").members()[4].state, State::kDead);
  EXPECT_EQ(net.member("node-4").members()[0].state, State::kDead);
}

TEST(Simulation, AMemberCutOffBrieflyIsSuspectedRefutesAndStays) {
  const Config config = sim_config();
  SimNetwork net(6, config, lossless(), 11);
  net.run_until(100ms);
  net.partition({{"node-2", 1}});
  net.run_until(400ms);  // long enough to miss probes, much shorter than the suspicion timeout
  net.heal();
  net.run_until(400ms + config.suspicion_timeout * 3);
  EXPECT_GT(net.member("node-2").incarnation(), 0u);
  bool suspected = false;
  bool refuted = false;
  for (const Observed& o : net.observed()) {
    suspected |= o.event.kind == EventKind::kSuspected && o.event.member == "node-2";
    refuted |= o.event.kind == EventKind::kAlive && o.event.member == "node-2";
    EXPECT_NE(o.event.kind, EventKind::kDead) << o.observer << " declared " << o.event.member << " dead";
  }
  EXPECT_TRUE(suspected);
  EXPECT_TRUE(refuted);
  for (const std::string& id : net.ids()) {
    for (const MemberView& view : net.member(id).members())
      EXPECT_EQ(view.state, State::kAlive) << id << " sees " << view.id;
  }
}

}  // namespace
}  // namespace c12s::membership::testing
