// StateStore: topologies as rows keyed by path plus their specs, atomic replacement (with an
// injected failure), the idempotency check, listing, removal and liveness of formed nodes;
// and, as a property, random replaces and removes against a map of specs.
#include "c12s/store/state_store.h"

#include "c12s/model/idempotency.h"
#include "c12s/model/quantity.h"

#include <msgpack.hpp>

#include <cstdio>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>

#include "store_test.h"

namespace c12s::store {
namespace {

using model::ClusterSpec;
using model::NodeSpec;
using model::RegionSpec;
using model::TopologySpec;
using testing::IsOk;
using testing::TempDir;

using Clusters = std::vector<std::pair<std::string, std::vector<std::string>>>;  // name -> node ids
using Regions = std::vector<std::pair<std::string, Clusters>>;                   // name -> clusters

// A topology of these regions, clusters and nodes; clusters and nodes carry labels.
TopologySpec topology(const std::string& name, model::Labels labels, const Regions& regions) {
  TopologySpec spec;
  spec.version = "v1";
  spec.kind = "Topology";
  spec.meta.task_name = "task";
  spec.name = name;
  spec.labels = std::move(labels);
  for (const auto& [region_name, clusters] : regions) {
    RegionSpec region{region_name, {}, {}};
    for (const auto& [cluster_name, nodes] : clusters) {
      ClusterSpec cluster{cluster_name, "24h", {{"tier", "edge"}}, {}};
      for (const std::string& id : nodes)
        cluster.nodes.push_back(NodeSpec{id, "name-" + id, {{"os", "linux"}}});
      region.clusters.push_back(std::move(cluster));
    }
    spec.regions.push_back(std::move(region));
  }
  return spec;
}

TopologySpec small(const std::string& name = "T") {
  return topology(name, {{"env", "prod"}}, {{"eu", {{"c1", {"m1", "m2"}}, {"c2", {"m3"}}}}});
}

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::open_database(dir_.file("state.db"));
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(IsOk(StateStore::open(db_.get(), &state_)));
  }

  Status replace(const TopologySpec& spec) {
    return state_->replace_topology(spec, model::fingerprint(spec));
  }

  // Every path row of topology `name` (all topologies if empty), with its labels, sorted.
  std::vector<std::string> rows(const std::string& name = "") {
    Statement read;
    EXPECT_TRUE(IsOk(db_->prepare(
        "SELECT p.path || coalesce(' ' || group_concat(l.key || '=' || l.value, ','), '') FROM state_paths p"
        " LEFT JOIN state_labels l ON l.path = p.path WHERE ?1 = '' OR p.topology = ?1 GROUP BY p.path"
        " ORDER BY p.path",
        &read)));
    read.bind_text(1, name);
    std::vector<std::string> out;
    for (bool row = true;;) {
      EXPECT_TRUE(IsOk(read.step(&row)));
      if (!row) break;
      out.push_back(read.column_text(0));
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<StateStore> state_;
};

TEST_F(StateStoreTest, ATopologyIsStoredAsRowsByPathAndAsItsSpec) {
  const TopologySpec spec = small();
  ASSERT_TRUE(IsOk(replace(spec)));
  EXPECT_EQ(rows(),
            (std::vector<std::string>{"T env=prod", "T/eu", "T/eu/c1 tier=edge", "T/eu/c1/m1 os=linux",
                                      "T/eu/c1/m2 os=linux", "T/eu/c2 tier=edge", "T/eu/c2/m3 os=linux"}));
  StoredTopology stored;
  ASSERT_TRUE(IsOk(state_->get("T", &stored)));
  EXPECT_EQ(stored.spec, spec);
  EXPECT_EQ(stored.fingerprint, model::fingerprint(spec));
  std::string fingerprint;
  ASSERT_TRUE(IsOk(state_->fingerprint_of("T", &fingerprint)));
  EXPECT_EQ(fingerprint, model::fingerprint(spec));
}

TEST_F(StateStoreTest, CheckIsAlgorithmFiveOverTheStoredFingerprints) {
  TopologySpec spec = small();
  model::MutationCheck check = model::MutationCheck::kReplaces;
  ASSERT_TRUE(IsOk(state_->check(spec, &check)));
  EXPECT_EQ(check, model::MutationCheck::kNew);
  ASSERT_TRUE(IsOk(replace(spec)));
  std::swap(spec.regions[0].clusters[0], spec.regions[0].clusters[1]);  // order does not matter
  spec.meta.queue = "other";                                            // nor does the queue
  ASSERT_TRUE(IsOk(state_->check(spec, &check)));
  EXPECT_EQ(check, model::MutationCheck::kAlreadyFormed);
  spec.regions[0].clusters[0].nodes.pop_back();
  ASSERT_TRUE(IsOk(state_->check(spec, &check)));
  EXPECT_EQ(check, model::MutationCheck::kReplaces);
}

TEST_F(StateStoreTest, ReplaceLeavesNoRowOfTheOldTopology) {
  ASSERT_TRUE(IsOk(replace(small())));
  const TopologySpec other = topology("U", {}, {{"us", {{"c9", {"x1"}}}}});
  ASSERT_TRUE(IsOk(replace(other)));
  const TopologySpec next = topology("T", {{"env", "dev"}}, {{"asia", {{"c1", {"m2", "m4"}}}}});
  ASSERT_TRUE(IsOk(replace(next)));
  EXPECT_EQ(rows("T"), (std::vector<std::string>{"T env=dev", "T/asia", "T/asia/c1 tier=edge",
                                                 "T/asia/c1/m2 os=linux", "T/asia/c1/m4 os=linux"}));
  EXPECT_EQ(rows("U"), (std::vector<std::string>{"U", "U/us", "U/us/c9 tier=edge", "U/us/c9/x1 os=linux"}));
  StoredTopology stored;
  ASSERT_TRUE(IsOk(state_->get("T", &stored)));
  EXPECT_EQ(stored.spec, next);
}

TEST_F(StateStoreTest, AFailedReplaceLeavesTheOldTopologyIntact) {
  const TopologySpec old = small();
  ASSERT_TRUE(IsOk(replace(old)));
  const std::vector<std::string> before = rows();
  // The failure comes after the old rows were deleted and some new ones inserted.
  ASSERT_TRUE(
      IsOk(db_->execute("CREATE TEMP TRIGGER inject BEFORE INSERT ON state_paths WHEN NEW.node_id = 'boom'"
                        " BEGIN SELECT RAISE(ABORT, 'injected failure'); END")));
  const TopologySpec next = topology("T", {}, {{"eu", {{"c1", {"m1", "m7"}}, {"c3", {"boom"}}}}});
  const Status s = replace(next);
  EXPECT_EQ(s.code(), gtype::StatusCode::kStorage);
  EXPECT_EQ(s.message(), db_->path() + ": injected failure");
  EXPECT_EQ(rows(), before);
  StoredTopology stored;
  ASSERT_TRUE(IsOk(state_->get("T", &stored)));
  EXPECT_EQ(stored.spec, old);
  EXPECT_EQ(stored.fingerprint, model::fingerprint(old));
}

// Issue 9, item 9: a task's desired state is staged until its formation commits; the stored
// topology stays the formed one meanwhile, and after a failure.
TEST_F(StateStoreTest, AStagedStateReplacesTheTopologyOnlyWhenCommitted) {
  const TopologySpec old = small();
  ASSERT_TRUE(IsOk(replace(old)));
  const TopologySpec next = topology("T", {{"env", "dev"}}, {{"eu", {{"c1", {"m1", "m2", "m3"}}}}});
  ASSERT_TRUE(IsOk(state_->stage("t2", next)));
  StoredTopology stored;
  ASSERT_TRUE(IsOk(state_->get("T", &stored)));
  EXPECT_EQ(stored.spec, old);
  TopologySpec staged;
  ASSERT_TRUE(IsOk(state_->staged("t2", &staged)));
  EXPECT_EQ(staged, next);
  ASSERT_TRUE(IsOk(state_->drop_staged("t2")));  // t2 failed
  ASSERT_TRUE(IsOk(state_->get("T", &stored)));
  EXPECT_EQ(stored.spec, old);
  EXPECT_TRUE(state_->staged("t2", &staged).is_not_found());
  EXPECT_TRUE(state_->commit_staged("t2").is_not_found());

  ASSERT_TRUE(IsOk(state_->stage("t3", next)));
  std::string name;
  ASSERT_TRUE(IsOk(state_->commit_staged("t3", &name)));
  EXPECT_EQ(name, "T");
  ASSERT_TRUE(IsOk(state_->get("T", &stored)));
  EXPECT_EQ(stored.spec, next);
  EXPECT_TRUE(state_->commit_staged("t3").is_not_found());  // once
  EXPECT_EQ(state_->stage("bad id", next).message(),
            "task id 'bad id' is not a name of letters, digits, '_' and '-'");
}

TEST_F(StateStoreTest, BadTopologiesAreRejectedAndChangeNothing) {
  ASSERT_TRUE(IsOk(replace(small())));
  const std::vector<std::string> before = rows();
  TopologySpec spec = small("U");
  Status s = state_->replace_topology(spec, std::string(64, '0'));
  EXPECT_EQ(s.code(), gtype::StatusCode::kRejected);
  EXPECT_EQ(s.message(), "the fingerprint given for topology 'U' is not its own: given '" +
                             std::string(64, '0') + "', computed '" + model::fingerprint(spec) + "'");
  EXPECT_EQ(replace(spec).message(), "node 'm1' is already in cluster 'T/eu/c1' of topology 'T'");
  EXPECT_EQ(replace(topology("a/b", {}, {})).message(),
            "topology name 'a/b' is not a name of letters, digits, '_' and '-'");
  EXPECT_EQ(replace(topology("U", {}, {{"e.u", {}}})).message(),
            "region name 'e.u' is not a name of letters, digits, '_' and '-'");
  EXPECT_EQ(replace(topology("U", {}, {{"eu", {{"c 1", {}}}}})).message(),
            "cluster name 'c 1' is not a name of letters, digits, '_' and '-'");
  EXPECT_EQ(replace(topology("U", {}, {{"eu", {{"c1", {""}}}}})).message(),
            "node id '' is not a name of letters, digits, '_' and '-'");
  EXPECT_EQ(replace(topology("U", {}, {{"eu", {}}, {"eu", {}}})).message(), "path 'U/eu' is given twice");
  EXPECT_EQ(replace(topology("U", {}, {{"eu", {{"c1", {}}, {"c1", {}}}}})).message(),
            "path 'U/eu/c1' is given twice");
  EXPECT_EQ(replace(topology("U", {}, {{"eu", {{"c1", {"x"}}}}, {"us", {{"c1", {"x"}}}}})).message(),
            "node 'x' is in both 'U/eu/c1' and 'U/us/c1'");
  EXPECT_EQ(rows(), before);
}

TEST_F(StateStoreTest, UnknownTopologiesAreNotFound) {
  StoredTopology stored;
  std::string fingerprint;
  for (const Status& s :
       {state_->get("T", &stored), state_->fingerprint_of("T", &fingerprint), state_->remove("T")}) {
    EXPECT_TRUE(s.is_not_found());
    EXPECT_EQ(s.message(), "no topology 'T' is stored");
  }
}

TEST_F(StateStoreTest, RemoveDeletesEveryRow) {
  ASSERT_TRUE(IsOk(replace(small())));
  ASSERT_TRUE(IsOk(replace(topology("U", {}, {{"r", {{"c", {"u1"}}}}}))));
  ASSERT_TRUE(IsOk(state_->remove("T")));
  EXPECT_EQ(rows(), (std::vector<std::string>{"U", "U/r", "U/r/c tier=edge", "U/r/c/u1 os=linux"}));
  StoredTopology stored;
  EXPECT_TRUE(state_->get("T", &stored).is_not_found());
  ASSERT_TRUE(IsOk(replace(topology("V", {}, {{"r", {{"c", {"m1"}}}}}))));  // m1 is free to join again
}

TEST_F(StateStoreTest, ListSelectsTopologiesByTheirLabels) {
  ASSERT_TRUE(
      IsOk(replace(topology("b", {{"env", "prod"}, {"zone", "eu"}}, {{"r", {{"c", {"b1", "b2"}}}}}))));
  ASSERT_TRUE(IsOk(replace(
      topology("a", {{"env", "prod"}}, {{"r", {{"c", {"a1"}}, {"d", {"a2"}}}}, {"s", {{"c", {"a3"}}}}}))));
  ASSERT_TRUE(IsOk(replace(topology("c", {}, {{"r", {{"c", {"c1"}}}}}))));
  ASSERT_TRUE(IsOk(state_->mark_node_dead("a2", from_millis(5))));
  std::vector<TopologyBrief> briefs;
  ASSERT_TRUE(IsOk(
      state_->list(model::Selector{{{"env", "prod"}}, std::nullopt}, model::MatchMode::kSubset, &briefs)));
  ASSERT_EQ(briefs.size(), 2u);
  const TopologyBrief a{"a", {{"env", "prod"}}, briefs[0].fingerprint, 2, 3, 3, 1};
  EXPECT_EQ(briefs[0], a);
  EXPECT_EQ(briefs[0].fingerprint.size(), 64u);
  EXPECT_EQ(briefs[1].name, "b");
  EXPECT_EQ(briefs[1].nodes, 2u);
  ASSERT_TRUE(IsOk(
      state_->list(model::Selector{{{"env", "prod"}}, std::nullopt}, model::MatchMode::kExact, &briefs)));
  ASSERT_EQ(briefs.size(), 1u);  // rule 4.9: b has two labels
  EXPECT_EQ(briefs[0].name, "a");
  ASSERT_TRUE(IsOk(state_->list(model::Selector{}, model::MatchMode::kSubset, &briefs)));
  ASSERT_EQ(briefs.size(), 3u);
  EXPECT_EQ(briefs[2].name, "c");
  EXPECT_TRUE(briefs[2].labels.empty());
}

TEST_F(StateStoreTest, ListDetailGivesSpecsAndNodesByPath) {
  const TopologySpec t = small();
  ASSERT_TRUE(IsOk(replace(t)));
  ASSERT_TRUE(IsOk(state_->mark_node_dead("m2", from_millis(42))));
  std::vector<TopologyDetail> details;
  ASSERT_TRUE(IsOk(state_->list_detail(model::Selector{{{"env", "prod"}}, std::nullopt},
                                       model::MatchMode::kExact, &details)));
  ASSERT_EQ(details.size(), 1u);
  EXPECT_EQ(details[0].topology.spec, t);
  const ClusterPath c1{"T", "eu", "c1"};
  const ClusterPath c2{"T", "eu", "c2"};
  EXPECT_EQ(details[0].nodes,
            (std::vector<FormedNode>{
                {"m1", c1, std::nullopt}, {"m2", c1, from_millis(42)}, {"m3", c2, std::nullopt}}));
  ASSERT_TRUE(IsOk(state_->list_detail(model::Selector{{{"env", "dev"}}, std::nullopt},
                                       model::MatchMode::kExact, &details)));
  EXPECT_TRUE(details.empty());
}

TEST_F(StateStoreTest, DeadNodesOfFormedClusters) {
  ASSERT_TRUE(IsOk(replace(small())));
  ASSERT_TRUE(IsOk(replace(topology("U", {}, {{"r", {{"c", {"u1"}}}}}))));
  ASSERT_TRUE(IsOk(state_->mark_node_dead("u1", from_millis(10))));
  ASSERT_TRUE(IsOk(state_->mark_node_dead("m3", from_millis(20))));
  ASSERT_TRUE(IsOk(state_->mark_node_dead("m3", from_millis(30))));  // still dead since 20
  std::vector<FormedNode> dead;
  ASSERT_TRUE(IsOk(state_->dead_nodes(&dead)));
  EXPECT_EQ(dead, (std::vector<FormedNode>{{"m3", {"T", "eu", "c2"}, from_millis(20)},
                                           {"u1", {"U", "r", "c"}, from_millis(10)}}));
  ASSERT_TRUE(IsOk(state_->mark_node_alive("m3")));
  ASSERT_TRUE(IsOk(state_->dead_nodes(&dead)));
  EXPECT_EQ(dead, (std::vector<FormedNode>{{"u1", {"U", "r", "c"}, from_millis(10)}}));
  ASSERT_TRUE(IsOk(replace(topology("U", {}, {{"r", {{"c", {"u1", "u2"}}}}}))));  // a new formation
  ASSERT_TRUE(IsOk(state_->dead_nodes(&dead)));
  EXPECT_TRUE(dead.empty());
  for (const Status& s :
       {state_->mark_node_dead("ghost", from_millis(1)), state_->mark_node_alive("ghost")}) {
    EXPECT_TRUE(s.is_not_found());
    EXPECT_EQ(s.message(), "node 'ghost' is in no formed cluster");
  }
}

TEST_F(StateStoreTest, DamagedStoredSpecsAreCorruptionNotCrashes) {
  ASSERT_TRUE(IsOk(replace(small())));
  StoredTopology stored;
  ASSERT_TRUE(IsOk(db_->execute("UPDATE topologies SET spec = x'92a4746f706f01'")));  // a wrong array
  Status s = state_->get("T", &stored);
  EXPECT_EQ(s.code(), gtype::StatusCode::kCorruption);
  const std::string not_a_topology = db_->path() +
                                     ": the stored spec of topology 'T' does not decode: not a topology of "
                                     "schema 2 (nor of the earlier encoding 1)";
  EXPECT_EQ(s.message(), not_a_topology);
  ASSERT_TRUE(
      IsOk(db_->execute("UPDATE topologies SET spec = x'dd7fffffff'")));  // an array of 2^31 - 1 items
  s = state_->get("T", &stored);
  EXPECT_EQ(s.code(), gtype::StatusCode::kCorruption);
  EXPECT_EQ(s.message(), not_a_topology);
  ASSERT_TRUE(IsOk(db_->execute("UPDATE topologies SET spec = x'92039100'")));  // a schema to come
  s = state_->get("T", &stored);
  EXPECT_EQ(s.message(), db_->path() +
                             ": the stored spec of topology 'T' does not decode: schema version 3, "
                             "which this program does not know");
  ASSERT_TRUE(IsOk(replace(small())));
  ASSERT_TRUE(IsOk(db_->execute("UPDATE topologies SET fingerprint = '" + std::string(64, 'a') + "'")));
  s = state_->get("T", &stored);
  EXPECT_EQ(s.message(),
            db_->path() + ": the stored spec of topology 'T' does not match its name and fingerprint");
}

// A store written by an earlier version keeps its topologies: the encoding 1 of its specs (a
// hand-made msgpack array, retention in milliseconds) still reads, as the same spec.
TEST_F(StateStoreTest, SpecsOfTheEarlierEncodingStillRead) {
  ASSERT_TRUE(IsOk(replace(small())));
  msgpack::sbuffer v1;
  msgpack::packer<msgpack::sbuffer> pk(v1);
  pk.pack_array(9);
  for (const char* field : {"c12s-topology"}) pk.pack(std::string(field));
  pk.pack(std::uint64_t{1});
  for (const char* field : {"v1", "Topology", "task", "default", "T"}) pk.pack(std::string(field));
  pk.pack(model::Labels{{"os", "linux"}});
  pk.pack_array(1);  // regions
  pk.pack_array(3);
  pk.pack(std::string("r1"));
  pk.pack(model::Labels{});
  pk.pack_array(1);  // clusters
  pk.pack_array(4);
  pk.pack(std::string("c1"));
  pk.pack(std::uint64_t{86400000});
  pk.pack(model::Labels{{"tier", "edge"}});
  pk.pack_array(1);  // nodes
  pk.pack_array(3);
  pk.pack(std::string("m1"));
  pk.pack(std::string("n1"));
  pk.pack(model::Labels{});
  TopologySpec expected{"v1", "Topology", model::TaskMeta{"task", "default"}, "T", {{"os", "linux"}}, {}};
  expected.regions.push_back(model::RegionSpec{
      "r1", {}, {model::ClusterSpec{"c1", "24h", {{"tier", "edge"}}, {model::NodeSpec{"m1", "n1", {}}}}}});
  std::string hex;
  for (std::size_t i = 0; i < v1.size(); ++i) {
    char byte[3];
    std::snprintf(byte, sizeof byte, "%02x", static_cast<unsigned char>(v1.data()[i]));
    hex += byte;
  }
  ASSERT_TRUE(IsOk(db_->execute("UPDATE topologies SET spec = x'" + hex + "', fingerprint = '" +
                                model::fingerprint(expected) + "'")));
  StoredTopology stored;
  ASSERT_TRUE(IsOk(state_->get("T", &stored)));
  EXPECT_EQ(stored.spec, expected);
}

// ---- Property: random replaces and removes against a map name -> spec ----

rc::Gen<model::Labels> gen_labels() {
  return rc::gen::exec([] {
    model::Labels labels;
    const int count = *rc::gen::inRange(0, 3);
    for (int i = 0; i < count; ++i)
      labels[*rc::gen::element<std::string>("a", "b", "c.d")] =
          *rc::gen::element<std::string>("1", "x", "4GB");
    return labels;
  });
}

// Node ids from a pool of 8, distinct within the topology, so that two topologies often share
// one and the second is refused.
rc::Gen<TopologySpec> gen_topology() {
  return rc::gen::exec([] {
    TopologySpec spec;
    spec.version = "v1";
    spec.kind = "Topology";
    spec.meta = model::TaskMeta{*rc::gen::element<std::string>("", "t"),
                                *rc::gen::element<std::string>("default", "q")};
    spec.name = *rc::gen::element<std::string>("A", "B");
    spec.labels = *gen_labels();
    std::vector<int> pool = {0, 1, 2, 3, 4, 5, 6, 7};
    const auto take = [&pool] {  // a random id not taken yet
      const auto at = *rc::gen::inRange<std::size_t>(0, pool.size());
      const int id = pool[at];
      pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(at));
      return testing::numbered("m", id);
    };
    const int regions = *rc::gen::inRange(1, 3);
    for (int r = 0; r < regions && !pool.empty(); ++r) {
      RegionSpec region{testing::numbered("r", r), *gen_labels(), {}};
      const int clusters = *rc::gen::inRange(1, 3);
      for (int c = 0; c < clusters && !pool.empty(); ++c) {
        ClusterSpec cluster{testing::numbered("c", c), std::nullopt, *gen_labels(), {}};
        if (*rc::gen::arbitrary<bool>())
          cluster.retention = model::format_duration(std::chrono::milliseconds(*rc::gen::inRange(1, 100000)));
        const int nodes = *rc::gen::inRange(1, 3);
        for (int n = 0; n < nodes && !pool.empty(); ++n) {
          cluster.nodes.push_back(NodeSpec{take(), *rc::gen::element<std::string>("", "x"), *gen_labels()});
        }
        region.clusters.push_back(std::move(cluster));
      }
      spec.regions.push_back(std::move(region));
    }
    return spec;
  });
}

std::set<std::string> node_ids(const TopologySpec& spec) {
  std::set<std::string> ids;
  for (const RegionSpec& region : spec.regions) {
    for (const ClusterSpec& cluster : region.clusters) {
      for (const NodeSpec& node : cluster.nodes) ids.insert(node.id);
    }
  }
  return ids;
}

// The paths a stored spec must have, nothing more.
std::set<std::string> paths_of(const TopologySpec& spec) {
  std::set<std::string> paths{spec.name};
  for (const RegionSpec& region : spec.regions) {
    paths.insert(spec.name + "/" + region.name);
    for (const ClusterSpec& cluster : region.clusters) {
      paths.insert(spec.name + "/" + region.name + "/" + cluster.name);
      for (const NodeSpec& node : cluster.nodes)
        paths.insert(spec.name + "/" + region.name + "/" + cluster.name + "/" + node.id);
    }
  }
  return paths;
}

RC_GTEST_PROP(StateStoreProperty, ReplacesAndRemovesAgreeWithAMapOfSpecs, ()) {
  TempDir dir;
  std::unique_ptr<Database> db;
  RC_ASSERT(Database::open(dir.file("state.db"), &db).ok());
  std::unique_ptr<StateStore> state;
  RC_ASSERT(StateStore::open(db.get(), &state).ok());
  std::map<std::string, TopologySpec> model;
  const int steps = *rc::gen::inRange(1, 12);
  for (int step = 0; step < steps; ++step) {
    if (*rc::gen::inRange(0, 4) == 0) {
      const std::string name = *rc::gen::element<std::string>("A", "B");
      const Status s = state->remove(name);
      RC_ASSERT(s.ok() == (model.erase(name) == 1));
    } else {
      const TopologySpec spec = *gen_topology();
      bool clash = false;
      for (const auto& [name, other] : model) {
        if (name == spec.name) continue;
        for (const std::string& id : node_ids(spec)) clash = clash || node_ids(other).count(id) > 0;
      }
      const Status s = state->replace_topology(spec, model::fingerprint(spec));
      RC_ASSERT(s.ok() == !clash);
      if (!clash) model[spec.name] = spec;
    }
    std::set<std::string> expected_paths;
    for (const auto& [name, spec] : model) {
      StoredTopology stored;
      RC_ASSERT(state->get(name, &stored).ok());
      RC_ASSERT(stored.spec == spec);
      const std::set<std::string> paths = paths_of(spec);
      expected_paths.insert(paths.begin(), paths.end());
    }
    Statement read;
    RC_ASSERT(
        db->prepare("SELECT path FROM state_paths UNION ALL SELECT path FROM state_labels", &read).ok());
    std::set<std::string> stored_paths;
    for (bool row = true;;) {
      RC_ASSERT(read.step(&row).ok());
      if (!row) break;
      stored_paths.insert(read.column_text(0));
    }
    RC_ASSERT(stored_paths == expected_paths);  // no row of a replaced or removed topology remains
    std::vector<TopologyBrief> briefs;
    RC_ASSERT(state->list(model::Selector{}, model::MatchMode::kSubset, &briefs).ok());
    RC_ASSERT(briefs.size() == model.size());
  }
}

}  // namespace
}  // namespace c12s::store
