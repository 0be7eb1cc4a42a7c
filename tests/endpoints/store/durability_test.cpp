// Durability: a write whose call returned ok survives the process that made it dying without
// closing anything. A child process (fork) writes through every store and _exit()s, or keeps
// writing and is SIGKILLed after acknowledging writes through a pipe; the parent then opens
// the files afresh and finds every acknowledged write.
//
// What this shows is the process-crash guarantee: committed transactions are in the WAL file
// when the call returns, not in the process's memory. Power loss is synchronous=FULL's fsync,
// which a test on a running machine cannot cut power under (docs/control-plane.md).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

#include "c12s/store/log_store.h"
#include "c12s/store/node_registry.h"
#include "c12s/store/state_store.h"
#include "c12s/store/task_store.h"
#include "store_test.h"

namespace c12s::store {
namespace {

using namespace std::chrono_literals;
using testing::IsOk;
using testing::node_report;
using testing::TempDir;

struct Stores {
  std::unique_ptr<Database> db;
  std::unique_ptr<NodeRegistry> nodes;
  std::unique_ptr<StateStore> state;
  std::unique_ptr<TaskStore> tasks;
  std::unique_ptr<LogStore> logs;

  Status open(const std::string& path) {
    Status s = Database::open(path, &db);
    if (s.ok()) s = NodeRegistry::open(db.get(), &nodes);
    if (s.ok()) s = StateStore::open(db.get(), &state);
    if (s.ok()) s = TaskStore::open(db.get(), &tasks);
    if (s.ok()) s = LogStore::open(db.get(), &logs);
    return s;
  }
};

model::TopologySpec topology(int version) {
  model::TopologySpec spec;
  spec.version = "v1";
  spec.kind = "Topology";
  spec.name = "T";
  spec.labels = {{"version", std::to_string(version)}};
  spec.regions = {{"eu", {}, {{"c1", std::nullopt, {}, {{"m1", "", {}}}}}}};
  return spec;
}

// Runs `child` in a forked process, which _exit()s with its result: 0 if it returned ok.
// Returns the child's pid; the parent waits for it.
template <typename Child>
pid_t fork_child(Child child) {
  const pid_t pid = fork();
  if (pid == 0) _exit(child() ? 0 : 1);  // no destructors, no atexit handlers, no close
  return pid;
}

TEST(Durability, WritesSurviveAProcessThatExitsWithoutClosing) {
  TempDir dir;
  const std::string path = dir.file("c12s.db");
  const pid_t pid = fork_child([&] {
    Stores& stores = *new Stores;  // never destroyed: the child closes nothing
    const model::TopologySpec spec = topology(1);
    return stores.open(path).ok() &&
           stores.nodes
               ->heartbeat(node_report("m1", "n", "a", {{"os", "linux"}}, {{"cpu", 0.25}}), from_millis(0),
                           10s)
               .ok() &&
           stores.nodes->reserve("t1", {"m1"}, from_millis(1)).ok() &&
           stores.state->replace_topology(spec, model::fingerprint(spec)).ok() &&
           stores.tasks->create("t1", "mutate", "T", from_millis(2)).ok() &&
           stores.tasks->advance("t1", TaskState::kInProgress, from_millis(3)).ok() &&
           stores.tasks->record_step("t1", "reserve nodes", StepState::kDone, from_millis(4)).ok() &&
           stores.logs
               ->append(LogRecord{0, "t1", from_millis(5), LogLevel::kInfo, {{"step", "reserve"}}, "ok"})
               .ok();
  });
  ASSERT_GT(pid, 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child failed to write";
  // The child did not close the database, which would have checkpointed it and removed the
  // log: the writes are in the write-ahead log, to be recovered by the next open.
  std::error_code error;
  EXPECT_GT(std::filesystem::file_size(path + "-wal", error), 0u) << error.message();

  Stores stores;
  ASSERT_TRUE(IsOk(stores.open(path)));
  NodeRecord node;
  ASSERT_TRUE(IsOk(stores.nodes->get("m1", &node)));
  EXPECT_EQ(node.status, NodeStatus::kReserved);
  EXPECT_EQ(node.metrics, (Metrics{{"cpu", 0.25}}));
  StoredTopology stored;
  ASSERT_TRUE(IsOk(stores.state->get("T", &stored)));
  EXPECT_EQ(stored.spec, topology(1));
  Task task;
  ASSERT_TRUE(IsOk(stores.tasks->get("t1", &task)));
  EXPECT_EQ(task.state, TaskState::kInProgress);
  ASSERT_EQ(task.steps.size(), 1u);
  std::vector<LogRecord> records;
  ASSERT_TRUE(IsOk(stores.logs->by_task("t1", &records)));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].message, "ok");
}

TEST(Durability, EveryAcknowledgedWriteSurvivesSigkill) {
  TempDir dir;
  const std::string path = dir.file("c12s.db");
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  const pid_t pid = fork_child([&] {
    close(acks[0]);
    Stores& stores = *new Stores;  // never destroyed: the child closes nothing
    if (!stores.open(path).ok()) return false;
    for (std::int64_t i = 1;; ++i) {  // until killed
      const model::TopologySpec spec = topology(static_cast<int>(i));
      std::int64_t seq = 0;
      if (!stores.logs
               ->append(LogRecord{0, "t", from_millis(i), LogLevel::kInfo, {}, std::to_string(i)}, &seq)
               .ok() ||
          seq != i ||
          !stores.nodes->heartbeat(node_report("m1", "", "", {}, {{"i", double(i)}}), from_millis(i), 10s)
               .ok() ||
          !stores.state->replace_topology(spec, model::fingerprint(spec)).ok()) {
        return false;
      }
      // Only now, after all three calls returned, is write i acknowledged.
      if (write(acks[1], &i, sizeof i) != sizeof i) return false;
    }
  });
  ASSERT_GT(pid, 0);
  close(acks[1]);
  std::int64_t acknowledged = 0;
  while (acknowledged < 40) {
    std::int64_t i = 0;
    if (read(acks[0], &i, sizeof i) != sizeof i) break;  // the child failed and closed the pipe
    acknowledged = i;
  }
  kill(pid, SIGKILL);  // the child is mid-way through more writes
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  close(acks[0]);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child stopped before it was killed";
  ASSERT_EQ(acknowledged, 40);

  Stores stores;
  ASSERT_TRUE(IsOk(stores.open(path)));
  std::vector<LogRecord> records;
  ASSERT_TRUE(IsOk(stores.logs->by_task("t", &records)));
  ASSERT_GE(static_cast<std::int64_t>(records.size()), acknowledged);
  for (std::size_t k = 0; k < records.size(); ++k) {  // all of 1..n, no hole
    EXPECT_EQ(records[k].seq, static_cast<std::int64_t>(k + 1));
  }
  NodeRecord node;
  ASSERT_TRUE(IsOk(stores.nodes->get("m1", &node)));
  EXPECT_GE(node.metrics.at("i"), static_cast<double>(acknowledged));
  StoredTopology stored;
  ASSERT_TRUE(IsOk(stores.state->get("T", &stored)));
  EXPECT_GE(std::stoll(stored.spec.labels.at("version")), acknowledged);
}

}  // namespace
}  // namespace c12s::store
