// Tasks over two tables: tasks (one row per task, its state and last message) and task_steps
// (the step records, numbered per task). The allowed transitions are checked here, inside the
// transaction that changes the state, so two services advancing one task cannot both win; a
// partial unique index keeps at most one unfinished task per topology even against a bug.
#include "c12s/store/task_store.h"

#include <cstdio>
#include <map>

#include "c12s/model/labels.h"
#include "c12s/model/quote.h"

namespace c12s::store {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"sql(
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  topology TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('PENDING', 'IN_PROGRESS', 'CREATED', 'FAILED')),
  message TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX tasks_by_state ON tasks (state, created_ms, id);
CREATE UNIQUE INDEX tasks_one_unfinished_per_topology ON tasks (topology)
  WHERE state IN ('PENDING', 'IN_PROGRESS');
CREATE TABLE task_steps (
  task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('started', 'done', 'failed', 'compensated')),
  message TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  PRIMARY KEY (task_id, seq)
) STRICT, WITHOUT ROWID;
)sql",
};

Status check_name(std::string_view what, std::string_view text) {
  if (model::is_name(text)) return Status::success();
  return Status::rejected(std::string(what) + " " + model::quote(text) + " is not a name of " +
                          std::string(model::kNameRule));
}

TaskState task_state_from_text(const std::string& text) {
  if (text == "IN_PROGRESS") return TaskState::kInProgress;
  if (text == "CREATED") return TaskState::kCreated;
  if (text == "FAILED") return TaskState::kFailed;
  return TaskState::kPending;  // the CHECK constraint allows nothing else
}

StepState step_state_from_text(const std::string& text) {
  if (text == "done") return StepState::kDone;
  if (text == "failed") return StepState::kFailed;
  if (text == "compensated") return StepState::kCompensated;
  return StepState::kStarted;
}

bool allowed(TaskState from, TaskState to) {
  return (from == TaskState::kPending && to == TaskState::kInProgress) ||
         (from == TaskState::kInProgress && (to == TaskState::kCreated || to == TaskState::kFailed));
}

Status no_task(std::string_view id) {
  return Status::not_found("no task " + model::quote(id) + " is stored");
}

// The state of task `id`; *found is false if there is none.
Status read_state(Database* db, std::string_view id, bool* found, TaskState* state) {
  Statement read;
  Status s = db->prepare("SELECT state FROM tasks WHERE id = ?1", &read);
  if (!s.ok()) return s;
  read.bind_text(1, id);
  s = read.step(found);
  if (s.ok() && *found) *state = task_state_from_text(read.column_text(0));
  return s;
}

}  // namespace

const char* task_state_name(TaskState state) {
  switch (state) {
    case TaskState::kPending:
      return "PENDING";
    case TaskState::kInProgress:
      return "IN_PROGRESS";
    case TaskState::kCreated:
      return "CREATED";
    case TaskState::kFailed:
      return "FAILED";
  }
  return "?";
}

const char* step_state_name(StepState state) {
  switch (state) {
    case StepState::kStarted:
      return "started";
    case StepState::kDone:
      return "done";
    case StepState::kFailed:
      return "failed";
    case StepState::kCompensated:
      return "compensated";
  }
  return "?";
}

TaskIdGenerator TaskIdGenerator::from_entropy() {
  std::random_device device;
  std::seed_seq seeds{device(), device(), device(), device(), device(), device(), device(), device()};
  return TaskIdGenerator(seeds);
}

std::string TaskIdGenerator::next() {
  // Two statements: the order of evaluation of function arguments is unspecified.
  const unsigned long long high = engine_();
  const unsigned long long low = engine_();
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", high, low);
  return std::string(text, 32);
}

Status TaskStore::open(Database* db, std::unique_ptr<TaskStore>* out) {
  out->reset();
  Status s = db->migrate("tasks", kMigrations);
  if (!s.ok()) return s;
  out->reset(new TaskStore(db));
  return Status::success();
}

Status TaskStore::create(std::string_view id, std::string_view kind, std::string_view topology, Time now) {
  Status s = check_name("task id", id);
  if (s.ok()) s = check_name("task kind", kind);
  if (s.ok()) s = check_name("topology name", topology);
  if (!s.ok()) return s;
  return db_->transaction([&]() -> Status {
    bool found = false;
    TaskState state = TaskState::kPending;
    Status s = read_state(db_, id, &found, &state);
    if (!s.ok()) return s;
    if (found) return Status::rejected("task id " + model::quote(id) + " is taken");
    Statement holder;
    s = db_->prepare(
        "SELECT id, state FROM tasks WHERE topology = ?1 AND state IN ('PENDING', 'IN_PROGRESS')", &holder);
    if (!s.ok()) return s;
    holder.bind_text(1, topology);
    s = holder.step(&found);
    if (!s.ok()) return s;
    if (found) {
      return Status::rejected("topology " + model::quote(topology) + " is locked by task " +
                              model::quote(holder.column_text(0)) + ", which is " + holder.column_text(1) +
                              ": a topology takes one task at a time until it is CREATED or FAILED");
    }
    Statement insert;
    s = db_->prepare(
        "INSERT INTO tasks (id, kind, topology, state, created_ms, updated_ms) VALUES (?1, ?2, ?3, "
        "'PENDING', ?4, ?4)",
        &insert);
    if (!s.ok()) return s;
    insert.bind_text(1, id).bind_text(2, kind).bind_text(3, topology).bind_int(4, to_millis(now));
    return insert.run();
  });
}

Status TaskStore::advance(std::string_view id, TaskState to, Time now, std::string_view message) {
  return db_->transaction([&]() -> Status {
    bool found = false;
    TaskState from = TaskState::kPending;
    Status s = read_state(db_, id, &found, &from);
    if (!s.ok()) return s;
    if (!found) return no_task(id);
    if (!allowed(from, to)) {
      return Status::rejected("task " + model::quote(id) + " cannot go from " + task_state_name(from) +
                              " to " + task_state_name(to) +
                              ": a task goes PENDING -> IN_PROGRESS -> CREATED or FAILED");
    }
    Statement update;
    s = db_->prepare("UPDATE tasks SET state = ?2, message = ?3, updated_ms = ?4 WHERE id = ?1", &update);
    if (!s.ok()) return s;
    update.bind_text(1, id)
        .bind_text(2, task_state_name(to))
        .bind_text(3, message)
        .bind_int(4, to_millis(now));
    return update.run();
  });
}

Status TaskStore::record_step(std::string_view id, std::string_view step, StepState state, Time now,
                              std::string_view message) {
  if (step.empty()) return Status::rejected("a step of task " + model::quote(id) + " needs a name");
  return db_->transaction([&]() -> Status {
    bool found = false;
    TaskState task_state = TaskState::kPending;
    Status s = read_state(db_, id, &found, &task_state);
    if (!s.ok()) return s;
    if (!found) return no_task(id);
    if (task_state != TaskState::kInProgress) {
      return Status::rejected("task " + model::quote(id) + " is " + task_state_name(task_state) +
                              ": steps are recorded only while it is IN_PROGRESS");
    }
    Statement insert;
    s = db_->prepare(
        "INSERT INTO task_steps (task_id, seq, name, state, message, at_ms)"
        " VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM task_steps WHERE task_id = ?1), ?2, ?3, ?4, ?5)",
        &insert);
    if (!s.ok()) return s;
    insert.bind_text(1, id).bind_text(2, step).bind_text(3, step_state_name(state)).bind_text(4, message);
    insert.bind_int(5, to_millis(now));
    return insert.run();
  });
}

Status TaskStore::load(std::string_view where, std::string_view arg, std::vector<Task>* out) {
  std::vector<Task> tasks;
  const std::string condition(where);
  Status s = db_->transaction([&]() -> Status {  // one snapshot for tasks and steps
    Statement read;
    Status s =
        db_->prepare("SELECT id, kind, topology, state, message, created_ms, updated_ms FROM tasks t WHERE " +
                         condition + " ORDER BY created_ms, id",
                     &read);
    if (!s.ok()) return s;
    if (!arg.empty()) read.bind_text(1, arg);
    std::map<std::string, std::size_t> index;  // task id -> position in `tasks`
    for (bool row = true;;) {
      s = read.step(&row);
      if (!s.ok()) return s;
      if (!row) break;
      Task task;
      task.id = read.column_text(0);
      task.kind = read.column_text(1);
      task.topology = read.column_text(2);
      task.state = task_state_from_text(read.column_text(3));
      task.message = read.column_text(4);
      task.created = from_millis(read.column_int(5));
      task.updated = from_millis(read.column_int(6));
      index.emplace(task.id, tasks.size());
      tasks.push_back(std::move(task));
    }
    Statement steps;
    s = db_->prepare(
        "SELECT s.task_id, s.name, s.state, s.message, s.at_ms FROM task_steps s JOIN tasks t ON t.id = "
        "s.task_id"
        " WHERE " +
            condition + " ORDER BY s.task_id, s.seq",
        &steps);
    if (!s.ok()) return s;
    if (!arg.empty()) steps.bind_text(1, arg);
    for (bool row = true;;) {
      s = steps.step(&row);
      if (!s.ok()) return s;
      if (!row) break;
      const auto task = index.find(steps.column_text(0));
      if (task == index.end()) continue;  // cannot happen: the same condition
      tasks[task->second].steps.push_back(TaskStep{steps.column_text(1),
                                                   step_state_from_text(steps.column_text(2)),
                                                   steps.column_text(3), from_millis(steps.column_int(4))});
    }
    return Status::success();
  });
  if (s.ok()) *out = std::move(tasks);
  return s;
}

Status TaskStore::get(std::string_view id, Task* out) {
  std::vector<Task> found;
  Status s = load("t.id = ?1", id, &found);
  if (!s.ok()) return s;
  if (found.empty()) return no_task(id);
  *out = std::move(found.front());
  return Status::success();
}

Status TaskStore::list(std::optional<TaskState> state, std::vector<Task>* out) {
  if (!state) return load("1", "", out);
  return load("t.state = ?1", task_state_name(*state), out);
}

Status TaskStore::unfinished(std::vector<Task>* out) {
  return load("t.state IN ('PENDING', 'IN_PROGRESS')", "", out);
}

}  // namespace c12s::store
