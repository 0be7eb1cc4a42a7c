// Issue 12 end to end, on loopback: `c12s up` speaks CURVE, so what a key may do is checked by
// real processes. Users see and change their own topologies only (an admin all); a daemon with
// a key nobody registered is refused at the connection; a daemon with a registered key cannot
// report health for another node; registration's own errors. The same across hosts, with
// network namespaces, is tests/multihost.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "c12s/system/system_map.h"
#include "output_check.h"
#include "process.h"

namespace {

using namespace c12s_test;

int mode_of_file(const fs::path& path) {
  struct stat status {};
  return stat(path.c_str(), &status) == 0 ? static_cast<int>(status.st_mode & 07777) : -1;
}

constexpr char kTopology[] = R"(constellations:
  version: v1
  kind: Topology
  metadata:
    taskName: mine
    queue: default
  payload:
    name: mine
    selector:
      labels:
        os: linux
    topology:
      region1:
        cluster1: {node-1: , node-2: }
)";

class Security : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("c12s_security_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "mine.yaml") << kTopology;
  }
  void TearDown() override { fs::remove_all(dir_); }

  Output run(const std::vector<std::string>& args) {
    return Process(args, dir_).finish(std::chrono::seconds(30));
  }
  // `args` as user `key` (a key file in dir_).
  Output as(const std::string& key, std::vector<std::string> args) {
    args.push_back("--key");
    args.push_back(key);
    return run(args);
  }
  std::string log_of(const std::string& process) {
    std::ifstream in(dir_ / "c12s-data" / "logs" / (process + ".log"));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // Waits until `process`'s log holds `text` (or 15 s).
  bool logged(const std::string& process, const std::string& text) {
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (log_of(process).find(text) == std::string::npos) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
  }
  // Whether `args` prints `text` within 15 s, run again and again.
  bool answers(const std::vector<std::string>& args, const std::string& text) {
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (run(args).out.find(text) == std::string::npos) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    return true;
  }
  // A daemon configuration for `node` (listing 5.2), written into dir_.
  std::string daemon_config(const std::string& node) {
    const std::string file = node + ".yaml";
    std::ofstream(dir_ / file) << "star:\n  version: v1\n  nodeid: " << node << "\n  name: " << node
                               << "\n  flusher: x\n  healthcheck:\n    address: x\n    topic: health\n"
                                  "    interval: 1s\n  labels:\n    os: linux\n";
    return file;
  }

  // Stops `up` as Ctrl-C would, and waits for it (its processes gone, its ports free).
  static void stop(Process& up) {
    kill(up.pid, SIGINT);
    up.finish(std::chrono::seconds(20));
  }

  int base_port() const { return c12s_test::base_port(17); }
  fs::path dir_;
};

TEST_F(Security, UsersSeeAndChangeTheirOwnTopologiesOnly) {
  Process up({"up", "--nodes", "3", "--port", std::to_string(base_port())}, dir_);
  Output up_output = wait_until_up(up);
  ASSERT_NE(up_output.out.find("c12s is up"), std::string::npos) << up_output.out << up_output.err;
  ASSERT_EQ(run({"user", "add", "alice", "--out", "alice.key"}).exit, 0);
  ASSERT_EQ(run({"user", "add", "bob", "--out", "bob.key"}).exit, 0);

  Output mutate = as("alice.key", {"mutate", "-f", "mine.yaml"});
  ASSERT_EQ(mutate.exit, 0) << mutate.out << mutate.err;
  EXPECT_NE(mutate.out.find("topology mine formed"), std::string::npos) << mutate.out;

  Output alice = as("alice.key", {"list"});
  EXPECT_NE(alice.out.find("mine"), std::string::npos) << alice.out << alice.err;
  Output bob = as("bob.key", {"list"});
  EXPECT_EQ(bob.exit, 0) << bob.err;
  EXPECT_EQ(bob.out.find("mine"), std::string::npos) << bob.out;
  Output bob_detail = as("bob.key", {"list", "--detail", "--json"});
  EXPECT_EQ(bob_detail.out.find("node-1"), std::string::npos) << bob_detail.out;
  // The operator who ran `up` (its admin key, found beside the system map) sees everything.
  Output admin = run({"list"});
  EXPECT_NE(admin.out.find("mine"), std::string::npos) << admin.out << admin.err;

  Output taken = as("bob.key", {"mutate", "-f", "mine.yaml"});
  EXPECT_EQ(taken.exit, 1) << taken.out;
  EXPECT_NE(taken.err.find("topology 'mine' belongs to user:alice"), std::string::npos) << taken.err;
  EXPECT_TRUE(logged("state", "refused user:bob: mutating topology mine"));

  // Task records are the owner's: bob reads none of alice's.
  Output alice_logs = as("alice.key", {"logs", "list", "--selector", "topology=mine"});
  EXPECT_NE(alice_logs.out.find("CREATED"), std::string::npos) << alice_logs.out << alice_logs.err;
  Output bob_logs = as("bob.key", {"logs", "list", "--selector", "topology=mine"});
  EXPECT_EQ(bob_logs.out.find("CREATED"), std::string::npos) << bob_logs.out;
  Output bob_nodes = as("bob.key", {"logs", "list", "--selector", "service=nodes"});
  EXPECT_EQ(bob_nodes.out.find("node-1"), std::string::npos) << bob_nodes.out;

  // Deleting is the owner's too (issue 13); every node is the operator's view.
  Output bob_deletes = as("bob.key", {"delete", "mine"});
  EXPECT_EQ(bob_deletes.exit, 1) << bob_deletes.out;
  EXPECT_NE(bob_deletes.err.find("topology 'mine' belongs to user:alice"), std::string::npos)
      << bob_deletes.err;
  EXPECT_TRUE(logged("state", "refused user:bob: deleting topology mine"));
  EXPECT_NE(run({"list"}).out.find("mine"), std::string::npos);
  Output bob_lists_nodes = as("bob.key", {"nodes", "--timeout", "1500"});
  EXPECT_EQ(bob_lists_nodes.exit, 1) << bob_lists_nodes.out;
  EXPECT_EQ(bob_lists_nodes.out.find("node-1"), std::string::npos) << bob_lists_nodes.out;
  EXPECT_NE(bob_lists_nodes.err.find("c12s nodes: "), std::string::npos) << bob_lists_nodes.err;
  EXPECT_NE(run({"nodes"}).out.find("node-1"), std::string::npos);  // the admin's

  // A removed user is refused at the connection (once the services read the file again).
  ASSERT_EQ(run({"user", "remove", "bob"}).exit, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  Output removed = as("bob.key", {"list", "--timeout", "1500"});
  EXPECT_EQ(removed.exit, 1) << removed.out;
  EXPECT_TRUE(logged("state", "is not admitted"));
  EXPECT_NE(removed.err.find("refused this process's key"), std::string::npos) << removed.err;
  stop(up);
}

TEST_F(Security, DaemonsSpeakOnlyForThemselves) {
  Process up({"up", "--nodes", "2", "--port", std::to_string(base_port())}, dir_);
  Output up_output = wait_until_up(up);
  ASSERT_NE(up_output.out.find("c12s is up"), std::string::npos) << up_output.out << up_output.err;
  const std::string system = (dir_ / "c12s-data" / "system.yaml").string();

  // A key nobody registered: its connections are refused before any frame is read.
  ASSERT_EQ(run({"key", "new", "stranger.key"}).exit, 0);
  Process stranger(
      {"daemon", "--config", daemon_config("node-9"), "--system", system, "--key", "stranger.key"}, dir_);
  EXPECT_TRUE(logged("nodes", "is not admitted"));

  // node-2's key, claiming to be node-1: admitted as node:node-2, refused for node-1.
  Process impostor({"daemon", "--config", daemon_config("node-1"), "--system", system, "--key",
                    (dir_ / "c12s-data" / "keys" / "node-2.key").string()},
                   dir_);
  EXPECT_TRUE(logged("nodes", "refused node:node-2: a health check for node node-1"));
  Output impostor_output = impostor.finish(std::chrono::seconds(1));
  EXPECT_NE(impostor_output.err.find("may report health for itself only"), std::string::npos)
      << impostor_output.err;

  // Joining by the entry alone (as `up`'s daemons do), node-2's key cannot join as node-1.
  auto map = c12s::system::SystemMap::load(system);
  ASSERT_TRUE(map.ok());
  Output joined =
      Process({"daemon", "--config", daemon_config("node-1"), "--join", *map->address("Join", "entry"),
               "--key", (dir_ / "c12s-data" / "keys" / "node-2.key").string()},
              dir_)
          .finish(std::chrono::seconds(15));
  EXPECT_EQ(joined.exit, 2) << joined.err;
  EXPECT_NE(joined.err.find("refused: node:node-2 may join as itself only, not as node node-1"),
            std::string::npos)
      << joined.err;
  EXPECT_TRUE(logged("nodes", "refused node:node-2: joining as node node-1"));

  Output query = run({"query", "--subset", "--selector", "os=linux"});
  EXPECT_EQ(query.out.find("node-9"), std::string::npos) << query.out;

  // Registered, the same daemon is admitted (the services read the file again) and registers.
  Output added = run({"node", "add", "node-9", "--key", "stranger.key.pub"});
  ASSERT_EQ(added.exit, 0) << added.err;
  EXPECT_TRUE(answers({"query", "--subset", "--selector", "os=linux"}, "node-9"));
  Output twice = run({"node", "add", "node-9", "--key", "stranger.key.pub"});
  EXPECT_EQ(twice.exit, 2);
  EXPECT_NE(twice.err.find("node:node-9 is registered already"), std::string::npos) << twice.err;
  Output unknown = run({"node", "remove", "node-77"});
  EXPECT_EQ(unknown.exit, 2);
  EXPECT_NE(unknown.err.find("node:node-77 is not registered"), std::string::npos) << unknown.err;
  stop(up);
}

TEST_F(Security, InitMakesAKeyedMapAndKeepsItsKeys) {
  Output made = run({"init", "--host", "10.9.8.7", "--data", "control", "--port", "9100"});
  ASSERT_EQ(made.exit, 0) << made.err;
  EXPECT_NE(made.out.find("c12s daemon --config daemon.yaml --join tcp://10.9.8.7:9113#"), std::string::npos)
      << made.out;
  auto map = c12s::system::SystemMap::load((dir_ / "control" / "system.yaml").string());
  ASSERT_TRUE(map.ok()) << map.error().message();
  EXPECT_TRUE(map->curve());
  EXPECT_EQ(map->endpoints.at("HealthCheck/log").rfind("tcp://10.9.8.7:9100#", 0), 0u);
  for (const char* key : {"service-nodes.key", "service-scheduler.key", "admin.key", "admitted"})
    EXPECT_EQ(mode_of_file(dir_ / "control" / "keys" / key), 0600) << key;
  EXPECT_EQ(mode_of_file(dir_ / "control" / "keys"), 0700);
  // Again: the same keys, so the same map.
  ASSERT_EQ(run({"init", "--host", "10.9.8.7", "--data", "control", "--port", "9100"}).exit, 0);
  auto again = c12s::system::SystemMap::load((dir_ / "control" / "system.yaml").string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->endpoints, map->endpoints);
  Output no_host = run({"init"});
  EXPECT_NE(no_host.exit, 0);
}

TEST_F(Security, RegistrationSaysWhatIsWrong) {
  // A plaintext system admits anyone: registering would change nothing.
  Process up({"up", "--plaintext", "--nodes", "0", "--port", std::to_string(base_port())}, dir_);
  Output up_output = wait_until_up(up);
  ASSERT_NE(up_output.out.find("c12s is up"), std::string::npos) << up_output.out << up_output.err;
  Output plaintext = run({"user", "add", "alice"});
  EXPECT_EQ(plaintext.exit, 1);
  EXPECT_NE(plaintext.err.find("is plaintext"), std::string::npos) << plaintext.err;

  ASSERT_EQ(run({"key", "new", "n.key"}).exit, 0);
  Output again = run({"key", "new", "n.key"});
  EXPECT_EQ(again.exit, 2);
  EXPECT_NE(again.err.find("n.key exists already"), std::string::npos) << again.err;
  EXPECT_EQ(mode_of_file(dir_ / "n.key"), 0600);
  stop(up);
}

}  // namespace
