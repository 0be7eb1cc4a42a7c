// A system started by hand in tests: each service a `c12s service` process and each node a
// `c12s daemon`, on loopback, so that a test can kill (SIGKILL) and restart any one of them.
// Also reading what the commands print: a task's outcome, the list views.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <thread>

#include "c12s/system/system_map.h"
#include "output_check.h"
#include "process.h"

namespace c12s_test {

// A topology file's text: topology `name` with one region `r` and `clusters` (cluster name ->
// node ids).
inline std::string topology_yaml(const std::string& name,
                                 const std::map<std::string, std::vector<std::string>>& clusters) {
  std::string text = "constellations:\n  version: v1\n  kind: Topology\n  payload:\n    name: " + name +
                     "\n    topology:\n      r:\n";
  for (const auto& [cluster, nodes] : clusters) {
    text += "        " + cluster + ": {";
    for (std::size_t i = 0; i < nodes.size(); ++i) text += (i ? ", " : "") + nodes[i] + ": ";
    text += "}\n";
  }
  return text;
}

// What the list views say of one topology: its clusters and nodes.
struct Listed {
  std::size_t clusters = 0;
  std::size_t nodes = 0;
  friend bool operator==(const Listed&, const Listed&) = default;
};

class HandStarted : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("c12s_hand_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data" / "nodes");
    const c12s::system::SystemMap map =
        c12s::system::SystemMap::loopback((dir_ / "data").string(), base_port());
    std::ofstream(dir_ / "system.yaml") << map.to_yaml();
    system_ = (dir_ / "system.yaml").string();
  }
  void TearDown() override {
    // A pid of -1 is a process already reaped: kill(-1) would signal every process.
    for (auto& [name, process] : processes_)
      if (process->pid > 0) kill(process->pid, SIGTERM);
    for (auto& [name, process] : processes_)
      if (process->pid > 0) process->finish(std::chrono::seconds(10));
    processes_.clear();
    fs::remove_all(dir_);
  }

  int base_port() const { return c12s_test::base_port(19); }

  // Runs a user command against the system.
  Output run(std::vector<std::string> args, std::chrono::seconds limit = std::chrono::seconds(60)) {
    args.push_back("--system");
    args.push_back(system_);
    return Process(args, dir_).finish(limit);
  }

  void start_service(const std::string& name) {
    processes_[name] =
        std::make_unique<Process>(std::vector<std::string>{"service", name, "--system", system_}, dir_);
  }
  // A daemon labelled os=linux, keeping its formation across restarts.
  void start_daemon(const std::string& id) {
    const fs::path config = dir_ / "data" / "nodes" / (id + ".yaml");
    std::ofstream(config) << "star:\n  version: v1\n  nodeid: " << id << "\n  name: " << id
                          << "\n  flusher: x\n  healthcheck:\n    address: x\n    topic: health\n"
                             "    interval: 1s\n  labels:\n    os: linux\n";
    processes_[id] = std::make_unique<Process>(
        std::vector<std::string>{"daemon", "--config", config.string(), "--system", system_,
                                 "--formation-file",
                                 (dir_ / "data" / "nodes" / (id + ".formation")).string()},
        dir_);
  }
  // SIGKILL: no chance to flush or close anything.
  void kill9(const std::string& name) {
    Process& process = *processes_.at(name);
    ASSERT_GT(process.pid, 0) << name << " is not running";
    kill(process.pid, SIGKILL);
    process.finish(std::chrono::seconds(5));
  }
  // Waits until every id is registered and free, or 20 s; false if not.
  bool wait_free(const std::vector<std::string>& ids) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      const std::vector<std::string> free = free_nodes();
      if (std::includes(free.begin(), free.end(), ids.begin(), ids.end())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }
  // The free nodes labelled os=linux, sorted.
  std::vector<std::string> free_nodes() {
    Output free = run({"query", "--selector", "os=linux"});
    std::vector<std::string> ids;
    std::istringstream lines(free.out);
    std::string line;
    std::getline(lines, line);  // the header
    while (std::getline(lines, line)) {
      if (line.find(" free ") != std::string::npos) ids.push_back(line.substr(0, line.find(' ')));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  // Submits `file` without waiting; the task id if it was acknowledged ("submitted"), else "".
  std::string submit(const std::string& file, Output* output = nullptr,
                     const std::string& timeout_ms = "5000") {
    Output out = run({"mutate", "-f", file, "--no-wait", "--timeout", timeout_ms});
    if (output != nullptr) *output = out;
    std::smatch task;
    if (out.exit != 0 ||
        !std::regex_search(out.out, task, std::regex("task ([0-9a-f]{16}): topology \\S+ submitted")))
      return "";
    return task[1];
  }
  // The task's records, as `c12s logs get` prints them.
  std::string records(const std::string& task) { return run({"logs", "get", task}).out; }
  // CREATED or FAILED once the log says so, within `limit`; "" if not.
  std::string wait_outcome(const std::string& task, std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      const std::string logged = records(task);
      for (const char* state : {"state=CREATED", "state=FAILED", "state=EXISTS"}) {
        if (logged.find(state) != std::string::npos) return std::string(state).substr(6);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return "";
  }

  // What `c12s list --json` says of each topology.
  std::map<std::string, Listed> brief() {
    std::map<std::string, Listed> found;
    for (const out::TopologyRow& row : read_output<out::ListOutput>(run({"list", "--json"}).out).topologies)
      found[row.topology] =
          Listed{static_cast<std::size_t>(row.clusters), static_cast<std::size_t>(row.nodes)};
    return found;
  }
  // What `c12s list --detail --json` says of each topology; *statuses gets each node's status.
  std::map<std::string, Listed> detail(std::map<std::string, std::string>* statuses = nullptr) {
    std::map<std::string, Listed> found;
    const Output out = run({"list", "--detail", "--json"});
    for (const out::ClusterRow& cluster : read_output<out::ListDetailOutput>(out.out).clusters) {
      Listed& listed = found[cluster.topology];
      ++listed.clusters;
      for (const out::NodeRow& node : cluster.nodes) {
        ++listed.nodes;
        if (statuses != nullptr) (*statuses)[node.id] = node.status;
      }
    }
    return found;
  }
  // The text views agree with the JSON ones: "no topology" and "no cluster" together.
  void expect_text_views_agree() {
    const Output text = run({"list"});
    const Output detail_text = run({"list", "--detail"});
    EXPECT_EQ(text.out == "no topology\n", detail_text.out == "no cluster\n") << text.out << detail_text.out;
  }

  fs::path dir_;
  std::string system_;
  std::map<std::string, std::unique_ptr<Process>> processes_;
};

}  // namespace c12s_test
