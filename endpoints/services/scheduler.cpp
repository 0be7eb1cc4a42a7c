// The scheduler: takes the next task the queue service lets through (Dequeue: FIFO queues
// with token buckets, listing 5.5) and runs its formation (Formation, started as `sched`), one
// at a time; then tells the queue it is done with it, which removes it. A scheduler that dies
// mid-formation leaves the task in the queue (the Dequeue session fails, and the queue puts it
// back at the head): it is formed again, which is safe, since a formation of the same task
// takes the same nodes into the same clusters. When no task is ready it asks again after
// SchedulerOptions::poll.
//
// Not here: retries of a failed formation (the user mutates again), several workers (listing
// 5.5's maxWorkers).
#include <thread>

#include <dequeue/scheduler.h>
#include <formation/sched.h>
#include <task_log/reporter.h>

#include "c12s/services/convert.h"
#include "c12s/services/services.h"
#include "serving.h"

namespace c12s::services {
namespace {

namespace rt = gtype::rt;
namespace dq = gtype_gen::dequeue::scheduler;
namespace fm = gtype_gen::formation::sched;
namespace tl = gtype_gen::task_log::reporter;

// One LogRecord through a TaskLog session (the scheduler's own reporter).
void log_task(const system::SystemMap& map, const std::string& task, const std::string& level,
              const std::string& message) {
  static thread_local std::unique_ptr<tl::Role> role;
  if (!role) {
    rt::Result<tl::Role> bound = tl::Role::bind("tcp://127.0.0.1:0", map.directory("TaskLog"));
    if (!bound.ok()) return;
    role = std::make_unique<tl::Role>(std::move(*bound));
  }
  rt::Result<tl::S0> s0 = role->start();
  if (!s0.ok()) return;
  rt::Result<tl::S1> s1 = std::move(*s0).connect_record(
      sorts::LogRecord{task, store::to_millis(now_millis()), level, {{"service", "scheduler"}}, message});
  if (!s1.ok()) return;
  (void)std::move(*s1).receive();
}

// The formation messages of a task: every node of the topology, with its place, its labels,
// and its cluster's members as gossip peers (Algorithm 4). A node keeps its id.
sorts::FormationUpdate formation_of(const sorts::ScheduleSpec& spec) {
  sorts::FormationUpdate update;
  update.task = spec.task;
  for (const sorts::RegionSpec& region : spec.spec.regions) {
    for (const sorts::ClusterSpec& cluster : region.clusters) {
      std::vector<std::string> members;
      for (const sorts::NodeSpec& node : cluster.nodes) members.push_back(node.id);
      for (const sorts::NodeSpec& node : cluster.nodes) {
        // The members' addresses are the push service's to fill in: it asks the nodes service.
        update.formations.push_back(sorts::NodeFormation{
            node.id, node.id, node.name.empty() ? node.id : node.name, node.labels, spec.spec.name,
            region.name, cluster.name, members, std::map<std::string, std::string>()});
      }
    }
  }
  return update;
}

// Runs one formation; the state service and the log hear its outcome through Formation itself.
void form(const system::SystemMap& map, fm::Role& role, const sorts::ScheduleSpec& task) {
  rt::Result<fm::S0> s0 = role.start();
  std::string problem;
  if (!s0.ok()) {
    problem = s0.error().message;
  } else if (rt::Result<fm::S1> s1 = std::move(*s0).connect_update(formation_of(task)); !s1.ok()) {
    problem = s1.error().message;
  } else if (rt::Result<fm::S1::Branch> outcome = std::move(*s1).receive(std::chrono::seconds(60));
             !outcome.ok()) {
    problem = outcome.error().message;
  }
  if (!problem.empty()) log_task(map, task.task.id, "error", "formation could not run: " + problem);
}

}  // namespace

rt::Status run_scheduler(const system::SystemMap& map, const SchedulerOptions& options,
                         const std::atomic<bool>& stop) {
  rt::EndpointOptions endpoint;
  endpoint.connect_timeout = endpoint.receive_timeout = std::chrono::seconds(5);
  rt::Result<fm::Role> formations = fm::Role::bind("tcp://127.0.0.1:0", map.directory("Formation"), endpoint);
  if (!formations.ok()) return formations.error();
  rt::Result<dq::Role> queue = dq::Role::bind("tcp://127.0.0.1:0", map.directory("Dequeue"), endpoint);
  if (!queue.ok()) return queue.error();
  while (!stop.load()) {
    bool formed = false;
    if (rt::Result<dq::S0> s0 = queue->start(); s0.ok()) {
      if (rt::Result<dq::S1> s1 = std::move(*s0).connect_next(); s1.ok()) {
        if (rt::Result<dq::S1::Branch> next = std::move(*s1).receive(); next.ok()) {
          if (auto* task = std::get_if<dq::S1::Task>(&*next)) {
            form(map, *formations, task->value);
            (void)std::move(task->next).send_done(task->value.task);
            formed = true;
          }
        }
      }
    }
    // A queue that is down fails the session: the scheduler waits as when none is ready.
    for (auto waited = std::chrono::milliseconds(0); !formed && !stop.load() && waited < options.poll;
         waited += std::chrono::milliseconds(20)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  return rt::ok_status();
}

}  // namespace c12s::services
