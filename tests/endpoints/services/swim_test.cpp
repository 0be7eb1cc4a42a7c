// SWIM in the node daemon (endpoints/services/swim.h): several daemons' SWIM parts in one
// process, each a swim::Node served by a Host of its own, over ipc:// in a temporary folder.
// A member is "killed" by stopping its Host and destroying it: its endpoints close, and it
// sends nothing more, as after a crash (SWIM has no goodbye).
//
// The timing is scaled down from the daemon's defaults (T = 1 s, ack 200 ms, S = 3 s) to
// T = 400 ms, ack 100 ms, S = 1.2 s, so that a detection fits in seconds. The bound checked is
// the one docs/control-plane.md states for a crash, (2n - 2)·T + S, plus one period for the
// threads' scheduling on a loaded machine.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <swim_ping/prober.h>
#include <swim_ping_req/prober.h>

#include "gtype/rt/transport.h"
#include "swim.h"

namespace {

namespace fs = std::filesystem;
namespace rt = gtype::rt;
namespace ms = c12s::membership;
namespace swim = c12s::services::swim;
namespace sorts = gtype_gen::sorts::c12s::sorts;
using Clock = std::chrono::steady_clock;
using Probe = gtype_gen::sorts::membership::Probe;
using std::chrono::milliseconds;

c12s::services::SwimOptions fast_options() {
  c12s::services::SwimOptions options;
  options.protocol_period = milliseconds(400);
  options.ack_timeout = milliseconds(100);
  options.suspicion_timeout = milliseconds(1200);
  return options;
}

// The crash detection bound of docs/control-plane.md for n members, plus one period.
milliseconds detection_bound(std::size_t n, const c12s::services::SwimOptions& options) {
  return static_cast<int>(2 * n - 2) * options.protocol_period + options.suspicion_timeout +
         options.protocol_period;
}

// Every change any member reports, with when it came.
class Changes {
 public:
  swim::ChangeSink sink() {
    return [this](const swim::Change& change) {
      std::lock_guard lock(mutex_);
      seen_.push_back({Clock::now(), change});
    };
  }
  struct Seen {
    Clock::time_point at;
    swim::Change change;
  };
  std::vector<Seen> all() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  // When `self` reported `member` as `kind`, if it did.
  std::optional<Clock::time_point> when(const std::string& self, const std::string& member,
                                        ms::EventKind kind) const {
    std::lock_guard lock(mutex_);
    for (const Seen& seen : seen_) {
      if (seen.change.self == self && seen.change.member == member && seen.change.kind == kind)
        return seen.at;
    }
    return std::nullopt;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
};

// One daemon's SWIM part, served on a thread until killed.
struct Member {
  std::string id;
  std::string address;  // where its daemon would take formations; SWIM's are derived from it
  std::unique_ptr<swim::Node> node;
  std::atomic<bool> stop{false};
  std::thread thread;

  void start() {
    thread = std::thread([this] {
      c12s::system::Host host;
      node->add_to(host);
      gtype::Status ran = host.run(stop);
      EXPECT_TRUE(ran.ok()) << id << ": " << ran.message();
    });
  }
  void kill() {
    stop = true;
    if (thread.joinable()) thread.join();
    node.reset();
  }
  ~Member() { kill(); }
};

class SwimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("c12s_swim_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    members_.clear();
    fs::remove_all(dir_);
  }

  std::string address_of(const std::string& id) const { return "ipc://" + (dir_ / id).string(); }

  // Binds and starts the members `ids` (not yet formed).
  void start(const std::vector<std::string>& ids, const c12s::services::SwimOptions& options) {
    for (const std::string& id : ids) {
      auto member = std::make_unique<Member>();
      member->id = id;
      member->address = address_of(id);
      gtype::Result<std::unique_ptr<swim::Node>> node =
          swim::Node::bind(c12s::system::Network{}, member->address, id, options, changes_.sink());
      ASSERT_TRUE(node.ok()) << node.error().message();
      member->node = std::move(*node);
      member->start();
      members_[id] = std::move(member);
    }
  }

  // The formation of `self` in a cluster of `ids`, every member's address included.
  sorts::NodeFormation formation(const std::string& self, const std::vector<std::string>& ids) const {
    sorts::NodeFormation formation;
    formation.node = formation.new_id = formation.name = self;
    formation.topology = "t";
    formation.region = "r";
    formation.cluster = "c";
    formation.members = ids;
    for (const std::string& id : ids) formation.member_addresses[id] = address_of(id);
    return formation;
  }

  void form_all(const std::vector<std::string>& ids) {
    for (const std::string& id : ids) members_.at(id)->node->form(formation(id, ids));
  }

  // A SwimPing session with `to`, the test as prober: the ack, or the session's error.
  gtype::Result<Probe> ping(const std::string& to, const Probe& probe) {
    rt::Directory directory;
    directory.set("target", swim::derive_addresses(address_of(to))->ping);
    rt::EndpointOptions options;
    options.connect_timeout = options.receive_timeout = milliseconds(1000);
    namespace p = gtype_gen::swim_ping::prober;
    gtype::Result<p::Role> role = p::Role::bind(address_of("tester.ping"), directory, options);
    if (!role.ok()) return role.error();
    gtype::Result<p::Start> start = role->start();
    if (!start.ok()) return start.error();
    gtype::Result<p::AfterPing> pinged = std::move(*start).connect_ping(probe);
    if (!pinged.ok()) return pinged.error();
    gtype::Result<p::AfterPing::Ack> ack = std::move(*pinged).receive();
    if (!ack.ok()) return ack.error();
    return ack->value;
  }

  // `to`'s answer to a ping-req: "ack" or "nack" and the probe, or the session's error.
  gtype::Result<std::pair<std::string, Probe>> ping_req(const std::string& to, const Probe& probe) {
    rt::Directory directory;
    directory.set("helper", swim::derive_addresses(address_of(to))->ping_req);
    rt::EndpointOptions options;
    options.connect_timeout = options.receive_timeout = milliseconds(1000);
    namespace p = gtype_gen::swim_ping_req::prober;
    gtype::Result<p::Role> role = p::Role::bind(address_of("tester.ping-req"), directory, options);
    if (!role.ok()) return role.error();
    gtype::Result<p::Start> start = role->start();
    if (!start.ok()) return start.error();
    gtype::Result<p::AfterPingReq> asked = std::move(*start).connect_ping_req(probe);
    if (!asked.ok()) return asked.error();
    gtype::Result<p::AfterPingReq::Branch> answer = std::move(*asked).receive();
    if (!answer.ok()) return answer.error();
    if (auto* ack = std::get_if<p::AfterPingReq::Ack>(&*answer))
      return std::pair(std::string("ack"), ack->value);
    return std::pair(std::string("nack"), std::get<p::AfterPingReq::Nack>(*answer).value);
  }
  fs::path dir_;
  Changes changes_;
  std::map<std::string, std::unique_ptr<Member>> members_;
};

TEST(SwimAddresses, DerivedFromWhereTheDaemonTakesFormations) {
  std::optional<swim::Addresses> tcp = swim::derive_addresses("tcp://127.0.0.1:7400");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->ping, "tcp://127.0.0.1:7401");
  EXPECT_EQ(tcp->ping_req, "tcp://127.0.0.1:7402");
  std::optional<swim::Addresses> ipc = swim::derive_addresses("ipc:///run/c12s/node-1");
  ASSERT_TRUE(ipc);
  EXPECT_EQ(ipc->ping, "ipc:///run/c12s/node-1.swim-ping");
  EXPECT_EQ(ipc->ping_req, "ipc:///run/c12s/node-1.swim-ping-req");
  EXPECT_EQ(swim::derive_addresses("inproc://n")->ping, "inproc://n.swim-ping");
  for (const char* bad : {"tcp://127.0.0.1:0", "tcp://127.0.0.1:65534", "tcp://127.0.0.1", "tcp://h:x1",
                          "tcp://h:123456", "ipc://", "udp://h:1", ""}) {
    EXPECT_FALSE(swim::derive_addresses(bad)) << bad;
  }
  // Keyed addresses keep their key on both derived addresses.
  const std::string key = gtype::rt::generate_curve_key_pair()->public_key;
  std::optional<swim::Addresses> keyed = swim::derive_addresses("tcp://10.0.0.7:7400#" + key);
  ASSERT_TRUE(keyed);
  EXPECT_EQ(keyed->ping, "tcp://10.0.0.7:7401#" + key);
  EXPECT_EQ(keyed->ping_req, "tcp://10.0.0.7:7402#" + key);
  // Probers bind an ephemeral port of the network for a tcp daemon, a named socket otherwise.
  auto prober = swim::outgoing_transport(c12s::system::Network{}, "tcp://127.0.0.1:7400", "x");
  ASSERT_TRUE(prober.ok());
  EXPECT_EQ((*prober)->address().rfind("tcp://127.0.0.1:", 0), 0u);
  auto inproc = swim::outgoing_transport(c12s::system::Network{}, "inproc://n1", "to-n2.ping");
  ASSERT_TRUE(inproc.ok());
  EXPECT_EQ((*inproc)->address(), "inproc://n1.to-n2.ping");
}

TEST(SwimNode, RefusesOptionsMemberCannotRunWithAndAddressesItCannotDeriveFrom) {
  c12s::services::SwimOptions options = fast_options();
  options.ack_timeout = options.protocol_period;
  gtype::Result<std::unique_ptr<swim::Node>> slow =
      swim::Node::bind(c12s::system::Network{}, "inproc://swim-options", "n", options, nullptr);
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code(), gtype::StatusCode::kConfig);
  gtype::Result<std::unique_ptr<swim::Node>> nowhere =
      swim::Node::bind(c12s::system::Network{}, "udp://h:1", "n", fast_options(), nullptr);
  ASSERT_FALSE(nowhere.ok());
  EXPECT_NE(nowhere.error().message().find("cannot derive SWIM's addresses from 'udp://h:1'"),
            std::string::npos);
}

TEST_F(SwimTest, NobodyIsSuspectedWhileEveryMemberIsUp) {
  const std::vector<std::string> ids{"node-1", "node-2", "node-3", "node-4"};
  const c12s::services::SwimOptions options = fast_options();
  start(ids, options);
  form_all(ids);
  std::this_thread::sleep_for(8 * options.protocol_period);
  // On a loaded machine an ack may miss its 100 ms: a member may then be suspected, and
  // refutes it. What must never happen is a death.
  for (const Changes::Seen& seen : changes_.all()) {
    EXPECT_NE(seen.change.kind, ms::EventKind::kDead)
        << seen.change.self << " declared " << seen.change.member << " dead";
  }
  for (const std::string& id : ids) {
    const std::vector<ms::MemberView> view = members_.at(id)->node->members();
    ASSERT_EQ(view.size(), ids.size()) << id;
    for (const ms::MemberView& member : view)
      EXPECT_NE(member.state, ms::State::kDead) << id << " sees " << member.id;
  }
}

TEST_F(SwimTest, AKilledMemberIsDeclaredDeadByEveryOtherWithinTheBound) {
  const std::vector<std::string> ids{"node-1", "node-2", "node-3", "node-4"};
  const c12s::services::SwimOptions options = fast_options();
  start(ids, options);
  form_all(ids);
  std::this_thread::sleep_for(2 * options.protocol_period);
  const auto killed = Clock::now();
  members_.at("node-3")->kill();

  const milliseconds bound = detection_bound(ids.size(), options);
  const std::vector<std::string> survivors{"node-1", "node-2", "node-4"};
  auto all_declared = [&] {
    for (const std::string& id : survivors) {
      if (!changes_.when(id, "node-3", ms::EventKind::kDead)) return false;
    }
    return true;
  };
  // The bound, plus two seconds for a loaded machine's scheduling (the threads of four members
  // and the test share two cores with whatever else runs).
  const milliseconds slack(2000);
  while (!all_declared() && Clock::now() - killed < bound + slack + milliseconds(2000))
    std::this_thread::sleep_for(milliseconds(50));
  for (const std::string& id : survivors) {
    std::optional<Clock::time_point> dead = changes_.when(id, "node-3", ms::EventKind::kDead);
    ASSERT_TRUE(dead) << id << " did not declare node-3 dead";
    EXPECT_LE(*dead - killed, bound + slack) << id;
    const std::vector<ms::MemberView> view = members_.at(id)->node->members();
    for (const ms::MemberView& member : view) {
      if (member.id == "node-3") {
        EXPECT_EQ(member.state, ms::State::kDead) << id;
      } else {
        EXPECT_NE(member.state, ms::State::kDead) << id << " sees " << member.id;
      }
    }
  }
  // Nobody else was declared dead (a late ack under load may get a live one suspected).
  for (const Changes::Seen& seen : changes_.all()) {
    if (seen.change.kind != ms::EventKind::kDead) continue;
    EXPECT_EQ(seen.change.member, "node-3")
        << seen.change.self << " declared " << seen.change.member << " dead";
  }
}

TEST_F(SwimTest, ANewFormationRestartsSwimWithItsMembers) {
  const c12s::services::SwimOptions options = fast_options();
  start({"node-1", "node-2", "node-3"}, options);
  form_all({"node-1", "node-2", "node-3"});
  std::this_thread::sleep_for(2 * options.protocol_period);
  EXPECT_EQ(members_.at("node-1")->node->members().size(), 3u);
  // node-3 moves elsewhere: node-1 and node-2 form a cluster of two. node-3, still in the old
  // one, is refused by both and sees them die; they never hear of it again.
  form_all({"node-1", "node-2"});
  std::this_thread::sleep_for(2 * options.protocol_period);
  for (const char* id : {"node-1", "node-2"}) {
    const std::vector<ms::MemberView> view = members_.at(id)->node->members();
    ASSERT_EQ(view.size(), 2u) << id;
    for (const ms::MemberView& member : view) EXPECT_EQ(member.state, ms::State::kAlive) << member.id;
  }
  // Forming the same cluster again changes nothing (no restart: incarnations and states stay).
  form_all({"node-1", "node-2"});
  std::this_thread::sleep_for(options.protocol_period);
  for (const Changes::Seen& seen : changes_.all()) {
    EXPECT_EQ(seen.change.self, "node-3")
        << seen.change.self << " saw " << seen.change.member << " " << ms::event_kind_name(seen.change.kind);
  }
}

TEST_F(SwimTest, BeforeItsFirstFormationANodeAnswersPingsForItsOwnIdOnly) {
  start({"node-1"}, fast_options());
  std::this_thread::sleep_for(milliseconds(100));  // its endpoints are served
  gtype::Result<Probe> ack = ping("node-1", Probe{"node-2", 3, "node-1", {{"node-3", "", 1, 0}}});
  ASSERT_TRUE(ack.ok()) << ack.error().message();
  EXPECT_EQ(*ack, (Probe{"node-1", 3, "node-1", {}}));
  EXPECT_FALSE(ping("node-1", Probe{"node-2", 4, "node-7", {}}).ok());
  EXPECT_FALSE(ping_req("node-1", Probe{"node-2", 5, "node-3", {}}).ok());
  EXPECT_TRUE(members_.at("node-1")->node->members().empty());
  EXPECT_TRUE(changes_.all().empty());
}

// The test plays node-9, a member whose own SWIM does not run, and speaks to node-1 directly.
class SwimAsAPeer : public SwimTest {
 protected:
  void SetUp() override {
    SwimTest::SetUp();
    start({"node-1", "node-2"}, fast_options());
    for (const char* id : {"node-1", "node-2"})
      members_.at(id)->node->form(formation(id, {"node-1", "node-2", "node-9"}));
    std::this_thread::sleep_for(milliseconds(200));  // the group starts
  }
};

TEST_F(SwimAsAPeer, APingIsAckedWithTheSameSeqAndPiggybackedNews) {
  gtype::Result<Probe> ack = ping("node-1", Probe{"node-9", 77, "node-1", {}});
  ASSERT_TRUE(ack.ok()) << ack.error().message();
  EXPECT_EQ(ack->sender, "node-1");
  EXPECT_EQ(ack->seq, 77u);
  EXPECT_EQ(ack->target, "node-1");
  bool announces_itself = false;
  for (const auto& update : ack->updates) announces_itself |= update.member == "node-1" && update.state == 0;
  EXPECT_TRUE(announces_itself);
}

TEST_F(SwimAsAPeer, AHelperRelaysTheAckOfALiveTargetAndNacksADeadOne) {
  gtype::Result<std::pair<std::string, Probe>> alive = ping_req("node-1", Probe{"node-9", 5, "node-2", {}});
  ASSERT_TRUE(alive.ok()) << alive.error().message();
  EXPECT_EQ(alive->first, "ack");
  EXPECT_EQ(alive->second.sender, "node-1");
  EXPECT_EQ(alive->second.seq, 5u);
  EXPECT_EQ(alive->second.target, "node-2");

  members_.at("node-2")->kill();
  const auto asked = Clock::now();
  gtype::Result<std::pair<std::string, Probe>> dead = ping_req("node-1", Probe{"node-9", 6, "node-2", {}});
  ASSERT_TRUE(dead.ok()) << dead.error().message();
  EXPECT_EQ(dead->first, "nack");
  EXPECT_EQ(dead->second.seq, 6u);
  EXPECT_EQ(dead->second.target, "node-2");
  // The helper's own ack timeout, not the prober's patience, decides when the nack comes.
  EXPECT_LT(Clock::now() - asked, fast_options().ack_timeout + milliseconds(1500));  // scheduling slack
}

TEST_F(SwimAsAPeer, NodesOutsideTheClusterGetABareAckAndGarbledProbesAreRefused) {
  // A node that is not a member learns that node-1 is alive, and nothing else; node-1 learns
  // nothing from it, not even of it.
  gtype::Result<Probe> stranger =
      ping("node-1", Probe{"node-77", 1, "node-1", {{"node-78", "", 2, 0}, {"node-2", "", 2, 0}}});
  ASSERT_TRUE(stranger.ok()) << stranger.error().message();
  EXPECT_EQ(stranger->sender, "node-1");
  EXPECT_EQ(stranger->seq, 1u);
  EXPECT_TRUE(stranger->updates.empty());
  std::vector<std::string> known;
  for (const ms::MemberView& member : members_.at("node-1")->node->members()) known.push_back(member.id);
  EXPECT_EQ(known, (std::vector<std::string>{"node-1", "node-2", "node-9"}));
  // But it gets no help.
  gtype::Result<std::pair<std::string, Probe>> stranger_req =
      ping_req("node-1", Probe{"node-77", 5, "node-2", {}});
  ASSERT_FALSE(stranger_req.ok());
  EXPECT_EQ(stranger_req.error().code(), gtype::StatusCode::kAborted);
  EXPECT_NE(stranger_req.error().message().find("'node-77' is not another member of cluster t/r/c"),
            std::string::npos)
      << stranger_req.error().message();

  // A well-formed frame with a state no update can have, an id too long, a ping for another
  // node: each session fails, telling the prober why.
  gtype::Result<Probe> bad_state = ping("node-1", Probe{"node-9", 2, "node-1", {{"node-2", "", 9, 0}}});
  ASSERT_FALSE(bad_state.ok());
  EXPECT_EQ(bad_state.error().code(), gtype::StatusCode::kAborted);
  EXPECT_NE(bad_state.error().message().find("state 9"), std::string::npos) << bad_state.error().message();
  gtype::Result<Probe> long_id =
      ping("node-1", Probe{"node-9", 3, "node-1", {{std::string(2000, 'x'), "", 0, 0}}});
  ASSERT_FALSE(long_id.ok());
  gtype::Result<Probe> wrong_target = ping("node-1", Probe{"node-9", 4, "node-2", {}});
  ASSERT_FALSE(wrong_target.ok());
  EXPECT_NE(wrong_target.error().message().find("the ping is for 'node-2', not node-1"), std::string::npos)
      << wrong_target.error().message();
  gtype::Result<std::pair<std::string, Probe>> bad_req =
      ping_req("node-1", Probe{"node-9", 6, "node-2", {{"", "", 0, 0}}});
  ASSERT_FALSE(bad_req.ok());

  // Bytes that are no frame at all, to both endpoints.
  gtype::Result<std::unique_ptr<rt::Transport>> raw = rt::make_zmq_transport(address_of("garbage"));
  ASSERT_TRUE(raw.ok()) << raw.error().message();
  const swim::Addresses node1 = *swim::derive_addresses(address_of("node-1"));
  for (const std::string& bytes :
       {std::string("\xc1\xff garbage"), std::string(100000, '\x91'), std::string()}) {
    static_cast<void>((*raw)->send(node1.ping, bytes));
    static_cast<void>((*raw)->send(node1.ping_req, bytes));
  }
  std::this_thread::sleep_for(milliseconds(100));

  // node-1 goes on as before, and suspects none of its live members for any of it.
  gtype::Result<Probe> ack = ping("node-1", Probe{"node-9", 8, "node-1", {}});
  ASSERT_TRUE(ack.ok()) << ack.error().message();
  EXPECT_EQ(ack->seq, 8u);
  for (const ms::MemberView& member : members_.at("node-1")->node->members()) {
    if (member.id == "node-2") {
      EXPECT_EQ(member.state, ms::State::kAlive);
    }
  }
}

}  // namespace
