// The queue service (thesis 5.2.3, listing 5.5): FIFO queues of mutation tasks, each let out
// at the pace of its token bucket. It takes the tasks the state service hands over
// (IdempotencyCheck, as `sched`: the thesis's G3 gives them to the scheduler, which here reads
// them from the queue) and gives the scheduler the next one a bucket lets through (Dequeue).
//
// A task is stored in the queue's database when it arrives, and removed only when the
// scheduler says it ran the task's formation (`done`): a queue killed and restarted has every
// task it took, and a task whose Dequeue session fails (the scheduler died) goes back to the
// head of its queue. A queue the service does not know is served as `default`. Queues are
// served in name order, each oldest first.
//
// Not here: listing 5.5's retry, maxWorkers and namespace (read and checked by the model, not
// acted on).
#include <deque>
#include <mutex>
#include <optional>

#include <dequeue/queue.h>
#include <idempotency_check/sched.h>

#include "c12s/model/token_bucket.h"
#include "c12s/services/convert.h"
#include "c12s/services/services.h"
#include "gtype/gen/support.h"
#include "serving.h"

namespace c12s::services {
namespace {

namespace rt = gtype::rt;
namespace ic = gtype_gen::idempotency_check::sched;
namespace dq = gtype_gen::dequeue::queue;

constexpr std::string_view kSchema =
    "CREATE TABLE queued (seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, "
    "task TEXT NOT NULL, spec BLOB NOT NULL)";

struct Queued {
  std::int64_t seq = 0;
  std::string queue;
  sorts::ScheduleSpec spec;
};

// What both served roles share, each from its serve thread.
struct Queues {
  std::mutex mutex;
  std::unique_ptr<store::Database> db;
  std::map<std::string, std::deque<Queued>> waiting;  // by queue name; "default" always there
  std::map<std::string, model::TokenBucket> buckets;
};

// One IdempotencyCheck session, as `sched`: a task to queue.
class TakeTask final : public ic::Handler {
 public:
  explicit TakeTask(Queues& queues) : queues_(queues) {}
  void on_ids(const sorts::ScheduleSpec& spec) override {
    std::lock_guard lock(queues_.mutex);
    std::string queue = spec.spec.meta.queue;
    if (!queues_.waiting.count(queue)) queue = "default";
    store::Statement insert;
    gtype::Status s = queues_.db->prepare(
        "INSERT INTO queued (queue, task, spec) VALUES (?1, ?2, ?3) RETURNING seq", &insert);
    bool row = false;
    if (s.ok()) {
      s = insert.bind_text(1, queue)
              .bind_text(2, spec.task.id)
              .bind_blob(3, gtype::gen::pack_payload(spec))
              .step(&row);
    }
    if (s.ok() && !row) s = gtype::Status::storage("the queue gave no sequence number");
    if (!s.ok()) return fail("cannot queue the task: " + s.to_string());
    const std::int64_t seq = insert.column_int(0);
    if (s = insert.run(); !s.ok()) return fail("cannot queue the task: " + s.to_string());
    queues_.waiting[queue].push_back(Queued{seq, queue, spec});
  }

 private:
  Queues& queues_;
};

// One Dequeue session, as `queue`: the task it handed to the scheduler, until done.
class GiveTask final : public dq::Handler {
 public:
  explicit GiveTask(Queues& queues) : queues_(queues) {}
  void on_next() override {}
  gtype::Result<dq::AfterNext::Choice> choose_task_or_none() override {
    std::lock_guard lock(queues_.mutex);
    const model::Instant now = std::chrono::steady_clock::now();
    for (auto& [name, queue] : queues_.waiting) {
      // waiting and buckets have the same keys (run_queue): at() cannot throw.
      if (queue.empty() || !queues_.buckets.at(name).try_take(now)) continue;
      given_ = std::move(queue.front());
      queue.pop_front();
      return dq::AfterNext::Choice(dq::AfterNext::Task{given_->spec});
    }
    return dq::AfterNext::Choice(dq::AfterNext::None{});
  }
  void on_done(const sorts::TaskId&) override {
    std::lock_guard lock(queues_.mutex);
    store::Statement remove;
    gtype::Status s = queues_.db->prepare("DELETE FROM queued WHERE seq = ?1", &remove);
    if (s.ok()) s = remove.bind_int(1, given_->seq).run();
    if (!s.ok()) system::log_error("cannot remove a done task: " + s.to_string());
    given_.reset();
  }
  // The scheduler did not say it was done: the task waits again, first of its queue.
  void failed(const gtype::Status&) override {
    if (!given_) return;
    std::lock_guard lock(queues_.mutex);
    queues_.waiting[given_->queue].push_front(std::move(*given_));
  }

 private:
  Queues& queues_;
  std::optional<Queued> given_;  // handed to the scheduler, not yet done
};

}  // namespace

gtype::Status run_queue(const system::SystemMap& map, const system::Network& network,
                        const QueueOptions& options, const std::atomic<bool>& stop) {
  Queues queues;
  if (gtype::Status opened = open_store(map, "queue", &queues.db); !opened.ok()) return opened;
  if (gtype::Status s = queues.db->migrate("queue", {kSchema}); !s.ok()) return s;
  const model::Instant start = std::chrono::steady_clock::now();
  for (const auto& [name, bucket] : options.queues) {
    if (std::string problem = model::token_bucket_problem(bucket); !problem.empty())
      return gtype::Status{gtype::StatusCode::kConfig, "queue " + name + ": " + problem};
    queues.waiting[name];
    queues.buckets.emplace(name, model::TokenBucket(bucket, start));
  }
  if (!queues.waiting.count("default"))
    return gtype::Status{gtype::StatusCode::kConfig, "there is no 'default' queue"};
  // What was queued before a restart, in arrival order.
  store::Statement pending;
  gtype::Status s = queues.db->prepare("SELECT seq, queue, spec FROM queued ORDER BY seq", &pending);
  for (bool row = false; s.ok() && (s = pending.step(&row)).ok() && row;) {
    auto spec = gtype::gen::unpack_payload<sorts::ScheduleSpec>(pending.column_blob(2));
    if (!spec) return gtype::Status{gtype::StatusCode::kConfig, "a queued task does not read back"};
    std::string queue = pending.column_text(1);
    if (!queues.waiting.count(queue)) queue = "default";
    queues.waiting[queue].push_back(Queued{pending.column_int(0), queue, std::get<0>(*spec)});
  }
  if (!s.ok()) return s;

  system::Host host;
  Served served;
  served.add<ic::Role>(host, map, network, "IdempotencyCheck", "sched",
                       per_session([&] { return std::make_unique<TakeTask>(queues); }));
  served.add<dq::Role>(host, map, network, "Dequeue", "queue",
                       per_session([&] { return std::make_unique<GiveTask>(queues); }));
  if (!served.status().ok()) return served.status();
  return host.run(stop);
}

}  // namespace c12s::services
