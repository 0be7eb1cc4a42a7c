// The scheduler: takes the next task the queue service lets through (Dequeue: FIFO queues
// with token buckets, listing 5.5) and runs its formation (Formation, started as `sched`), one
// at a time; then tells the queue it is done with it, which removes it. A scheduler that dies
// mid-formation leaves the task in the queue (the Dequeue session fails, and the queue puts it
// back at the head), and so does a formation whose session failed before its outcome (a
// service of it died), up to kAttempts times: it is formed again, which is safe, since a
// formation of the same task takes the same nodes into the same clusters, and the nodes
// service refuses one whose reservation was released. When no task is ready it asks again
// after SchedulerOptions::poll.
//
// Not here: retries of a failed formation (the user mutates again), several workers (listing
// 5.5's maxWorkers).
#include <map>
#include <thread>

#include <dequeue/scheduler.h>
#include <formation/sched.h>

#include "c12s/model/topology.h"
#include "c12s/services/convert.h"
#include "c12s/services/services.h"
#include "reporter.h"
#include "serving.h"

namespace c12s::services {
namespace {

namespace rt = gtype::rt;
namespace dq = gtype_gen::dequeue::scheduler;
namespace fm = gtype_gen::formation::sched;

// The formation messages of a task: every node of the topology, with its place, its labels (its
// own, else the nearest above: model::effective_labels),
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
            node.id, node.id, node.name.empty() ? node.id : node.name,
            model::effective_labels(spec.spec, region, cluster, node), spec.spec.name, region.name,
            cluster.name, members, std::map<std::string, std::string>(), std::nullopt});
      }
    }
  }
  return update;
}

// Runs one formation; the state service and the log hear its outcome through Formation itself.
// True when the push service gave an outcome (ok or err); false when the session failed first.
bool form(Reporter& reporter, fm::Role& role, const sorts::ScheduleSpec& task) {
  gtype::Result<fm::Start> start = role.start();
  std::string problem;
  if (!start.ok()) {
    problem = start.error().message();
  } else if (gtype::Result<fm::AfterUpdate> sent = std::move(*start).connect_update(formation_of(task));
             !sent.ok()) {
    problem = sent.error().message();
  } else if (gtype::Result<fm::AfterUpdate::Branch> outcome =
                 std::move(*sent).receive(std::chrono::seconds(30));
             !outcome.ok()) {
    problem = outcome.error().message();
  }
  if (problem.empty()) return true;
  // Best effort: the log may be what is down.
  (void)reporter.record(task.task.id, "error", {{"service", "scheduler"}},
                        "formation could not run: " + problem);
  return false;
}

// A formation that got no outcome is tried again, as a task whose scheduler died is: the
// task goes back to the head of its queue. After kAttempts the scheduler lets it go, and the
// state service's recovery settles it (docs/control-plane.md, Recovery).
constexpr int kAttempts = 3;

}  // namespace

gtype::Status run_scheduler(const system::SystemMap& map, const system::Network& network,
                            const SchedulerOptions& options, const std::atomic<bool>& stop) {
  rt::EndpointOptions endpoint;
  endpoint.connect_timeout = endpoint.receive_timeout = std::chrono::seconds(5);
  gtype::Result<fm::Role> formations =
      network.bind<fm::Role>("Formation", 0, map.directory("Formation"), endpoint);
  if (!formations.ok()) return formations.error();
  gtype::Result<dq::Role> queue = network.bind<dq::Role>("Dequeue", 0, map.directory("Dequeue"), endpoint);
  if (!queue.ok()) return queue.error();
  Reporter reporter(network, map.directory("TaskLog"));
  std::map<std::string, int> attempts;  // formations of a task that got no outcome
  while (!stop.load()) {
    bool formed = false;
    if (gtype::Result<dq::Start> start = queue->start(); start.ok()) {
      if (gtype::Result<dq::AfterNext> asked = std::move(*start).connect_next(); asked.ok()) {
        if (gtype::Result<dq::AfterNext::Branch> next = std::move(*asked).receive(); next.ok()) {
          if (auto* task = std::get_if<dq::AfterNext::Task>(&*next)) {
            const std::string id = task->value.task.id;
            if (form(reporter, *formations, task->value) || ++attempts[id] >= kAttempts) {
              attempts.erase(id);
              (void)std::move(task->next).send_done(task->value.task);
              formed = true;
            }
            // Otherwise the Dequeue session is dropped unfinished: the queue takes the task back.
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
  return gtype::Status();
}

}  // namespace c12s::services
