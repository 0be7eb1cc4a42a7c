// NodeRegistry: Algorithm 1's health checks and leases, reservation, use, release and
// expiry, each error with its message.
#include "c12s/store/node_registry.h"

#include <gtest/gtest.h>

#include <cmath>

#include "store_test.h"

namespace c12s::store {
namespace {

using namespace std::chrono_literals;
using testing::IsOk;
using testing::node_report;
using testing::TempDir;

constexpr std::chrono::milliseconds kLease = 1000ms;

Time at(std::int64_t millis) { return from_millis(millis); }

NodeReport report(const std::string& id, model::Labels labels = {{"os", "linux"}}) {
  return node_report(id, "name-" + id, "tcp://" + id, std::move(labels), {{"cpu", 0.5}});
}

class NodeRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::open_database(dir_.file("nodes.db"));
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(IsOk(NodeRegistry::open(db_.get(), &registry_)));
  }

  void beat(const std::string& id, std::int64_t now) {
    ASSERT_TRUE(IsOk(registry_->heartbeat(report(id), at(now), kLease)));
  }

  NodeRecord record(const std::string& id) {
    NodeRecord out;
    EXPECT_TRUE(IsOk(registry_->get(id, &out)));
    return out;
  }

  std::vector<std::string> free_ids(std::int64_t now, const model::Selector& selector = {},
                                    model::MatchMode mode = model::MatchMode::kSubset) {
    std::vector<NodeRecord> nodes;
    EXPECT_TRUE(IsOk(registry_->free_nodes(selector, mode, at(now), &nodes)));
    std::vector<std::string> ids;
    for (const NodeRecord& node : nodes) ids.push_back(node.id);
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<NodeRegistry> registry_;
};

TEST_F(NodeRegistryTest, AHealthCheckRegistersAFreeNodeWithALease) {
  NodeStatus status = NodeStatus::kUsed;
  ASSERT_TRUE(IsOk(registry_->heartbeat(report("n1"), at(100), kLease, &status)));
  EXPECT_EQ(status, NodeStatus::kFree);
  const NodeRecord n1 = record("n1");
  EXPECT_EQ(n1.id, "n1");
  EXPECT_EQ(n1.name, "name-n1");
  EXPECT_EQ(n1.address, "tcp://n1");
  EXPECT_EQ(n1.labels, (model::Labels{{"os", "linux"}}));
  EXPECT_EQ(n1.metrics, (Metrics{{"cpu", 0.5}}));
  EXPECT_EQ(n1.status, NodeStatus::kFree);
  EXPECT_EQ(n1.lease_deadline, at(1100));
  EXPECT_EQ(n1.task, "");
  EXPECT_EQ(n1.cluster, std::nullopt);
  EXPECT_TRUE(n1.live(at(1099)));
  EXPECT_FALSE(n1.live(at(1100)));
}

TEST_F(NodeRegistryTest, AHealthCheckRenewsTheLeaseAndReplacesTheData) {
  beat("n1", 100);
  const NodeReport second =
      node_report("n1", "renamed", "tcp://elsewhere", {{"arch", "arm"}}, {{"memory", 2.0}, {"disk", 7.5}});
  ASSERT_TRUE(IsOk(registry_->heartbeat(second, at(900), kLease)));
  const NodeRecord n1 = record("n1");
  EXPECT_EQ(n1.name, "renamed");
  EXPECT_EQ(n1.address, "tcp://elsewhere");
  EXPECT_EQ(n1.labels, (model::Labels{{"arch", "arm"}}));  // 'os' is gone
  EXPECT_EQ(n1.metrics, (Metrics{{"disk", 7.5}, {"memory", 2.0}}));
  EXPECT_EQ(n1.lease_deadline, at(1900));
}

TEST_F(NodeRegistryTest, BadHealthChecksAreRejected) {
  Status s = registry_->heartbeat(report("n 1"), at(0), kLease);
  EXPECT_EQ(s.code(), gtype::StatusCode::kRejected);
  EXPECT_EQ(s.message(), "node id 'n 1' is not a name of letters, digits, '_' and '-'");
  s = registry_->heartbeat(report("n1"), at(0), 0ms);
  EXPECT_EQ(s.message(), "the lease of node 'n1' must be longer than zero, not 0 ms");
  NodeReport nan = report("n1");
  nan.metrics["cpu"] = std::nan("");
  s = registry_->heartbeat(nan, at(0), kLease);
  EXPECT_EQ(s.message(), "metric 'cpu' of node 'n1' is not a finite number");
  std::vector<NodeRecord> all;
  ASSERT_TRUE(IsOk(registry_->all(&all)));
  EXPECT_TRUE(all.empty());
}

// A health check's SWIM view (issue 13) is kept like its labels: replaced by the next one.
TEST_F(NodeRegistryTest, AHealthCheckKeepsItsSwimViewUntilTheNext) {
  NodeReport first = report("n1");
  first.swim = {{"n2", "alive"}, {"n3", "suspect"}};
  ASSERT_TRUE(IsOk(registry_->heartbeat(first, at(100), kLease)));
  beat("n2", 100);
  EXPECT_EQ(record("n1").swim, (std::map<std::string, std::string>{{"n2", "alive"}, {"n3", "suspect"}}));
  EXPECT_TRUE(record("n2").swim.empty());
  NodeReport second = report("n1");
  second.swim = {{"n3", "dead"}};
  ASSERT_TRUE(IsOk(registry_->heartbeat(second, at(200), kLease)));
  std::vector<NodeRecord> all;
  ASSERT_TRUE(IsOk(registry_->all(&all)));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].swim, (std::map<std::string, std::string>{{"n3", "dead"}}));
  EXPECT_TRUE(all[1].swim.empty());
}

TEST_F(NodeRegistryTest, ASwimStateOtherThanAliveSuspectOrDeadIsRejected) {
  NodeReport odd = report("n1");
  odd.swim = {{"n2", "zombie"}};
  Status s = registry_->heartbeat(odd, at(0), kLease);
  EXPECT_EQ(s.code(), gtype::StatusCode::kRejected);
  EXPECT_EQ(s.message(), "node 'n1' reports member 'n2' as 'zombie', not alive, suspect or dead");
  std::vector<NodeRecord> all;
  ASSERT_TRUE(IsOk(registry_->all(&all)));
  EXPECT_TRUE(all.empty());
}

TEST_F(NodeRegistryTest, GetOfAnUnknownNodeIsNotFound) {
  NodeRecord out;
  const Status s = registry_->get("ghost", &out);
  EXPECT_TRUE(s.is_not_found());
  EXPECT_EQ(s.message(), "node 'ghost' is not registered");
}

TEST_F(NodeRegistryTest, FreeNodesAreLiveFreeAndMatchingInIdOrder) {
  ASSERT_TRUE(IsOk(registry_->heartbeat(report("c", {{"os", "linux"}, {"memory", "4GB"}}), at(0), kLease)));
  ASSERT_TRUE(IsOk(registry_->heartbeat(report("a", {{"os", "linux"}, {"memory", "1GB"}}), at(0), kLease)));
  ASSERT_TRUE(IsOk(registry_->heartbeat(report("b", {{"os", "bsd"}}), at(0), kLease)));
  ASSERT_TRUE(IsOk(registry_->heartbeat(report("d", {{"os", "linux"}}), at(500), kLease)));
  ASSERT_TRUE(IsOk(registry_->reserve("t1", {"d"}, at(600))));
  EXPECT_EQ(free_ids(999), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(free_ids(1000), (std::vector<std::string>{}));  // the leases of a, b, c ran out
  const model::Selector linux_2gb{{{"os", "linux"}, {"memory", "2GB"}}, std::nullopt};
  EXPECT_EQ(free_ids(0, linux_2gb, model::MatchMode::kExact), (std::vector<std::string>{"c"}));
  const model::Selector linux{{{"os", "linux"}}, std::nullopt};
  EXPECT_EQ(free_ids(0, linux, model::MatchMode::kExact), (std::vector<std::string>{}));  // rule 4.9
  EXPECT_EQ(free_ids(0, linux, model::MatchMode::kSubset), (std::vector<std::string>{"a", "c"}));
}

TEST_F(NodeRegistryTest, ReserveTakesFreeLiveNodesForATask) {
  beat("n1", 0);
  beat("n2", 0);
  ASSERT_TRUE(IsOk(registry_->reserve("t1", {"n2", "n1"}, at(10))));
  for (const std::string id : {"n1", "n2"}) {
    EXPECT_EQ(record(id).status, NodeStatus::kReserved);
    EXPECT_EQ(record(id).task, "t1");
  }
  NodeStatus status = NodeStatus::kFree;
  ASSERT_TRUE(IsOk(registry_->heartbeat(report("n1"), at(20), kLease, &status)));
  EXPECT_EQ(status, NodeStatus::kReserved);  // a live reserved node stays reserved
}

TEST_F(NodeRegistryTest, ReserveIsAllOrNothingAndNamesTheFirstNodeAtFault) {
  beat("n1", 0);
  beat("n2", 0);
  beat("old", -2000);  // its lease ran out at -1000
  ASSERT_TRUE(IsOk(registry_->reserve("t0", {"n2"}, at(0))));
  struct Case {
    std::vector<std::string> ids;
    std::string message;
  };
  const Case cases[] = {
      {{"n1", "ghost", "n2"}, "node 'ghost' is not registered"},
      {{"n1", "n2"}, "node 'n2' is not free: it is reserved by task 't0'"},
      {{"n1", "old"}, "node 'old' is not live: its lease ran out 1000 ms ago"},
      {{"n1", "n1"}, "node 'n1' is given twice"},
      {{}, "no nodes to reserve for task 't1'"},
  };
  for (const Case& c : cases) {
    const Status s = registry_->reserve("t1", c.ids, at(0));
    EXPECT_EQ(s.code(), gtype::StatusCode::kRejected);
    EXPECT_EQ(s.message(), c.message);
    EXPECT_EQ(record("n1").status, NodeStatus::kFree) << c.message;  // n1 came first and is still free
  }
  EXPECT_EQ(registry_->reserve("t 1", {"n1"}, at(0)).message(),
            "task id 't 1' is not a name of letters, digits, '_' and '-'");
}

TEST_F(NodeRegistryTest, MarkUsedMovesReservedNodesIntoTheirClusters) {
  beat("n1", 0);
  beat("n2", 0);
  ASSERT_TRUE(IsOk(registry_->reserve("t1", {"n1", "n2"}, at(0))));
  const ClusterPath c1{"topo", "eu", "c1"};
  const ClusterPath c2{"topo", "eu", "c2"};
  ASSERT_TRUE(IsOk(registry_->mark_used("t1", {{"n1", c1}, {"n2", c2}})));
  EXPECT_EQ(record("n1").status, NodeStatus::kUsed);
  EXPECT_EQ(record("n1").cluster, c1);
  EXPECT_EQ(record("n2").cluster, c2);
  EXPECT_EQ(record("n2").task, "t1");
  ASSERT_TRUE(IsOk(registry_->mark_used("t1", {{"n1", c1}})));  // a repeated acknowledgement
  EXPECT_EQ(registry_->mark_used("t1", {{"n1", c2}}).message(),
            "node 'n1' is not reserved by task 't1': it is used in cluster 'topo/eu/c1' by task 't1'");
  EXPECT_EQ(free_ids(0), (std::vector<std::string>{}));
}

TEST_F(NodeRegistryTest, MarkUsedIsAllOrNothing) {
  beat("a", 0);
  beat("b", 0);
  beat("c", 0);
  ASSERT_TRUE(IsOk(registry_->reserve("t1", {"a"}, at(0))));
  ASSERT_TRUE(IsOk(registry_->reserve("t2", {"c"}, at(0))));
  const ClusterPath path{"topo", "eu", "c1"};
  Status s = registry_->mark_used("t1", {{"a", path}, {"b", path}});
  EXPECT_EQ(s.message(), "node 'b' is not reserved by task 't1': it is free");
  EXPECT_EQ(record("a").status, NodeStatus::kReserved);  // not used: all or nothing
  s = registry_->mark_used("t1", {{"a", path}, {"c", path}});
  EXPECT_EQ(s.message(), "node 'c' is not reserved by task 't1': it is reserved by task 't2'");
  s = registry_->mark_used("t1", {{"a", path}, {"z", path}});
  EXPECT_EQ(s.message(), "node 'z' is not registered");
  s = registry_->mark_used("t1", {{"a", ClusterPath{"topo", "e/u", "c1"}}});
  EXPECT_EQ(s.message(),
            "cluster path 'topo/e/u/c1' of node 'a' is not three names of letters, digits, '_' and '-'");
  s = registry_->mark_used("t1", {});
  EXPECT_EQ(s.message(), "no nodes to mark used for task 't1'");
  EXPECT_EQ(record("a").status, NodeStatus::kReserved);
}

TEST_F(NodeRegistryTest, ReleaseFreesWhatTheTaskHeldAndCanBeRepeated) {
  beat("a", 0);
  beat("b", 0);
  beat("c", 0);
  ASSERT_TRUE(IsOk(registry_->reserve("t1", {"b", "a"}, at(0))));
  ASSERT_TRUE(IsOk(registry_->reserve("t2", {"c"}, at(0))));
  ASSERT_TRUE(IsOk(registry_->mark_used("t1", {{"a", ClusterPath{"t", "r", "c"}}})));
  std::vector<std::string> released;
  ASSERT_TRUE(IsOk(registry_->release("t1", &released)));
  EXPECT_EQ(released, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(record("a").status, NodeStatus::kFree);
  EXPECT_EQ(record("a").cluster, std::nullopt);
  EXPECT_EQ(record("a").task, "");
  EXPECT_EQ(record("c").status, NodeStatus::kReserved);  // another task's
  ASSERT_TRUE(IsOk(registry_->release("t1", &released)));
  EXPECT_TRUE(released.empty());
}

// Issue 9, item 9: a re-formation takes the nodes of its topology over only when it commits;
// released before that (it failed), the topology's earlier formation is as it was.
TEST_F(NodeRegistryTest, AReformationTakesNodesOverOnlyWhenItCommits) {
  for (const char* id : {"a", "b", "c"}) beat(id, 0);
  const ClusterPath c1{"topo", "r", "c1"};
  const ClusterPath c2{"topo", "r", "c2"};
  ASSERT_TRUE(IsOk(registry_->reserve("t1", {"a", "b"}, at(0))));
  ASSERT_TRUE(IsOk(registry_->mark_used("t1", {{"a", c1}, {"b", c1}})));
  // Without the topology, used nodes are not free.
  EXPECT_EQ(registry_->reserve("t2", {"b", "c"}, at(0)).message(),
            "node 'b' is not free: it is used in cluster 'topo/r/c1' by task 't1'");
  ASSERT_TRUE(IsOk(registry_->reserve("t2", {"b", "c"}, at(0), "topo")));
  EXPECT_EQ(record("b").status, NodeStatus::kUsed);  // still in its cluster
  EXPECT_EQ(record("b").task, "t1");
  EXPECT_EQ(record("b").next_task, "t2");
  EXPECT_EQ(record("c").status, NodeStatus::kReserved);
  TaskHolding holding;
  ASSERT_TRUE(IsOk(registry_->holding("t2", &holding)));
  EXPECT_EQ(holding, (TaskHolding{1, 0, 1}));
  // Another task of the topology cannot take b over as well.
  EXPECT_EQ(
      registry_->reserve("t3", {"b"}, at(0), "topo").message(),
      "node 'b' is not free: it is used in cluster 'topo/r/c1' by task 't1', to be taken over by task 't2'");

  // t2 fails: t1's formation is untouched.
  std::vector<std::string> released;
  ASSERT_TRUE(IsOk(registry_->release("t2", &released)));
  EXPECT_EQ(released, (std::vector<std::string>{"c"}));
  EXPECT_EQ(record("a").cluster, c1);
  EXPECT_EQ(record("b").cluster, c1);
  EXPECT_EQ(record("b").task, "t1");
  EXPECT_EQ(record("b").next_task, "");
  EXPECT_EQ(record("c").status, NodeStatus::kFree);

  // t3 commits: it uses b and c, and t1 still holds a until the caller releases it.
  ASSERT_TRUE(IsOk(registry_->reserve("t3", {"b", "c"}, at(0), "topo")));
  EXPECT_EQ(registry_->mark_used("t2", {{"b", c2}}).message(),
            "node 'b' is not reserved by task 't2': it is used in cluster 'topo/r/c1' by task 't1', to be "
            "taken over by task 't3'");
  ASSERT_TRUE(IsOk(registry_->mark_used("t3", {{"b", c2}, {"c", c2}})));
  EXPECT_EQ(record("b").task, "t3");
  EXPECT_EQ(record("b").cluster, c2);
  EXPECT_EQ(record("b").next_task, "");
  EXPECT_EQ(record("a").task, "t1");
  ASSERT_TRUE(IsOk(registry_->holding("t3", &holding)));
  EXPECT_EQ(holding, (TaskHolding{0, 2, 0}));
  ASSERT_TRUE(IsOk(registry_->holding("t1", &holding)));
  EXPECT_EQ(holding, (TaskHolding{0, 1, 0}));
}

TEST_F(NodeRegistryTest, ExpireReportsEachDeathOnceAndKeepsTheStatus) {
  beat("a", 0);
  beat("b", 500);
  ASSERT_TRUE(IsOk(registry_->reserve("t1", {"a"}, at(0))));
  std::vector<std::string> expired;
  ASSERT_TRUE(IsOk(registry_->expire(at(999), &expired)));
  EXPECT_TRUE(expired.empty());
  ASSERT_TRUE(IsOk(registry_->expire(at(1000), &expired)));
  EXPECT_EQ(expired, (std::vector<std::string>{"a"}));
  EXPECT_EQ(record("a").status, NodeStatus::kReserved);
  ASSERT_TRUE(IsOk(registry_->expire(at(2000), &expired)));
  EXPECT_EQ(expired, (std::vector<std::string>{"b"}));  // 'a' was reported already
  beat("b", 2100);
  ASSERT_TRUE(IsOk(registry_->expire(at(3100), &expired)));
  EXPECT_EQ(expired, (std::vector<std::string>{"b"}));  // dead again after coming back
}

TEST_F(NodeRegistryTest, ANodeComingBackAfterItsLeaseIsFreeUnlessUsed) {
  beat("free", 0);
  beat("reserved", 0);
  beat("used", 0);
  ASSERT_TRUE(IsOk(registry_->reserve("t1", {"reserved", "used"}, at(0))));
  ASSERT_TRUE(IsOk(registry_->mark_used("t1", {{"used", ClusterPath{"t", "r", "c"}}})));
  const std::pair<const char*, NodeStatus> cases[] = {
      {"free", NodeStatus::kFree}, {"reserved", NodeStatus::kFree}, {"used", NodeStatus::kUsed}};
  for (const auto& [id, expected] : cases) {
    NodeStatus status = NodeStatus::kReserved;
    ASSERT_TRUE(IsOk(registry_->heartbeat(report(id), at(5000), kLease, &status)));
    EXPECT_EQ(status, expected) << id;
    EXPECT_EQ(record(id).status, expected) << id;
  }
  EXPECT_EQ(record("reserved").task, "");
  EXPECT_EQ(record("used").task, "t1");
  EXPECT_EQ(record("used").cluster, (ClusterPath{"t", "r", "c"}));
}

TEST_F(NodeRegistryTest, AllListsEveryNodeInIdOrderAndSurvivesReopening) {
  beat("b", 0);
  beat("a", 0);
  ASSERT_TRUE(IsOk(registry_->reserve("t1", {"b"}, at(0))));
  registry_.reset();
  db_.reset();
  db_ = testing::open_database(dir_.file("nodes.db"));
  ASSERT_TRUE(IsOk(NodeRegistry::open(db_.get(), &registry_)));
  std::vector<NodeRecord> all;
  ASSERT_TRUE(IsOk(registry_->all(&all)));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "a");
  EXPECT_EQ(all[1].id, "b");
  EXPECT_EQ(all[1].status, NodeStatus::kReserved);
  EXPECT_EQ(all[1].labels, (model::Labels{{"os", "linux"}}));
}

TEST(NodeStatusName, NamesEachStatus) {
  EXPECT_STREQ(node_status_name(NodeStatus::kFree), "free");
  EXPECT_STREQ(node_status_name(NodeStatus::kReserved), "reserved");
  EXPECT_STREQ(node_status_name(NodeStatus::kUsed), "used");
}

}  // namespace
}  // namespace c12s::store

namespace c12s::store {
namespace {

// The nodes service's group commit: health checks inside Database::begin() are seen by the
// registry at once and reach the file only at commit(); the record a check gives back is the
// one the registry then holds, and labels a check repeats stay as they were.
TEST_F(NodeRegistryTest, HealthChecksInAGroupReachTheFileAtItsCommit) {
  // Another connection to the file, reading as the bench does (a plain read takes no lock).
  std::unique_ptr<Database> other = testing::open_database(dir_.file("nodes.db"));
  ASSERT_NE(other, nullptr);
  auto stored = [&](const std::string& id) {
    Statement count;
    EXPECT_TRUE(IsOk(other->prepare("SELECT count(*) FROM nodes WHERE id = ?1", &count)));
    count.bind_text(1, id);
    bool row = false;
    EXPECT_TRUE(IsOk(count.step(&row)));
    return row && count.column_int(0) == 1;
  };
  beat("n1", 0);
  ASSERT_TRUE(IsOk(registry_->reserve("t1", {"n1"}, at(10))));
  ASSERT_TRUE(IsOk(db_->begin()));
  NodeRecord after;
  NodeReport second = report("n1", {{"os", "linux"}, {"arch", "arm"}});
  ASSERT_TRUE(IsOk(registry_->heartbeat(second, at(100), kLease, nullptr, &after)));
  ASSERT_TRUE(IsOk(registry_->heartbeat(report("n2"), at(200), kLease)));
  EXPECT_EQ(after, record("n1"));
  EXPECT_EQ(after.status, NodeStatus::kReserved);
  EXPECT_EQ(after.task, "t1");
  EXPECT_TRUE(stored("n1"));
  EXPECT_FALSE(stored("n2"));  // not committed yet
  ASSERT_TRUE(IsOk(db_->commit()));
  EXPECT_TRUE(stored("n2"));

  NodeRecord again;  // the same labels again: kept
  ASSERT_TRUE(IsOk(registry_->heartbeat(second, at(300), kLease, nullptr, &again)));
  EXPECT_EQ(record("n1").labels, (model::Labels{{"arch", "arm"}, {"os", "linux"}}));
  EXPECT_EQ(again, record("n1"));
  EXPECT_TRUE(IsOk(db_->commit()));  // none open: nothing to do
  Statement synchronous;             // a group's commit does not wait for the disk; every other does
  ASSERT_TRUE(IsOk(db_->prepare("PRAGMA synchronous", &synchronous)));
  bool row = false;
  ASSERT_TRUE(IsOk(synchronous.step(&row)));
  EXPECT_EQ(synchronous.column_int(0), 2);  // FULL
}

}  // namespace
}  // namespace c12s::store
