// The operator's view end to end (issue 13): `list --detail` shows each node's health, last
// health check and its cluster's SWIM view of it; `c12s nodes` lists every registered node;
// `c12s delete` releases a topology's nodes and makes their daemons leave their clusters, as a
// new state of a topology does for the nodes it leaves out. Real processes over CURVE.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "output_check.h"
#include "process.h"

namespace {

using namespace c12s_test;

// A topology `edge` of the nodes `c12s up` starts, its clusters in region1 given as YAML lines.
std::string edge_topology(const std::string& clusters) {
  return "constellations:\n  version: v1\n  kind: Topology\n  metadata:\n    taskName: edge\n"
         "  payload:\n    name: edge\n    selector:\n      labels:\n        os: linux\n"
         "    topology:\n      region1:\n" +
         clusters;
}

// The arguments `pid` was started with, after the program.
std::vector<std::string> arguments_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> args;
  for (std::string arg; std::getline(in, arg, '\0');) args.push_back(arg);
  if (!args.empty()) args.erase(args.begin());
  return args;
}

class Operator : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("c12s_operator_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Three Raspberry Pis in one cluster, the BeagleBone in another; then without node-3 and node-4.
    std::ofstream(dir_ / "edge.yaml")
        << edge_topology("        cluster1: {node-1: , node-2: , node-3: }\n        cluster2: {node-4: }\n");
    std::ofstream(dir_ / "smaller.yaml") << edge_topology("        cluster1: {node-1: , node-2: }\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  Output run(const std::vector<std::string>& args) {
    return Process(args, dir_).finish(std::chrono::seconds(30));
  }
  int base_port() const { return c12s_test::base_port(23); }
  fs::path formation_file(int node) const {
    return dir_ / "c12s-data" / "nodes" / ("node-" + std::to_string(node) + ".formation");
  }

  // list --detail --json until `done` holds of it (at most `limit`); the last answer.
  template <typename Done>
  out::ListDetailOutput detail_until(Done done, std::chrono::seconds limit) {
    out::ListDetailOutput detail;
    for (const auto end = Clock::now() + limit; Clock::now() < end;) {
      detail = read_output<out::ListDetailOutput>(run({"list", "--detail", "--json"}).out);
      if (done(detail)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return detail;
  }

  fs::path dir_;
};

const out::NodeRow* node_of(const out::ListDetailOutput& detail, const std::string& id) {
  for (const out::ClusterRow& cluster : detail.clusters) {
    for (const out::NodeRow& node : cluster.nodes) {
      if (node.id == id) return &node;
    }
  }
  return nullptr;
}

TEST_F(Operator, HealthInEveryListingNodesAndDelete) {
  Process up({"up", "--nodes", "4", "--port", std::to_string(base_port())}, dir_);
  const Output up_output = wait_until_up(up);
  ASSERT_NE(up_output.out.find("Ctrl-C stops everything"), std::string::npos)
      << up_output.out << up_output.err;
  const Output mutated = run({"mutate", "-f", "edge.yaml"});
  ASSERT_EQ(mutated.exit, 0) << mutated.out << mutated.err;

  // Each member of cluster1 reports how its SWIM sees the others.
  out::ListDetailOutput detail = detail_until(
      [](const out::ListDetailOutput& d) {
        const out::NodeRow* node1 = node_of(d, "node-1");
        return node1 != nullptr &&
               node1->swim == std::map<std::string, std::string>{{"node-2", "alive"}, {"node-3", "alive"}};
      },
      std::chrono::seconds(15));
  ASSERT_NE(node_of(detail, "node-1"), nullptr);
  EXPECT_EQ(node_of(detail, "node-1")->swim,
            (std::map<std::string, std::string>{{"node-2", "alive"}, {"node-3", "alive"}}));
  EXPECT_EQ(node_of(detail, "node-1")->health, "alive");
  EXPECT_EQ(node_of(detail, "node-4")->swim, (std::map<std::string, std::string>{}));  // alone
  EXPECT_EQ(node_of(detail, "node-1")->last_check.size(), std::string("2026-12-07T23:50:01Z").size());

  // node-3 dies: its health is dead once its lease (6 s) ran out, and its peers' SWIM say so.
  const pid_t node3 = find_process((dir_ / "c12s-data" / "nodes" / "node-3.yaml").string());
  ASSERT_GT(node3, 0);
  const std::vector<std::string> node3_args = arguments_of(node3);
  ASSERT_EQ(kill(node3, SIGKILL), 0);
  detail = detail_until(
      [](const out::ListDetailOutput& d) {
        const out::NodeRow* node3 = node_of(d, "node-3");
        return node3 != nullptr && node3->health == "dead";
      },
      std::chrono::seconds(20));
  ASSERT_NE(node_of(detail, "node-3"), nullptr);
  EXPECT_EQ(node_of(detail, "node-3")->health, "dead");
  EXPECT_EQ(node_of(detail, "node-3")->status, "used");  // still in its cluster's desired state
  EXPECT_EQ(node_of(detail, "node-1")->health, "alive");
  Output text = run({"list", "--detail"});
  EXPECT_NE(text.out.find("HEALTH"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("dead"), std::string::npos) << text.out;

  // Every registered node, with its cluster; the text shows the JSON's fields.
  const Output nodes_json = run({"nodes", "--json"});
  ASSERT_EQ(nodes_json.exit, 0) << nodes_json.err;
  const out::NodesOutput nodes = read_output<out::NodesOutput>(nodes_json.out);
  ASSERT_EQ(nodes.nodes.size(), 4u) << nodes_json.out;
  EXPECT_EQ(nodes.nodes[2].id, "node-3");
  EXPECT_EQ(nodes.nodes[2].health, "dead");
  EXPECT_EQ(nodes.nodes[2].cluster, std::optional<std::string>("edge/region1/cluster1"));
  EXPECT_EQ(nodes.nodes[3].cluster, std::optional<std::string>("edge/region1/cluster2"));
  const Output nodes_text = run({"nodes"});
  EXPECT_EQ(nodes_text.exit, 0) << nodes_text.err;
  expect_table_of(nodes_text.out, nodes.nodes, {"LAST CHECK"});
  // Formed nodes carry their topology's labels (os=linux here).
  const Output linux_nodes = run({"nodes", "--json", "--selector", "os=linux"});
  EXPECT_EQ(read_output<out::NodesOutput>(linux_nodes.out).nodes.size(), 4u) << linux_nodes.out;
  EXPECT_EQ(run({"nodes", "--selector", "model=vax"}).out, "no node matches\n");
  EXPECT_EQ(run({"nodes", "--selector", "bad"}).exit, 2);

  // A new state leaves node-3 (dead: not told) and node-4 out: node-4's daemon leaves.
  ASSERT_TRUE(fs::exists(formation_file(4)));
  const Output smaller = run({"mutate", "-f", "smaller.yaml"});
  ASSERT_EQ(smaller.exit, 0) << smaller.out << smaller.err;
  for (const auto end = Clock::now() + std::chrono::seconds(10);
       Clock::now() < end && fs::exists(formation_file(4));)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(fs::exists(formation_file(4))) << "node-4's daemon did not leave its cluster";
  const out::NodesOutput after = read_output<out::NodesOutput>(run({"nodes", "--json"}).out);
  ASSERT_EQ(after.nodes.size(), 4u);
  EXPECT_EQ(after.nodes[2].status, "free");
  EXPECT_EQ(after.nodes[3].status, "free");
  EXPECT_EQ(after.nodes[3].cluster, std::nullopt);

  // node-3's daemon, not told (it was dead), comes back: the entry says the system holds it in
  // no cluster, so it drops the formation it kept and is free, in no cluster, alive.
  ASSERT_TRUE(fs::exists(formation_file(3)));
  Process node3_again(node3_args, dir_);
  out::NodesOutput back;
  for (const auto end = Clock::now() + std::chrono::seconds(15); Clock::now() < end;) {
    back = read_output<out::NodesOutput>(run({"nodes", "--json"}).out);
    if (back.nodes.size() == 4 && back.nodes[2].health == "alive") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_EQ(back.nodes.size(), 4u);
  EXPECT_EQ(back.nodes[2].health, "alive");
  EXPECT_EQ(back.nodes[2].status, "free");
  EXPECT_FALSE(fs::exists(formation_file(3))) << "node-3 kept a formation the system no longer holds it in";

  // Delete: the nodes go back to the pool, their daemons leave, the task is logged.
  const Output deleted = run({"delete", "--json", "edge"});
  ASSERT_EQ(deleted.exit, 0) << deleted.out << deleted.err;
  const out::DeleteOutput result = read_output<out::DeleteOutput>(deleted.out);
  EXPECT_EQ(result.state, "DELETED");
  EXPECT_EQ(result.nodes, (std::vector<std::string>{"node-1", "node-2"}));
  EXPECT_FALSE(fs::exists(formation_file(1)));
  EXPECT_FALSE(fs::exists(formation_file(2)));
  EXPECT_EQ(run({"list"}).out, "no topology\n");
  for (const out::NodesRow& node : read_output<out::NodesOutput>(run({"nodes", "--json"}).out).nodes)
    EXPECT_EQ(node.status, "free") << node.id;
  const Output logged = run({"logs", "get", result.task});
  EXPECT_NE(logged.out.find("state=DELETED"), std::string::npos) << logged.out;
  EXPECT_NE(logged.out.find("topology edge deleted: 2 nodes back in the pool (node-1, node-2)"),
            std::string::npos)
      << logged.out;

  // Again: nothing to delete, and it says so.
  const Output again = run({"delete", "edge"});
  EXPECT_EQ(again.exit, 0) << again.err;
  EXPECT_NE(again.out.find("topology edge does not exist: nothing to delete"), std::string::npos)
      << again.out;
  // The same topology can be formed again from the pool.
  const Output reformed = run({"mutate", "-f", "smaller.yaml"});
  EXPECT_EQ(reformed.exit, 0) << reformed.out << reformed.err;
  EXPECT_NE(reformed.out.find("topology edge formed"), std::string::npos) << reformed.out;

  const Output bad = run({"delete", "no such/name"});
  EXPECT_EQ(bad.exit, 2);
  EXPECT_NE(bad.err.find("is not a topology name"), std::string::npos) << bad.err;

  ASSERT_EQ(kill(up.pid, SIGTERM), 0);
  EXPECT_EQ(up.finish(std::chrono::seconds(30)).exit, 0);
}

}  // namespace
