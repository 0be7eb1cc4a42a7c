// TaskStore: ids, the task states and their only transitions, the semantic lock per
// topology, step records of a compensated failure, listing and recovery queries.
#include "c12s/store/task_store.h"

#include <gtest/gtest.h>

#include <set>

#include "store_test.h"

namespace c12s::store {
namespace {

using testing::IsOk;
using testing::TempDir;

Time at(std::int64_t millis) { return from_millis(millis); }

bool is_task_id(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(TaskIdGenerator, GivesThirtyTwoHexDigitsTheSameForTheSameSeed) {
  TaskIdGenerator a(42);
  TaskIdGenerator b(42);
  TaskIdGenerator c(43);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string id = a.next();
    EXPECT_TRUE(is_task_id(id)) << id;
    EXPECT_EQ(b.next(), id);
    EXPECT_NE(c.next(), id);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
  // std::mt19937_64's output is fixed by the standard; for its default seed 5489 the first
  // output is 14514284786278117030 = 0xc96d191cf6f6aea6, which leads the first id.
  EXPECT_EQ(TaskIdGenerator(5489).next(), "c96d191cf6f6aea6401f7ac78bc80f1c");
  const std::string random = TaskIdGenerator::from_entropy().next();
  EXPECT_TRUE(is_task_id(random)) << random;
}

class TaskStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::open_database(dir_.file("tasks.db"));
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(IsOk(TaskStore::open(db_.get(), &tasks_)));
  }

  Task task(const std::string& id) {
    Task out;
    EXPECT_TRUE(IsOk(tasks_->get(id, &out)));
    return out;
  }

  std::vector<std::string> ids(const std::vector<Task>& list) {
    std::vector<std::string> out;
    for (const Task& t : list) out.push_back(t.id);
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<TaskStore> tasks_;
};

TEST_F(TaskStoreTest, CreateStoresAPendingTask) {
  ASSERT_TRUE(IsOk(tasks_->create("t1", "mutate", "T", at(100))));
  const Task t1 = task("t1");
  EXPECT_EQ(t1, (Task{"t1", "mutate", "T", TaskState::kPending, "", at(100), at(100), {}}));
}

TEST_F(TaskStoreTest, CreateRejectsBadOrTakenIds) {
  ASSERT_TRUE(IsOk(tasks_->create("t1", "mutate", "T", at(0))));
  ASSERT_TRUE(IsOk(tasks_->advance("t1", TaskState::kInProgress, at(1))));
  ASSERT_TRUE(IsOk(tasks_->advance("t1", TaskState::kCreated, at(2))));
  EXPECT_EQ(tasks_->create("t1", "mutate", "U", at(3)).message(), "task id 't1' is taken");
  EXPECT_EQ(tasks_->create("", "mutate", "U", at(3)).message(),
            "task id '' is not a name of letters, digits, '_' and '-'");
  EXPECT_EQ(tasks_->create("t2", "mu tate", "U", at(3)).message(),
            "task kind 'mu tate' is not a name of letters, digits, '_' and '-'");
  EXPECT_EQ(tasks_->create("t2", "mutate", "U/V", at(3)).message(),
            "topology name 'U/V' is not a name of letters, digits, '_' and '-'");
  std::vector<Task> all;
  ASSERT_TRUE(IsOk(tasks_->list(std::nullopt, &all)));
  EXPECT_EQ(ids(all), (std::vector<std::string>{"t1"}));
}

TEST_F(TaskStoreTest, OnlyTheSagaTransitionsAreAllowed) {
  const TaskState states[] = {TaskState::kPending, TaskState::kInProgress, TaskState::kCreated,
                              TaskState::kFailed};
  const std::set<std::pair<TaskState, TaskState>> allowed = {{TaskState::kPending, TaskState::kInProgress},
                                                             {TaskState::kInProgress, TaskState::kCreated},
                                                             {TaskState::kInProgress, TaskState::kFailed}};
  // Paths from PENDING to each state, to put a fresh task there.
  const std::map<TaskState, std::vector<TaskState>> reach = {
      {TaskState::kPending, {}},
      {TaskState::kInProgress, {TaskState::kInProgress}},
      {TaskState::kCreated, {TaskState::kInProgress, TaskState::kCreated}},
      {TaskState::kFailed, {TaskState::kInProgress, TaskState::kFailed}}};
  int n = 0;
  for (const TaskState from : states) {
    for (const TaskState to : states) {
      const std::string id = testing::numbered("t", n++);
      ASSERT_TRUE(IsOk(tasks_->create(id, "mutate", id, at(0))));
      for (const TaskState step : reach.at(from)) ASSERT_TRUE(IsOk(tasks_->advance(id, step, at(1))));
      const Status s = tasks_->advance(id, to, at(2), "why");
      if (allowed.count({from, to})) {
        EXPECT_TRUE(IsOk(s));
        EXPECT_EQ(task(id).state, to);
        EXPECT_EQ(task(id).message, "why");
        EXPECT_EQ(task(id).updated, at(2));
      } else {
        EXPECT_EQ(s.code(), gtype::StatusCode::kRejected);
        EXPECT_EQ(s.message(), "task '" + id + "' cannot go from " + task_state_name(from) + " to " +
                                   task_state_name(to) +
                                   ": a task goes PENDING -> IN_PROGRESS -> CREATED or FAILED");
        EXPECT_EQ(task(id).state, from);
      }
    }
  }
  const Status s = tasks_->advance("ghost", TaskState::kInProgress, at(0));
  EXPECT_TRUE(s.is_not_found());
  EXPECT_EQ(s.message(), "no task 'ghost' is stored");
}

TEST_F(TaskStoreTest, ATopologyTakesOneUnfinishedTaskAtATime) {
  ASSERT_TRUE(IsOk(tasks_->create("t1", "mutate", "T", at(0))));
  ASSERT_TRUE(IsOk(tasks_->create("u1", "mutate", "U", at(0))));  // another topology
  EXPECT_EQ(
      tasks_->create("t2", "mutate", "T", at(1)).message(),
      "topology 'T' is locked by task 't1', which is PENDING: a topology takes one task at a time until it "
      "is CREATED or FAILED");
  ASSERT_TRUE(IsOk(tasks_->advance("t1", TaskState::kInProgress, at(2))));
  EXPECT_EQ(
      tasks_->create("t2", "remove", "T", at(3)).message(),
      "topology 'T' is locked by task 't1', which is IN_PROGRESS: a topology takes one task at a time until "
      "it is CREATED or FAILED");
  ASSERT_TRUE(IsOk(tasks_->advance("t1", TaskState::kFailed, at(4))));
  EXPECT_TRUE(IsOk(tasks_->create("t2", "mutate", "T", at(5))));
}

TEST_F(TaskStoreTest, AFailedTaskShowsItsStepsAndWhatWasCompensated) {
  ASSERT_TRUE(IsOk(tasks_->create("t1", "mutate", "T", at(0))));
  EXPECT_EQ(tasks_->record_step("t1", "reserve nodes", StepState::kStarted, at(1)).message(),
            "task 't1' is PENDING: steps are recorded only while it is IN_PROGRESS");
  ASSERT_TRUE(IsOk(tasks_->advance("t1", TaskState::kInProgress, at(1))));
  ASSERT_TRUE(IsOk(tasks_->record_step("t1", "reserve nodes", StepState::kStarted, at(2))));
  ASSERT_TRUE(IsOk(tasks_->record_step("t1", "reserve nodes", StepState::kDone, at(3), "m1, m2")));
  ASSERT_TRUE(IsOk(tasks_->record_step("t1", "write state", StepState::kFailed, at(4), "disk full")));
  ASSERT_TRUE(
      IsOk(tasks_->record_step("t1", "reserve nodes", StepState::kCompensated, at(5), "released m1, m2")));
  ASSERT_TRUE(IsOk(tasks_->advance("t1", TaskState::kFailed, at(6), "write state failed: disk full")));
  EXPECT_EQ(task("t1").steps,
            (std::vector<TaskStep>{{"reserve nodes", StepState::kStarted, "", at(2)},
                                   {"reserve nodes", StepState::kDone, "m1, m2", at(3)},
                                   {"write state", StepState::kFailed, "disk full", at(4)},
                                   {"reserve nodes", StepState::kCompensated, "released m1, m2", at(5)}}));
  EXPECT_EQ(task("t1").message, "write state failed: disk full");
  EXPECT_EQ(tasks_->record_step("t1", "late", StepState::kDone, at(7)).message(),
            "task 't1' is FAILED: steps are recorded only while it is IN_PROGRESS");
  EXPECT_EQ(tasks_->record_step("t1", "", StepState::kDone, at(7)).message(),
            "a step of task 't1' needs a name");
  const Status s = tasks_->record_step("ghost", "x", StepState::kDone, at(7));
  EXPECT_TRUE(s.is_not_found());
  EXPECT_EQ(s.message(), "no task 'ghost' is stored");
}

TEST_F(TaskStoreTest, ListAndUnfinishedAreOldestFirst) {
  ASSERT_TRUE(IsOk(tasks_->create("b", "mutate", "T1", at(10))));
  ASSERT_TRUE(IsOk(tasks_->create("a", "mutate", "T2", at(10))));  // same time: by id
  ASSERT_TRUE(IsOk(tasks_->create("c", "mutate", "T3", at(5))));
  ASSERT_TRUE(IsOk(tasks_->create("d", "mutate", "T4", at(20))));
  ASSERT_TRUE(IsOk(tasks_->advance("a", TaskState::kInProgress, at(30))));
  ASSERT_TRUE(IsOk(tasks_->advance("c", TaskState::kInProgress, at(30))));
  ASSERT_TRUE(IsOk(tasks_->record_step("c", "reserve nodes", StepState::kStarted, at(31))));
  ASSERT_TRUE(IsOk(tasks_->advance("c", TaskState::kCreated, at(32))));
  std::vector<Task> list;
  ASSERT_TRUE(IsOk(tasks_->list(std::nullopt, &list)));
  EXPECT_EQ(ids(list), (std::vector<std::string>{"c", "a", "b", "d"}));
  EXPECT_EQ(list[0].steps.size(), 1u);
  ASSERT_TRUE(IsOk(tasks_->list(TaskState::kPending, &list)));
  EXPECT_EQ(ids(list), (std::vector<std::string>{"b", "d"}));
  ASSERT_TRUE(IsOk(tasks_->list(TaskState::kFailed, &list)));
  EXPECT_TRUE(list.empty());
  ASSERT_TRUE(IsOk(tasks_->unfinished(&list)));
  EXPECT_EQ(ids(list), (std::vector<std::string>{"a", "b", "d"}));
  Task out;
  EXPECT_TRUE(tasks_->get("nope", &out).is_not_found());
}

TEST(TaskStateName, NamesEachState) {
  EXPECT_STREQ(task_state_name(TaskState::kPending), "PENDING");
  EXPECT_STREQ(task_state_name(TaskState::kInProgress), "IN_PROGRESS");
  EXPECT_STREQ(task_state_name(TaskState::kCreated), "CREATED");
  EXPECT_STREQ(task_state_name(TaskState::kFailed), "FAILED");
  EXPECT_STREQ(step_state_name(StepState::kStarted), "started");
  EXPECT_STREQ(step_state_name(StepState::kDone), "done");
  EXPECT_STREQ(step_state_name(StepState::kFailed), "failed");
  EXPECT_STREQ(step_state_name(StepState::kCompensated), "compensated");
}

}  // namespace
}  // namespace c12s::store
