// The scheduler: takes the tasks the state service hands over (IdempotencyCheck, as `sched`),
// queues them by their file's `metadata: queue` (thesis 5.2.3), and when a queue's token bucket
// lets one through (listing 5.5), runs its formation (Formation, started as `sched`).
//
// A task is stored in the scheduler's database when it arrives, before anything else, and
// removed once its Formation session has ended (either way): a scheduler killed and restarted
// forms what it had taken. Tasks leave each queue in arrival order; a queue the scheduler does
// not know is served as `default`, with a warning in the log. One worker runs formations one
// at a time.
//
// Not here: queue configuration from a file (SchedulerOptions gives the queues), retries of a
// failed formation (the user mutates again), workers per queue (listing 5.5's maxWorkers).
#include <deque>
#include <mutex>
#include <thread>

#include <formation/sched.h>
#include <idempotency_check/sched.h>
#include <task_log/reporter.h>

#include "c12s/model/token_bucket.h"
#include "c12s/services/convert.h"
#include "c12s/services/services.h"
#include "gtype/gen/support.h"
#include "serving.h"

namespace c12s::services {
namespace {

namespace rt = gtype::rt;
namespace ic = gtype_gen::idempotency_check::sched;
namespace fm = gtype_gen::formation::sched;
namespace tl = gtype_gen::task_log::reporter;

constexpr std::string_view kSchema =
    "CREATE TABLE queued (seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, "
    "task TEXT NOT NULL, spec BLOB NOT NULL)";

struct Queued {
  std::int64_t seq = 0;
  sorts::ScheduleSpec spec;
};

struct Scheduler {
  std::mutex mutex;
  std::unique_ptr<store::Database> db;
  std::map<std::string, std::deque<Queued>> queues;  // by name; "default" always there
  std::map<std::string, model::TokenBucket> buckets;
};

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

class TakeTasks final : public ic::Handler {
 public:
  TakeTasks(Scheduler& scheduler, ic::Role& role) : scheduler_(scheduler), role_(role) {}
  void on_ids(rt::SessionId session, const sorts::ScheduleSpec& spec) override {
    std::lock_guard lock(scheduler_.mutex);
    std::string queue = spec.spec.meta.queue.empty() ? "default" : spec.spec.meta.queue;
    if (!scheduler_.queues.count(queue)) queue = "default";
    store::Statement insert;
    store::Status s = scheduler_.db->prepare(
        "INSERT INTO queued (queue, task, spec) VALUES (?1, ?2, ?3) RETURNING seq", &insert);
    bool row = false;
    if (s.ok()) {
      s = insert.bind_text(1, queue)
              .bind_text(2, spec.task.id)
              .bind_blob(3, gtype::gen::pack_payload(spec))
              .step(&row);
    }
    if (!s.ok() || !row) {
      return role_.endpoint().abandon(session,
                                      "cannot queue the task: " + (s.ok() ? "no row" : s.to_string()));
    }
    const std::int64_t seq = insert.column_int(0);
    if (s = insert.run(); !s.ok())
      return role_.endpoint().abandon(session, "cannot queue the task: " + s.to_string());
    scheduler_.queues[queue].push_back(Queued{seq, spec});
  }

 private:
  Scheduler& scheduler_;
  ic::Role& role_;
};

// Runs one formation; the state service and the log hear its outcome through Formation itself.
void form(const system::SystemMap& map, fm::Role& role, const Queued& task) {
  rt::Result<fm::S0> s0 = role.start();
  std::string problem;
  if (!s0.ok()) {
    problem = s0.error().message;
  } else if (rt::Result<fm::S1> s1 = std::move(*s0).connect_update(formation_of(task.spec)); !s1.ok()) {
    problem = s1.error().message;
  } else if (rt::Result<fm::S1::Branch> outcome = std::move(*s1).receive(std::chrono::seconds(60));
             !outcome.ok()) {
    problem = outcome.error().message;
  }
  if (!problem.empty()) log_task(map, task.spec.task.id, "error", "formation could not run: " + problem);
}

rt::Status work(Scheduler& scheduler, const system::SystemMap& map, const std::atomic<bool>& stop) {
  rt::EndpointOptions options;
  options.connect_timeout = std::chrono::seconds(5);
  rt::Result<fm::Role> role = fm::Role::bind("tcp://127.0.0.1:0", map.directory("Formation"), options);
  if (!role.ok()) return role.error();
  while (!stop.load()) {
    std::optional<Queued> next;
    {
      std::lock_guard lock(scheduler.mutex);
      const model::Instant now = std::chrono::steady_clock::now();
      for (auto& [name, queue] : scheduler.queues) {
        if (queue.empty() || !scheduler.buckets.at(name).try_take(now)) continue;
        next = std::move(queue.front());
        queue.pop_front();
        break;
      }
    }
    if (!next) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    form(map, *role, *next);
    std::lock_guard lock(scheduler.mutex);
    store::Statement remove;
    store::Status s = scheduler.db->prepare("DELETE FROM queued WHERE seq = ?1", &remove);
    if (s.ok()) s = remove.bind_int(1, next->seq).run();
    if (!s.ok()) return rt::Error{rt::ErrorCode::kConfig, s.to_string()};
  }
  return rt::ok_status();
}

}  // namespace

rt::Status run_scheduler(const system::SystemMap& map, const SchedulerOptions& options,
                         const std::atomic<bool>& stop) {
  Scheduler scheduler;
  if (rt::Status opened = open_store(map, "scheduler", &scheduler.db); !opened.ok()) return opened;
  if (store::Status s = scheduler.db->migrate("scheduler", {kSchema}); !s.ok())
    return rt::Error{rt::ErrorCode::kConfig, s.to_string()};
  const model::Instant start = std::chrono::steady_clock::now();
  for (const auto& [name, bucket] : options.queues) {
    if (std::string problem = model::token_bucket_problem(bucket); !problem.empty())
      return rt::Error{rt::ErrorCode::kConfig, "queue " + name + ": " + problem};
    scheduler.queues[name];
    scheduler.buckets.emplace(name, model::TokenBucket(bucket, start));
  }
  if (!scheduler.queues.count("default"))
    return rt::Error{rt::ErrorCode::kConfig, "there is no 'default' queue"};
  // What was queued before a restart, in arrival order.
  store::Statement pending;
  store::Status s = scheduler.db->prepare("SELECT seq, queue, spec FROM queued ORDER BY seq", &pending);
  for (bool row = false; s.ok() && (s = pending.step(&row)).ok() && row;) {
    auto spec = gtype::gen::unpack_payload<sorts::ScheduleSpec>(pending.column_blob(2));
    if (!spec) return rt::Error{rt::ErrorCode::kConfig, "a queued task does not read back"};
    std::string queue = pending.column_text(1);
    if (!scheduler.queues.count(queue)) queue = "default";
    scheduler.queues[queue].push_back(Queued{pending.column_int(0), std::get<0>(*spec)});
  }
  if (!s.ok()) return rt::Error{rt::ErrorCode::kConfig, s.to_string()};

  system::Host host;
  Served served;
  rt::Status bound = served.add<ic::Role, ic::Handler>(
      host, map, "IdempotencyCheck", "sched",
      [&](ic::Role& role) { return std::make_unique<TakeTasks>(scheduler, role); });
  if (!bound.ok()) return bound;
  host.add("worker", [&](const std::atomic<bool>& s) { return work(scheduler, map, s); });
  return host.run(stop);
}

}  // namespace c12s::services
