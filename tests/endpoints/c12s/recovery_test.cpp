// The control plane under kills (issue 9, items 7-9), with services started by hand
// (hand_started.h): a task ends CREATED or FAILED within a bound whatever dies; a failed
// re-formation leaves the formed topology formed and listed; `c12s mutate` says "submitted"
// only of a task that is stored and logged.
#include "hand_started.h"

namespace {

using namespace c12s_test;

class Recovery : public HandStarted {
 protected:
  const std::vector<std::string> nodes_{"d1", "d2", "d3", "d4"};

  // Every service and four daemons; topology `t` formed as two clusters of two (two.yaml),
  // and its re-formation as one cluster of four written (one.yaml).
  void form_two_clusters() {
    for (const std::string& name : c12s::system::service_names()) start_service(name);
    for (const std::string& id : nodes_) start_daemon(id);
    std::ofstream(dir_ / "two.yaml") << topology_yaml("t", {{"c1", {"d1", "d2"}}, {"c2", {"d3", "d4"}}});
    std::ofstream(dir_ / "one.yaml") << topology_yaml("t", {{"c", {"d1", "d2", "d3", "d4"}}});
    ASSERT_TRUE(wait_free(nodes_)) << run({"query", "--selector", "os=linux"}).out;
    Output formed = run({"mutate", "-f", "two.yaml"});
    ASSERT_EQ(formed.exit, 0) << formed.out << formed.err;
  }

  // Both list views show `t` as `expected`, every node of it used, no node free, and no node
  // was declared dead on the way.
  void expect_formed(Listed expected) {
    std::map<std::string, std::string> statuses;
    EXPECT_EQ(brief(), (std::map<std::string, Listed>{{"t", expected}}));
    EXPECT_EQ(detail(&statuses), (std::map<std::string, Listed>{{"t", expected}}));
    for (const std::string& id : nodes_) EXPECT_EQ(statuses[id], "used") << id;
    EXPECT_EQ(free_nodes(), std::vector<std::string>{});
    expect_text_views_agree();
    EXPECT_EQ(run({"logs", "list", "--selector", "health=dead"}).out, "");
  }
};

// Item 7: the push service is gone when the re-formation reaches it, for longer than the
// scheduler's connect timeout (5 s). The task used to stay IN_PROGRESS for ever, every node
// reserved; now the scheduler tries again once push is back, or recovery settles the task.
TEST_F(Recovery, AFormationWhosePushServiceIsGoneStillEnds) {
  form_two_clusters();
  kill9("push");
  const std::string task = submit("one.yaml");
  ASSERT_FALSE(task.empty());
  std::this_thread::sleep_for(std::chrono::seconds(7));
  start_service("push");
  // The bound: the scheduler's three attempts, or the task deadline (20 s) and recovery's period.
  const std::string outcome = wait_outcome(task, std::chrono::seconds(45));
  ASSERT_TRUE(outcome == "CREATED" || outcome == "FAILED") << records(task);
  expect_formed(outcome == "CREATED" ? Listed{1, 4} : Listed{2, 4});
}

// Item 7: the push service stays gone: the scheduler lets the task go after its attempts, and
// recovery settles it at its deadline (20 s): FAILED, its reservation released, topology t as
// it was formed.
TEST_F(Recovery, ATaskWhoseFormationCannotRunFailsAtItsDeadline) {
  form_two_clusters();
  kill9("push");
  const std::string task = submit("one.yaml");
  ASSERT_FALSE(task.empty());
  const std::string outcome = wait_outcome(task, std::chrono::seconds(45));
  EXPECT_EQ(outcome, "FAILED") << records(task);
  EXPECT_NE(records(task).find("no outcome within the task deadline"), std::string::npos) << records(task);
  start_service("push");
  expect_formed(Listed{2, 4});
}

// Item 7: the state service is killed while a task of it is PENDING (the user has its ok(), the
// nodes are not reserved yet: the nodes service is gone); restarted, it settles the task at once.
TEST_F(Recovery, APendingTaskOfAKilledStateServiceIsSettledOnRestart) {
  form_two_clusters();
  kill9("nodes");
  Process mutate({"mutate", "-f", "one.yaml", "--no-wait", "--system", system_}, dir_);
  Output submitted;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (submitted.out.find("submitted") == std::string::npos && Clock::now() < deadline)
    mutate.read_some(submitted, std::chrono::milliseconds(50));
  std::smatch task;
  ASSERT_TRUE(std::regex_search(submitted.out, task, std::regex("task ([0-9a-f]{16}): topology t submitted")))
      << submitted.out;
  kill9("state");
  start_service("nodes");
  start_service("state");
  const std::string outcome = wait_outcome(task[1], std::chrono::seconds(30));
  EXPECT_EQ(outcome, "FAILED") << records(task[1]);
  EXPECT_NE(records(task[1]).find("the state service restarted while the task was being submitted"),
            std::string::npos)
      << records(task[1]);
  expect_formed(Listed{2, 4});
}

// Item 7: every service is killed just after a re-formation was submitted, and all are started
// again: the task ends, the views agree, and the running daemons are not declared dead (the
// state service's lease, 6 s, passes meanwhile).
TEST_F(Recovery, AWholeSystemRestartMidFormationLeavesNoTaskUnfinished) {
  form_two_clusters();
  const std::string task = submit("one.yaml");
  ASSERT_FALSE(task.empty());
  for (const std::string& name : c12s::system::service_names()) kill9(name);
  for (const std::string& name : c12s::system::service_names()) start_service(name);
  const std::string outcome = wait_outcome(task, std::chrono::seconds(45));
  ASSERT_TRUE(outcome == "CREATED" || outcome == "FAILED") << records(task);
  std::this_thread::sleep_for(std::chrono::seconds(7));
  expect_formed(outcome == "CREATED" ? Listed{1, 4} : Listed{2, 4});
}

// Item 9: the queue is gone during a re-formation; the task fails, and topology t stays as it
// was formed (it used to leave the desired state: `list` said "no topology").
TEST_F(Recovery, AFailedReformationLeavesTheFormedTopology) {
  form_two_clusters();
  kill9("queue");
  Output failed = run({"mutate", "-f", "one.yaml"});
  EXPECT_EQ(failed.exit, 1) << failed.out << failed.err;
  EXPECT_NE(failed.out.find("failed"), std::string::npos) << failed.out;
  expect_formed(Listed{2, 4});
  // It is still the formed one: the same topology again forms nothing.
  Output again = run({"mutate", "-f", "two.yaml"});
  EXPECT_NE(again.out.find("already exists"), std::string::npos) << again.out << again.err;
}

// Item 8: with the log service down the task cannot be logged, so it is not acknowledged. (The
// command waits longer than the state service's attempt to log, 5 s: it used to get ok() then.)
TEST_F(Recovery, NothingIsSubmittedThatIsNotLogged) {
  for (const char* name : {"nodes", "state", "queue", "scheduler", "push"}) start_service(name);  // no log
  std::ofstream(dir_ / "one.yaml") << topology_yaml("t", {{"c", {"d1"}}});
  Output out;
  EXPECT_EQ(submit("one.yaml", &out, "15000"), "");
  EXPECT_EQ(out.out.find("submitted"), std::string::npos) << out.out;
  EXPECT_EQ(out.exit, 1) << out.out << out.err;
  EXPECT_NE(out.err.find("c12s mutate:"), std::string::npos) << out.err;
}

// Item 8: a mutation of a topology another task holds is refused, not acknowledged (the old
// code sent ok() before it refused, so whether the user saw "submitted" was a race).
TEST_F(Recovery, AMutationOfALockedTopologyIsRefusedNotSubmitted) {
  for (const char* name : {"log", "nodes", "state", "queue"}) start_service(name);  // nothing forms
  for (const std::string& id : nodes_) start_daemon(id);
  std::ofstream(dir_ / "two.yaml") << topology_yaml("t", {{"c1", {"d1", "d2"}}, {"c2", {"d3", "d4"}}});
  std::ofstream(dir_ / "one.yaml") << topology_yaml("t", {{"c", {"d1", "d2", "d3", "d4"}}});
  ASSERT_TRUE(wait_free(nodes_));
  const std::string first = submit("two.yaml");
  ASSERT_FALSE(first.empty());
  Output second;
  EXPECT_EQ(submit("one.yaml", &second), "");
  EXPECT_EQ(second.out.find("submitted"), std::string::npos) << second.out;
  EXPECT_EQ(second.exit, 1);
  EXPECT_NE(second.err.find("task '" + first + "'"), std::string::npos) << second.err;
}

}  // namespace
