// TaskStore: the tasks of mutations (thesis 5.1.4: sagas with a semantic lock), their states
// and the record of their steps, kept so that a restarted service finds what it left undone.
//
// A task moves PENDING -> IN_PROGRESS -> CREATED or FAILED, and nowhere else; any other
// advance is refused. While a task of a topology is unfinished (PENDING or IN_PROGRESS), no
// other task of that topology can be created: the thesis's semantic lock ("until the task
// reaches Created state, no other operation can be done on that cluster configuration").
// Steps (the saga's sub-transactions: reserve nodes, write the state, push to the nodes) are
// recorded while the task is IN_PROGRESS, in order, each as started, done, failed or
// compensated, so a failed task shows how far it got and what was undone.
//
// Task ids are 128 random bits in 32 lowercase hex digits, from a TaskIdGenerator the caller
// seeds: fixed seeds make tests and simulations repeatable, from_entropy() serves production.
// The store takes the id it is given and refuses one already used.
//
// Not here: running steps or compensations (the services do), queues, and reading a clock.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "c12s/store/database.h"
#include "c12s/store/status.h"
#include "c12s/store/time_point.h"

namespace c12s::store {

enum class TaskState { kPending, kInProgress, kCreated, kFailed };
const char* task_state_name(TaskState state);  // "PENDING", "IN_PROGRESS", "CREATED", "FAILED"

enum class StepState { kStarted, kDone, kFailed, kCompensated };
const char* step_state_name(StepState state);  // "started", "done", "failed", "compensated"

struct TaskStep {
  std::string name;  // e.g. "reserve nodes"
  StepState state = StepState::kStarted;
  std::string message;
  Time at;

  friend bool operator==(const TaskStep&, const TaskStep&) = default;
};

struct Task {
  std::string id;
  std::string kind;      // what the task does, e.g. "mutate"
  std::string topology;  // the topology it works on: the semantic lock's key
  TaskState state = TaskState::kPending;
  std::string message;  // given with the last advance, e.g. why it failed
  Time created;
  Time updated;
  std::vector<TaskStep> steps;  // in the order recorded

  friend bool operator==(const Task&, const Task&) = default;
};

// 128-bit task ids from std::mt19937_64, whose output the standard fixes: the same seed gives
// the same ids on every platform.
class TaskIdGenerator {
 public:
  explicit TaskIdGenerator(std::uint64_t seed) : engine_(seed) {}
  // Seeded from std::random_device, for ids that differ between runs and machines.
  static TaskIdGenerator from_entropy();

  std::string next();  // 32 lowercase hex digits

 private:
  explicit TaskIdGenerator(std::seed_seq& seeds) : engine_(seeds) {}
  std::mt19937_64 engine_;
};

class TaskStore {
 public:
  // Creates or upgrades the tasks' tables in `db`, which must outlive the store.
  static Status open(Database* db, std::unique_ptr<TaskStore>* out);

  // A new PENDING task. Rejected if the id is not a name of model::is_name or is taken, the
  // kind or topology is not a name, or the topology has an unfinished task.
  Status create(std::string_view id, std::string_view kind, std::string_view topology, Time now);

  // Moves the task to `to` along the allowed transitions; `message` is kept with it.
  Status advance(std::string_view id, TaskState to, Time now, std::string_view message = {});

  // Appends a step record; only while the task is IN_PROGRESS.
  Status record_step(std::string_view id, std::string_view step, StepState state, Time now,
                     std::string_view message = {});

  Status get(std::string_view id, Task* out);  // not found: no such task
  // Every task, or those in `state`, oldest first (by creation time, then id).
  Status list(std::optional<TaskState> state, std::vector<Task>* out);
  // The PENDING and IN_PROGRESS tasks, oldest first: what to resume or compensate after a
  // restart.
  Status unfinished(std::vector<Task>* out);

 private:
  explicit TaskStore(Database* db) : db_(db) {}
  // The tasks for which the SQL condition `where` on table t holds, with their steps, oldest
  // first; ?1 is bound to `arg` when the condition uses it.
  Status load(std::string_view where, std::string_view arg, std::vector<Task>* out);

  Database* db_;
};

}  // namespace c12s::store
