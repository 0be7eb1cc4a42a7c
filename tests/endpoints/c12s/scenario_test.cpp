// The experiment of thesis section 5.3, scripted, with real processes over loopback TCP: 12
// nodes register (9 with Raspberry Pi labels, 3 with BeagleBone labels); queries find them; a
// mutate forms 4 clusters of 3; the same topology with regions, clusters and nodes reordered
// forms nothing; the same topology as 3 clusters of 4 replaces it; a node's daemon is killed
// and the state service declares it dead within its lease, and the other members of its
// cluster through SWIM. Then: services killed (SIGKILL)
// and restarted keep what they acknowledged; a wrong topology file is named by line.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "c12s/system/system_map.h"
#include "output_check.h"
#include "process.h"

namespace {

using namespace c12s_test;

// The experiment's topologies (tests/data/experiment/, shared with tests/multihost): four.yaml
// forms 4 clusters of 3; reordered.yaml is the same topology with regions, clusters and nodes
// in another order; three.yaml the same nodes as 3 clusters of 4.
const fs::path kExperiment = C12S_EXPERIMENT_DIR;

constexpr char kRpi[] = "os=linux,arch=arm,model=rpi,memory=2GB,storage=16GB,cpu=1GHz,cores=2";
constexpr char kBeagleBone[] = "os=linux,arch=arm,model=beaglebone,memory=256MB,storage=2GB,cpu=1GHz,cores=1";

class Scenario : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("c12s_scenario_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const char* name : {"four.yaml", "reordered.yaml", "three.yaml"})
      fs::copy_file(kExperiment / name, dir_ / name);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Output run(const std::vector<std::string>& args) {
    return Process(args, dir_).finish(std::chrono::seconds(60));
  }
  int base_port() const { return c12s_test::base_port(17); }

  // The ids in the first column of a table, the header left out.
  static std::vector<std::string> first_column(const std::string& table) {
    std::vector<std::string> ids;
    std::istringstream lines(table);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) ids.push_back(line.substr(0, line.find(' ')));
    return ids;
  }

  // The system map of services started by hand (`c12s service`), on loopback; its path.
  std::string write_system() {
    const c12s::system::SystemMap map =
        c12s::system::SystemMap::loopback((dir_ / "data").string(), base_port());
    fs::create_directories(dir_ / "data" / "nodes");
    std::ofstream(dir_ / "system.yaml") << map.to_yaml();
    return (dir_ / "system.yaml").string();
  }
  // The arguments of a daemon `id` labelled os=linux, its configuration written.
  std::vector<std::string> daemon_args(const std::string& id, const std::string& system) {
    const fs::path config = dir_ / "data" / "nodes" / (id + ".yaml");
    std::ofstream(config) << "star:\n  version: v1\n  nodeid: " << id << "\n  name: " << id
                          << "\n  flusher: x\n  healthcheck:\n    address: x\n    topic: health\n"
                             "    interval: 1s\n  labels:\n    os: linux\n";
    return {"daemon", "--config", config.string(), "--system", system};
  }

  fs::path dir_;
};

TEST_F(Scenario, ThesisExperimentOfSection5_3) {
  Process up({"up", "--nodes", "12", "--port", std::to_string(base_port())}, dir_);
  Output up_output = wait_until_up(up);
  ASSERT_NE(up_output.out.find("Ctrl-C stops everything"), std::string::npos)
      << up_output.out << up_output.err;
  ASSERT_NE(up_output.out.find("and 12 nodes"), std::string::npos) << up_output.out << up_output.err;

  // 9 Raspberry Pis and 3 BeagleBones are free.
  Output rpi = run({"query", "--selector", kRpi});
  ASSERT_EQ(rpi.exit, 0) << rpi.err;
  EXPECT_EQ(first_column(rpi.out),
            (std::vector<std::string>{"node-1", "node-10", "node-11", "node-2", "node-3", "node-5", "node-6",
                                      "node-7", "node-9"}));
  Output beaglebone = run({"query", "--selector", kBeagleBone});
  ASSERT_EQ(beaglebone.exit, 0) << beaglebone.err;
  EXPECT_EQ(first_column(beaglebone.out), (std::vector<std::string>{"node-12", "node-4", "node-8"}));

  // 4 clusters of 3.
  Output formed = run({"mutate", "-f", "four.yaml"});
  ASSERT_EQ(formed.exit, 0) << formed.out << formed.err;
  std::smatch task;
  ASSERT_TRUE(
      std::regex_search(formed.out, task, std::regex("task ([0-9a-f]{16}): topology experiment formed")))
      << formed.out;
  Output brief = run({"list"});
  const out::ListOutput listed = read_output<out::ListOutput>(run({"list", "--json"}).out);
  ASSERT_EQ(listed.topologies.size(), 1u);
  EXPECT_EQ(listed.topologies[0].topology, "experiment");
  EXPECT_EQ(listed.topologies[0].alive_percent, 100.0);
  EXPECT_EQ(listed.topologies[0].labels, (std::map<std::string, std::string>{{"os", "linux"}}));
  expect_table_of(brief.out, listed.topologies);
  Output none = run({"query", "--selector", kRpi});
  EXPECT_EQ(none.out,
            "no free node matches arch=arm,cores=2,cpu=1GHz,memory=2GB,model=rpi,os=linux,storage=16GB\n");
  Output logs = run({"logs", "get", task[1]});
  EXPECT_NE(logs.out.find("state=IN_PROGRESS"), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("state=CREATED"), std::string::npos) << logs.out;

  // The same topology, reordered: nothing new is formed.
  Output again = run({"mutate", "-f", "reordered.yaml"});
  EXPECT_EQ(again.exit, 0) << again.err;
  EXPECT_NE(again.out.find("topology experiment already exists: nothing to do"), std::string::npos)
      << again.out;
  Output again_json = run({"mutate", "-f", "reordered.yaml", "--json"});
  EXPECT_EQ(again_json.exit, 0) << again_json.err;
  const out::MutateOutput exists = read_output<out::MutateOutput>(again_json.out);
  EXPECT_EQ(exists.topology, "experiment");
  EXPECT_EQ(exists.state, "EXISTS");
  EXPECT_NE(exists.message.find("already exists"), std::string::npos) << again_json.out;
  EXPECT_TRUE(std::regex_match(exists.task, std::regex("[0-9a-f]{16}"))) << again_json.out;

  // 3 clusters of 4 of the same nodes replace the 4 clusters of 3.
  Output replaced = run({"mutate", "-f", "three.yaml"});
  ASSERT_EQ(replaced.exit, 0) << replaced.out << replaced.err;
  EXPECT_NE(replaced.out.find("topology experiment formed"), std::string::npos) << replaced.out;
  // Each node shows the labels of its formation once its next health check says so (within its
  // interval): the text and the JSON are compared once every node does, or they could differ.
  Output detail;
  out::ListDetailOutput formed_clusters;
  const auto settled_by = Clock::now() + std::chrono::seconds(10);
  do {
    detail = run({"list", "--detail", "--json"});
    formed_clusters = read_output<out::ListDetailOutput>(detail.out);
  } while (Clock::now() < settled_by &&
           !std::all_of(formed_clusters.clusters.begin(), formed_clusters.clusters.end(),
                        [](const out::ClusterRow& c) {
                          return std::all_of(c.nodes.begin(), c.nodes.end(), [](const auto& n) {
                            return n.labels == std::map<std::string, std::string>{{"os", "linux"}};
                          });
                        }));
  ASSERT_EQ(formed_clusters.clusters.size(), 3u) << detail.out;
  EXPECT_EQ(formed_clusters.clusters[0].cluster, "cluster1");
  ASSERT_FALSE(formed_clusters.clusters[0].nodes.empty());
  EXPECT_EQ(formed_clusters.clusters[0].nodes[0].id, "node-1");
  EXPECT_EQ(formed_clusters.clusters[0].nodes[3].id, "node-4");
  EXPECT_EQ(formed_clusters.clusters[0].nodes[3].status, "used");
  // The text: each cluster's path, then its nodes as a table of NodeRow's fields.
  Output detail_text = run({"list", "--detail"});
  std::istringstream detail_lines(detail_text.out);
  std::string line, block;
  std::size_t cluster = 0;
  auto check_block = [&] {
    // Health, last check and SWIM view change with each health check between the two runs.
    if (!block.empty())
      expect_table_of(block, formed_clusters.clusters.at(cluster++).nodes, {"HEALTH", "LAST CHECK", "SWIM"});
    block.clear();
  };
  while (std::getline(detail_lines, line)) {
    if (line.rfind("  ", 0) == 0) {
      block += line + "\n";
      continue;
    }
    check_block();
    const out::ClusterRow& next = formed_clusters.clusters.at(cluster);
    EXPECT_EQ(line, next.topology + "/" + next.region + "/" + next.cluster);
  }
  check_block();
  EXPECT_EQ(cluster, 3u) << detail_text.out;

  // A node dies: declared dead within its lease (6 s) and the watcher's period.
  const pid_t node5 = find_process("nodes/node-5.yaml");
  ASSERT_GT(node5, 0);
  const auto killed = Clock::now();
  ASSERT_EQ(kill(node5, SIGKILL), 0);
  Output dead;
  while (Clock::now() - killed < std::chrono::seconds(15)) {
    dead = run({"logs", "list", "--selector", "health=dead"});
    if (dead.out.find("node node-5 is dead") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_NE(dead.out.find("node node-5 is dead: no health check within its lease"), std::string::npos)
      << dead.out;
  EXPECT_LT(Clock::now() - killed, std::chrono::seconds(9));
  // The other members of its cluster (cluster2: node-5 ... node-8) declare it dead through SWIM,
  // each within (2n - 2)·T + S = 9 s for n = 4, T = 1 s, S = 3 s (plus the polling). Nobody
  // else was declared dead on the way, re-formation included.
  std::set<std::string> declared;
  Output swim;
  while (declared.size() < 3 && Clock::now() - killed < std::chrono::seconds(15)) {
    swim = run({"logs", "list", "--selector", "swim=dead"});
    for (const char* peer : {"node-6", "node-7", "node-8"}) {
      if (swim.out.find(std::string("node-5 is dead, as declared by ") + peer) != std::string::npos)
        declared.insert(peer);
    }
    if (declared.size() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(declared, (std::set<std::string>{"node-6", "node-7", "node-8"})) << swim.out;
  EXPECT_LT(Clock::now() - killed, std::chrono::seconds(11));
  std::istringstream swim_lines(swim.out);
  for (std::string line; std::getline(swim_lines, line);)
    EXPECT_NE(line.find("member=node-5,"), std::string::npos) << line;
  Output alive = run({"list"});
  EXPECT_NE(alive.out.find("91.6667"), std::string::npos) << alive.out;
  const out::ListOutput eleven = read_output<out::ListOutput>(run({"list", "--json"}).out);
  ASSERT_EQ(eleven.topologies.size(), 1u);
  EXPECT_NEAR(eleven.topologies[0].alive_percent.value_or(0), 1100.0 / 12, 1e-9);

  ASSERT_EQ(kill(up.pid, SIGTERM), 0);
  Output stopped = up.finish(std::chrono::seconds(20), up_output);
  EXPECT_EQ(stopped.exit, 0) << stopped.err;
  EXPECT_NE(stopped.err.find("node-5 exited (signal 9); the system goes on"), std::string::npos)
      << stopped.err;
}

TEST_F(Scenario, ServicesKilledAndRestartedKeepWhatTheyAcknowledged) {
  const std::string system = write_system();
  std::map<std::string, std::unique_ptr<Process>> services;
  auto start = [&](const std::string& name) {
    services[name] =
        std::make_unique<Process>(std::vector<std::string>{"service", name, "--system", system}, dir_);
  };
  for (const std::string& name : c12s::system::service_names()) start(name);
  std::vector<std::unique_ptr<Process>> daemons;
  for (const char* id : {"n1", "n2", "n3"})
    daemons.push_back(std::make_unique<Process>(daemon_args(id, system), dir_));
  std::ofstream(dir_ / "small.yaml")
      << "constellations:\n  version: v1\n  kind: Topology\n  payload:\n    name: small\n"
         "    topology:\n      r:\n        c: {n1: , n2: , n3: }\n";
  Output formed;
  for (int attempt = 0; attempt < 50; ++attempt) {  // until the daemons have registered
    formed = run({"mutate", "-f", "small.yaml", "--system", system});
    if (formed.exit == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(formed.exit, 0) << formed.out << formed.err;
  std::smatch task;
  ASSERT_TRUE(std::regex_search(formed.out, task, std::regex("task ([0-9a-f]{16})"))) << formed.out;

  // SIGKILL: no chance to flush or close anything.
  for (const char* name : {"state", "log", "nodes"}) {
    kill(services[name]->pid, SIGKILL);
    services[name]->finish(std::chrono::seconds(5));
    start(name);
  }
  Output list;
  Output logs;
  for (int attempt = 0; attempt < 50; ++attempt) {
    list = run({"list", "--system", system});
    logs = run({"logs", "get", task[1], "--system", system});
    if (list.exit == 0 && logs.exit == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_NE(list.out.find("small     1        1         3"), std::string::npos) << list.out << list.err;
  EXPECT_NE(logs.out.find("state=CREATED"), std::string::npos) << logs.out << logs.err;
  Output again = run({"mutate", "-f", "small.yaml", "--system", system});
  EXPECT_NE(again.out.find("topology small already exists"), std::string::npos) << again.out << again.err;
  for (auto& daemon : daemons) kill(daemon->pid, SIGTERM);
  for (auto& [name, service] : services) kill(service->pid, SIGTERM);
  for (auto& [name, service] : services) EXPECT_EQ(service->finish(std::chrono::seconds(10)).exit, 0) << name;
}

// With the queue down, a mutation fails after its nodes were reserved and its desired state
// stored: the nodes are released (Release) and free again, the topology leaves the desired
// state, and the task says so.
TEST_F(Scenario, AMutationThatFailsAfterReservingReleasesTheNodes) {
  const std::string system = write_system();
  std::vector<std::unique_ptr<Process>> processes;
  for (const char* name : {"log", "nodes", "state", "push"}) {  // no queue, no scheduler
    processes.push_back(
        std::make_unique<Process>(std::vector<std::string>{"service", name, "--system", system}, dir_));
  }
  for (const char* id : {"m1", "m2"})
    processes.push_back(std::make_unique<Process>(daemon_args(id, system), dir_));
  Output free;
  for (int attempt = 0; attempt < 50 && free.out.find("m2") == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    free = run({"query", "--selector", "os=linux", "--system", system});
  }
  ASSERT_NE(free.out.find("m2"), std::string::npos) << free.out << free.err;
  std::ofstream(dir_ / "pair.yaml")
      << "constellations:\n  version: v1\n  kind: Topology\n  payload:\n    name: pair\n"
         "    topology:\n      r:\n        c: {m1: , m2: }\n";
  Output failed = run({"mutate", "-f", "pair.yaml", "--system", system});
  EXPECT_EQ(failed.exit, 1);
  EXPECT_NE(failed.out.find("reservations released: m1, m2"), std::string::npos) << failed.out << failed.err;
  Output again = run({"query", "--selector", "os=linux", "--system", system});
  EXPECT_EQ(again.out,
            "ID  NAME  STATUS  LABELS\n"
            "m1  m1    free    os=linux\n"
            "m2  m2    free    os=linux\n");
  // Nothing of the topology is formed, so it is not in the desired state either.
  Output list = run({"list", "--system", system});
  EXPECT_EQ(list.out, "no topology\n") << list.err;
  for (auto& process : processes) kill(process->pid, SIGTERM);
}

// A task the queue took survives the queue's death: with no scheduler running, the mutation
// waits in the queue; the queue is killed (SIGKILL) and restarted, a scheduler starts, and the
// topology is formed.
TEST_F(Scenario, AQueuedTaskSurvivesTheQueuesDeath) {
  const std::string system = write_system();
  std::map<std::string, std::unique_ptr<Process>> processes;
  auto start = [&](const std::string& name, std::vector<std::string> args) {
    processes[name] = std::make_unique<Process>(std::move(args), dir_);
  };
  for (const char* name : {"log", "nodes", "state", "queue", "push"}) {  // no scheduler yet
    start(name, {"service", name, "--system", system});
  }
  start("q1", daemon_args("q1", system));
  std::ofstream(dir_ / "one.yaml")
      << "constellations:\n  version: v1\n  kind: Topology\n  payload:\n    name: one\n"
         "    topology:\n      r:\n        c: {q1: }\n";
  Output registered;
  for (int attempt = 0; attempt < 50 && registered.out.find("q1") == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    registered = run({"query", "--selector", "os=linux", "--system", system});
  }
  ASSERT_NE(registered.out.find("q1"), std::string::npos) << registered.out << registered.err;
  Output queued = run({"mutate", "-f", "one.yaml", "--no-wait", "--system", system});
  ASSERT_EQ(queued.exit, 0) << queued.out << queued.err;
  std::smatch task;
  ASSERT_TRUE(std::regex_search(queued.out, task, std::regex("task ([0-9a-f]{16})"))) << queued.out;
  Output waiting;
  for (int attempt = 0; attempt < 50 && waiting.out.find("IN_PROGRESS") == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    waiting = run({"logs", "get", task[1], "--system", system});
  }
  ASSERT_NE(waiting.out.find("state=IN_PROGRESS"), std::string::npos) << waiting.out;

  kill(processes["queue"]->pid, SIGKILL);
  processes["queue"]->finish(std::chrono::seconds(5));
  start("queue", {"service", "queue", "--system", system});
  start("scheduler", {"service", "scheduler", "--system", system});
  Output formed;
  for (int attempt = 0; attempt < 100 && formed.out.find("state=CREATED") == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    formed = run({"logs", "get", task[1], "--system", system});
  }
  EXPECT_NE(formed.out.find("formed: 1 nodes in their clusters"), std::string::npos) << formed.out;
  for (auto& [name, process] : processes) kill(process->pid, SIGTERM);
}

// A daemon acknowledges a formation only once it has kept it: killed (SIGKILL) and started
// again, it is back in its cluster at the address its peers know, so SWIM declares nobody dead.
TEST_F(Scenario, ARestartedDaemonIsBackInItsCluster) {
  std::ofstream(dir_ / "trio.yaml")
      << "constellations:\n  version: v1\n  kind: Topology\n  payload:\n    name: trio\n"
         "    topology:\n      r:\n        c: {node-1: , node-2: , node-3: }\n";
  Process up({"up", "--nodes", "3", "--port", std::to_string(base_port())}, dir_);
  Output up_output = wait_until_up(up);
  ASSERT_NE(up_output.out.find("Ctrl-C stops everything"), std::string::npos)
      << up_output.out << up_output.err;
  Output formed = run({"mutate", "-f", "trio.yaml"});
  ASSERT_EQ(formed.exit, 0) << formed.out << formed.err;
  ASSERT_TRUE(fs::exists(dir_ / "c12s-data" / "nodes" / "node-2.formation"));

  const pid_t node2 = find_process("nodes/node-2.yaml");
  ASSERT_GT(node2, 0);
  std::ifstream cmdline("/proc/" + std::to_string(node2) + "/cmdline");
  std::vector<std::string> args;
  for (std::string arg; std::getline(cmdline, arg, '\0');) args.push_back(arg);
  ASSERT_GT(args.size(), 1u);
  args.erase(args.begin());  // the binary: Process adds it
  ASSERT_EQ(kill(node2, SIGKILL), 0);
  Process again(args, dir_);
  Output again_output;
  const auto back = Clock::now() + std::chrono::seconds(10);
  while (again_output.err.find("back in cluster") == std::string::npos && Clock::now() < back)
    ASSERT_TRUE(again.read_some(again_output, std::chrono::milliseconds(200))) << again_output.err;
  EXPECT_NE(again_output.err.find("c12s daemon node-2: back in cluster trio/r/c"), std::string::npos)
      << again_output.err;
  // Longer than SWIM's suspicion timeout (3 s): a node-2 its peers could not reach would be dead.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  Output dead = run({"logs", "list", "--selector", "swim=dead"});
  EXPECT_EQ(dead.out, "") << dead.out;
  kill(again.pid, SIGTERM);
  kill(up.pid, SIGTERM);
  EXPECT_EQ(up.finish(std::chrono::seconds(20), up_output).exit, 0);
}

// The scheduler's queues from a listing 5.5 file: a task sent to one of them is formed when its
// token bucket lets it through.
TEST_F(Scenario, AMutationGoesThroughTheQueueItNames) {
  std::ofstream(dir_ / "queues.yaml")
      << "blackhole:\n  db: address\n  queue:\n    myqueue1:\n      namespace: mine\n"
         "      maxWorkers: 4\n      capacity: 4\n      tokens: 0\n"
         "      fillInterval:\n        interval: 1\n        rate: s\n";
  std::ofstream(dir_ / "queued.yaml") << "constellations:\n  version: v1\n  kind: Topology\n  metadata:\n"
                                         "    queue: myqueue1\n  payload:\n    name: queued\n    topology:\n"
                                         "      r:\n        c: {node-1: , node-2: }\n";
  Process up({"up", "--nodes", "2", "--port", std::to_string(base_port()), "--queues", "queues.yaml"}, dir_);
  Output up_output = wait_until_up(up);
  ASSERT_NE(up_output.out.find("Ctrl-C stops everything"), std::string::npos)
      << up_output.out << up_output.err;
  Output formed = run({"mutate", "-f", "queued.yaml"});
  EXPECT_EQ(formed.exit, 0) << formed.err;
  std::smatch task;
  ASSERT_TRUE(std::regex_search(formed.out, task, std::regex("task ([0-9a-f]{16}): topology queued formed")))
      << formed.out;
  Output logs = run({"logs", "get", task[1]});
  EXPECT_NE(logs.out.find("queued for formation (queue myqueue1)"), std::string::npos) << logs.out;
  kill(up.pid, SIGTERM);
  EXPECT_EQ(up.finish(std::chrono::seconds(20), up_output).exit, 0);
}

TEST_F(Scenario, AWrongTopologyFileIsNamedByLineAndSendsNothing) {
  std::ofstream(dir_ / "bad.yaml")
      << "constellations:\n  version: v1\n  kind: Topology\n  payload:\n    name: x\n"
         "    topology:\n      r:\n        c: [n1, n2]\n";
  Output bad = run({"mutate", "-f", "bad.yaml"});
  EXPECT_EQ(bad.exit, 2);
  EXPECT_NE(bad.err.find("bad.yaml:8:"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.out, "");
}

}  // namespace
