// The state service: the desired state of topologies (store/state_store.h), the user's entry
// to queries and lists, and the watcher of formed clusters' nodes. It serves `state` in
// HealthCheck, ClusterFormation, ListDetail, IdempotencyCheck, Formation and Deletion (whose
// sessions deletion.cpp handles, on the State of state_internal.h).
//
// HealthCheck tells it of every used node's health check (`active`); a watcher declares a
// formed node dead when none came within the lease, and alive again when one does, and
// records both in the log (TaskLog). ClusterFormation's query part is a relay: the user's
// selector goes to the nodes service and its answer back. ListDetail's brief list comes from
// the stored topologies; the detailed one asks the nodes service for their nodes' state.
//
// A mutation is an IdempotencyCheck session (`service`, `istorage`, `mstorage` are endpoints of
// this process): its id is the task's id. The task goes PENDING when the topology arrives (and
// the user hears ok() only once that is stored and logged), then CREATED at once when that
// very topology is formed (Algorithm 5; the log says it exists), else IN PROGRESS once the
// nodes are reserved and the desired state staged, and CREATED (the staged state stored) or
// FAILED (it dropped: the topology's formed state stays) when Formation ends. Every change is
// logged (TaskLog). ClusterFormation's mutate branch, which the command does not take (it
// mutates through IdempotencyCheck), is refused with that explanation.
//
// Recovery: a task whose IdempotencyCheck session fails, and any task with no outcome by its
// deadline (StateOptions::task_deadline; at once for a PENDING task of an earlier run), is
// settled with the nodes service (Release): formed if its formation committed there, else
// failed with its reservation released. See docs/control-plane.md, "Recovery".
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <cluster_formation/state.h>
#include <formation/state.h>
#include <health_check/state.h>
#include <idempotency_check/istorage.h>
#include <idempotency_check/mstorage.h>
#include <idempotency_check/service.h>
#include <list_detail/state.h>
#include <release/state.h>

#include "c12s/model/idempotency.h"
#include "c12s/services/convert.h"
#include "c12s/services/services.h"
#include "c12s/store/state_store.h"
#include "c12s/store/task_store.h"
#include "c12s/system/log.h"
#include "reporter.h"
#include "serving.h"
#include "state_internal.h"

namespace c12s::services {
namespace {

namespace rt = gtype::rt;
namespace hc = gtype_gen::health_check::state;
namespace cf = gtype_gen::cluster_formation::state;
namespace ld = gtype_gen::list_detail::state;
namespace svc = gtype_gen::idempotency_check::service;
namespace ist = gtype_gen::idempotency_check::istorage;
namespace mst = gtype_gen::idempotency_check::mstorage;
namespace fm = gtype_gen::formation::state;
namespace rl = gtype_gen::release::state;

class HealthCheckState final : public hc::Handler {
 public:
  explicit HealthCheckState(State& state) : state_(state) {}
  void on_active(const sorts::NodeStatus& node) override {
    std::lock_guard lock(state_.mutex);
    state_.last_active[node.id] = now_millis();
  }

 private:
  State& state_;
};

// Declares formed nodes dead or alive by their health checks; runs on a thread of its own.
gtype::Status watch(State& state, const system::SystemMap& map, const std::atomic<bool>& stop) {
  Reporter reporter(state.network, map.directory("TaskLog"));
  while (!stop.load()) {
    std::vector<std::pair<std::string, bool>> changes;  // node, alive now
    {
      std::lock_guard lock(state.mutex);
      std::vector<store::TopologyDetail> all;
      if (gtype::Status s = state.topologies->list_detail(model::Selector{}, model::MatchMode::kSubset, &all);
          !s.ok())
        return s;
      const store::Time now = now_millis();
      for (const store::TopologyDetail& topology : all) {
        const std::vector<store::FormedNode>& nodes = topology.nodes;
        for (const store::FormedNode& node : nodes) {
          auto seen = state.last_active.find(node.id);
          const store::Time last = seen == state.last_active.end() ? state.started : seen->second;
          const bool alive = now - last < state.options.lease;
          if (alive == !node.dead_since) continue;
          gtype::Status s = alive ? state.topologies->mark_node_alive(node.id)
                                  : state.topologies->mark_node_dead(node.id, now);
          if (!s.ok()) return s;
          changes.emplace_back(node.id, alive);
        }
      }
    }
    for (const auto& [node, alive] : changes) {
      gtype::Status logged = reporter.record(
          "", alive ? "info" : "warning",
          {{"service", "state"}, {"node", node}, {"health", alive ? "alive" : "dead"}},
          "node " + node + (alive ? " is alive again" : " is dead: no health check within its lease"));
      if (!logged.ok()) system::log_error("cannot log: " + logged.message());
    }
    for (int i = 0; i < 10 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return gtype::Status();
}

// ClusterFormation's query part relays between the user and the nodes service: a session
// keeps the selector and the answer it carries between the two.
class ClusterFormationState final : public cf::Handler {
 public:
  void on_query(const sorts::Selector& selector) override { selector_ = selector; }
  gtype::Result<sorts::Selector> choose_query() override { return selector_; }
  void on_resp(const sorts::NodeList& list) override { list_ = list; }
  gtype::Result<sorts::NodeList> choose_resp() override { return list_; }
  void on_quit() override {}
  void on_mutate() override {}
  void on_create(const sorts::TopologySpec&) override {}
  gtype::Result<sorts::NodeIds> choose_ids_to_nodes() override { return refused(kMutationsElsewhere); }
  void on_rsrvd() override {}
  void on_err(const std::string&) override {}
  void on_succ() override {}
  gtype::Result<sorts::ScheduleSpec> choose_ids_to_sched() override { return refused(kMutationsElsewhere); }
  gtype::Result<std::string> choose_err() override { return refused(kMutationsElsewhere); }

 private:
  static constexpr const char* kMutationsElsewhere =
      "mutations go through IdempotencyCheck (c12s mutate), not ClusterFormation";
  sorts::Selector selector_;
  sorts::NodeList list_;
};

sorts::TopologyBrief to_sort(const store::TopologyBrief& brief) {
  sorts::TopologyBrief out;
  out.name = brief.name;
  out.labels = std::map<std::string, std::string>(brief.labels.begin(), brief.labels.end());
  out.regions = brief.regions;
  out.clusters = brief.clusters;
  out.nodes = brief.nodes;
  if (brief.nodes > 0) {
    out.utilisation["alive"] =
        static_cast<double>(brief.nodes - brief.dead_nodes) / static_cast<double>(brief.nodes);
  }
  return out;
}

// ListDetail: Algorithm 6. A session keeps the view it answers with; the log hears it first.
class ListDetailState final : public ld::Handler {
 public:
  ListDetailState(State& state, std::string principal) : state_(state), principal_(std::move(principal)) {}

  void on_list_brief(const sorts::ListRequest& request) override {
    std::lock_guard lock(state_.mutex);
    std::vector<store::TopologyBrief> found;
    gtype::Status s = state_.topologies->list(request.selector, model::MatchMode::kSubset, &found);
    if (!s.ok()) return fail("list: " + s.to_string());
    for (const store::TopologyBrief& brief : found) {
      if (request.topology && brief.name != *request.topology) continue;
      if (!sees(state_, principal_, brief.name)) continue;
      brief_.topologies.push_back(to_sort(brief));
    }
  }
  gtype::Result<sorts::ListBriefView> choose_brief() override { return brief_; }
  gtype::Result<sorts::ListBriefView> choose_result_at_after_list_brief_brief() override { return brief_; }

  void on_list(const sorts::ListRequest& request) override {
    std::lock_guard lock(state_.mutex);
    std::vector<store::TopologyDetail> found;
    gtype::Status s = state_.topologies->list_detail(request.selector, model::MatchMode::kSubset, &found);
    if (!s.ok()) return fail("list: " + s.to_string());
    for (const store::TopologyDetail& detail : found) {
      if (!sees(state_, principal_, detail.topology.spec.name)) continue;
      for (const store::FormedNode& node : detail.nodes) {
        if (request.topology && node.cluster.topology != *request.topology) continue;
        if (request.region && node.cluster.region != *request.region) continue;
        if (request.cluster && node.cluster.cluster != *request.cluster) continue;
        query_.nodes.push_back(node.id);
      }
    }
    // No node selected: the nodes service must still answer with nothing, not with all.
    if (query_.nodes.empty()) query_.nodes.push_back("");
  }
  gtype::Result<sorts::MetricsQuery> choose_query() override { return query_; }
  void on_result(const sorts::ListDetailView& view) override { detail_ = view; }
  gtype::Result<sorts::ListDetailView> choose_detail() override { return detail_; }
  gtype::Result<sorts::ListDetailView> choose_result_at_after_list_query_result_detail() override {
    return detail_;
  }

 private:
  State& state_;
  const std::string principal_;  // the user's (empty: plaintext)
  sorts::ListBriefView brief_;
  sorts::MetricsQuery query_;
  sorts::ListDetailView detail_;
};

// ---------------------------------------------------------------- mutation (IdempotencyCheck)

// Settles a task that did not finish on its own with the nodes service (Release): if its
// formation committed there, its staged desired state is stored and it is CREATED; else its
// reservation is released, its staged state dropped (the topology's earlier state stays) and
// it FAILED with `why`. False when the nodes service could not be asked: the task stays
// unfinished, and recovery asks again.
class Settler {
 public:
  Settler(const system::SystemMap& map, const system::Network& network) : map_(map), network_(network) {}

  bool settle(State& state, Reporter& reporter, const std::string& task, const std::string& why) {
    gtype::Result<rl::AfterRelease::Branch> answer = ask(task, why);
    if (!answer.ok()) {
      system::log_warn("task " + task + " stays unfinished, the nodes service did not settle it: " +
                           answer.error().message(),
                       {{"task", task}});
      return false;
    }
    if (auto* formed = std::get_if<rl::AfterRelease::Formed>(&*answer))
      return commit(state, reporter, formed->value);
    const sorts::TaskFailure& released = std::get<rl::AfterRelease::Released>(*answer).value;
    std::string ids;
    for (const std::string& id : released.released) ids += (ids.empty() ? "" : ", ") + id;
    return fail(state, reporter, task,
                why + (ids.empty() ? std::string() : "; reservations released: " + ids));
  }

  // The formation of `ids.task` committed at the nodes service: the desired state follows.
  static bool commit(State& state, Reporter& reporter, const sorts::NodeIds& ids) {
    std::string topology = ids.topology.value_or("");
    {
      std::lock_guard lock(state.mutex);
      gtype::Status s = state.topologies->commit_staged(ids.task.id, &topology);
      if (!s.ok() && !s.is_not_found()) {  // not found: committed before
        system::log_error("task " + ids.task.id + ": cannot store its desired state: " + s.to_string(),
                          {{"task", ids.task.id}});
        return false;
      }
      for (const std::string& id : ids.ids) state.last_active[id] = now_millis();  // a fresh lease
    }
    return advance(state, reporter, ids.task.id, topology, store::TaskState::kCreated,
                   "formed: " + std::to_string(ids.ids.size()) + " nodes in their clusters");
  }

  // The task failed and nothing of it is formed: its staged desired state goes.
  static bool fail(State& state, Reporter& reporter, const std::string& task, const std::string& why) {
    std::string topology;
    {
      std::lock_guard lock(state.mutex);
      store::Task record;
      if (state.tasks->get(task, &record).ok()) topology = record.topology;
      if (gtype::Status s = state.topologies->drop_staged(task); !s.ok()) {
        system::log_error("task " + task + ": " + s.to_string(), {{"task", task}});
        return false;
      }
    }
    return advance(state, reporter, task, topology, store::TaskState::kFailed, why);
  }

 private:
  gtype::Result<rl::AfterRelease::Branch> ask(const std::string& task, const std::string& why) {
    if (!role_) {
      rt::EndpointOptions options;
      options.connect_timeout = options.receive_timeout = std::chrono::seconds(5);
      gtype::Result<rl::Role> role =
          network_.bind<rl::Role>("Release", 0, map_.directory("Release"), options);
      if (!role.ok()) return role.error();
      role_ = std::make_unique<rl::Role>(std::move(*role));
    }
    gtype::Result<rl::Start> s0 = role_->start();
    if (!s0.ok()) return s0.error();
    gtype::Result<rl::AfterRelease> s1 =
        std::move(*s0).connect_release(sorts::TaskFailure{sorts::TaskId{task}, why, {}});
    if (!s1.ok()) return s1.error();
    return std::move(*s1).receive();
  }

  const system::SystemMap& map_;
  const system::Network& network_;
  std::unique_ptr<rl::Role> role_;  // bound on first use
};

// Recovery, on a thread of its own: every task that did not finish on its own is settled
// (Settler): a PENDING task left by an earlier run of the service (its IdempotencyCheck
// session died with it) at once, and any unfinished task StateOptions::task_deadline after its
// last change (its owner, the queue, the scheduler or a service of its formation, is gone, or
// lost its outcome). A task the nodes service cannot settle yet is asked about again.
gtype::Status recover(State& state, const system::SystemMap& map, const std::atomic<bool>& stop) {
  Reporter reporter(state.network, map.directory("TaskLog"));
  Settler settler(map, state.network);
  while (!stop.load()) {
    std::vector<store::Task> due;
    {
      std::lock_guard lock(state.mutex);
      std::vector<store::Task> unfinished;
      if (gtype::Status s = state.tasks->unfinished(&unfinished); !s.ok()) return s;
      const store::Time now = now_millis();
      for (store::Task& task : unfinished) {
        const bool orphan = task.state == store::TaskState::kPending && task.updated < state.started;
        if (orphan || now - task.updated >= state.options.task_deadline) due.push_back(std::move(task));
      }
    }
    for (const store::Task& task : due) {
      if (stop.load()) break;
      const bool orphan = task.state == store::TaskState::kPending && task.updated < state.started;
      (void)settler.settle(state, reporter, task.id,
                           orphan ? "the state service restarted while the task was being submitted"
                                  : "no outcome within the task deadline (" +
                                        std::to_string(state.options.task_deadline.count()) +
                                        " ms): a service on its way died or lost it");
    }
    for (int i = 0; i < 10 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return gtype::Status();
}

// A mutation's session: its id is the task's id, created with the topology it brings.
class MutationService final : public svc::Handler {
 public:
  MutationService(State& state, const system::SystemMap& map, std::string principal)
      : state_(state),
        reporter_(state.network, map.directory("TaskLog")),
        settler_(map, state.network),
        principal_(std::move(principal)) {}

  void on_quit() override {}
  // G3's ok() follows this callback: the user is told "submitted" only once the task is stored
  // and its PENDING record acknowledged by the log; otherwise the session fails, saying why.
  void on_create(const sorts::TopologySpec& spec) override {
    std::map<std::string, std::string> labels{
        {"service", "state"}, {"state", "PENDING"}, {"topology", spec.name}};
    {
      std::lock_guard lock(state_.mutex);
      if (gtype::Status owned = claim(spec.name); !owned.ok()) {
        log_refusal("state", principal_, "mutating topology " + spec.name + ": " + owned.message());
        return fail(owned.message());
      }
      // One task at a time per topology (the store's semantic lock): the session of a second
      // one fails, saying which task holds the topology.
      gtype::Status s = state_.tasks->create(task(), "mutate", spec.name, now_millis());
      if (!s.ok()) return fail("cannot start the task: " + s.to_string());
      labels.merge(owner_label(state_, spec.name));
    }
    spec_ = spec;
    gtype::Status logged =
        reporter_.record(task(), "info", labels, "mutation of topology " + spec.name + " received");
    if (!logged.ok()) fail("cannot log the task: " + logged.message());  // failed() fails the task
  }
  gtype::Result<sorts::TopologySpec> choose_try() override { return *spec_; }
  void on_resp(const bool& seen) override { seen_ = seen; }
  gtype::Result<svc::AfterCreateOkTryResp::Choice> choose_done_or_ids() override {
    if (seen_) {
      advance(state_, reporter_, task(), spec_->name, store::TaskState::kCreated,
              "topology " + spec_->name + " already exists: nothing to form", "EXISTS");
      return svc::AfterCreateOkTryResp::Choice(
          svc::AfterCreateOkTryResp::Done{"topology " + spec_->name + " already exists"});
    }
    return svc::AfterCreateOkTryResp::Choice(
        svc::AfterCreateOkTryResp::Ids{sorts::NodeIds{sorts::TaskId{task()}, node_ids(*spec_), spec_->name}});
  }
  void on_rsrvd() override {}
  gtype::Result<sorts::TopologySpec> choose_store() override { return *spec_; }
  void on_stored() override {}
  gtype::Result<sorts::ScheduleSpec> choose_ids_to_sched() override {
    advance(
        state_, reporter_, task(), spec_->name, store::TaskState::kInProgress,
        "nodes reserved and desired state stored; queued for formation (queue " + spec_->meta.queue + ")");
    return sorts::ScheduleSpec{sorts::TaskId{task()}, *spec_, node_ids(*spec_)};
  }
  void failed(const gtype::Status& error) override {
    if (!spec_) return;  // it failed before its task was created: no task
    const std::string why = std::string(gtype::status_code_name(error.code())) + ": " + error.message();
    // Compensation: the nodes this task reserved go back to the pool, and the desired state it
    // staged goes. Settled with the nodes service even when no rsrvd() came (the nodes may be
    // reserved and the answer lost); if that service cannot answer, recovery settles the task
    // at its deadline.
    (void)settler_.settle(state_, reporter_, task(), why);
  }

 private:
  std::string task() const { return task_id(session()); }

  // The topology is the user's from now on, if it is nobody's; refused when another user's. An
  // admin may change any, and owns those nobody did. Requires state_.mutex.
  gtype::Status claim(const std::string& topology) {
    if (principal_.empty()) return gtype::Status();
    std::string owner;
    if (is_admin(principal_) && state_.topologies->owner_of(topology, &owner).ok()) return gtype::Status();
    return state_.topologies->claim(topology, principal_);
  }

  State& state_;
  Reporter reporter_;
  Settler settler_;
  const std::string principal_;  // the user's (empty: plaintext)
  // Set once its task was created; the steps after on_create rely on it (the runtime lets no
  // message or choice come before).
  std::optional<sorts::TopologySpec> spec_;
  bool seen_ = false;
};

// Algorithm 5: seen when this very topology is formed. (One being formed is held by its task's
// semantic lock: a second task of it is refused before this check.)
class IdempotencyStorage final : public ist::Handler {
 public:
  explicit IdempotencyStorage(State& state) : state_(state) {}
  void on_try(const sorts::TopologySpec& spec) override {
    std::lock_guard lock(state_.mutex);
    model::MutationCheck check = model::MutationCheck::kNew;
    gtype::Status s = state_.topologies->check(spec, &check);
    if (!s.ok()) return fail("idempotency check: " + s.to_string());
    // The stored topologies are the formed ones (a desired state is stored when its formation
    // commits), so a failed formation leaves nothing here and may be tried again.
    seen_ = check == model::MutationCheck::kAlreadyFormed;
  }
  gtype::Result<bool> choose_resp() override { return seen_; }
  void on_seen() override {}
  void on_not_seen() override {}
  void on_save(const sorts::TopologySpec&) override {
    // mstorage stored the topology with its fingerprint in the one state store, atomically.
  }

 private:
  State& state_;
  bool seen_ = false;
};

// The desired state: staged by task, it replaces any topology of the same name, atomically,
// when its formation commits (the thesis's recreation strategy; Settler::commit).
class MainStorage final : public mst::Handler {
 public:
  explicit MainStorage(State& state) : state_(state) {}
  void on_store(const sorts::TopologySpec& spec) override {
    std::lock_guard lock(state_.mutex);
    // Staged until the formation commits: the topology's formed state stays listed meanwhile,
    // and stays if the formation fails.
    gtype::Status s = state_.topologies->stage(task_id(session()), spec);
    if (!s.ok()) return fail("cannot store the desired state: " + s.to_string());
    spec_ = spec;
  }
  gtype::Result<sorts::TopologySpec> choose_save() override { return spec_; }
  void on_saved() override {}

 private:
  State& state_;
  sorts::TopologySpec spec_;
};

// Formation's end at the state service: the task is CREATED or FAILED, then the log hears it.
class FormationState final : public fm::Handler {
 public:
  FormationState(State& state, const system::SystemMap& map)
      : state_(state), reporter_(state.network, map.directory("TaskLog")) {}
  void on_succ(const sorts::NodeIds& ids) override {
    (void)Settler::commit(state_, reporter_, ids);
    task_ = ids.task;
  }
  gtype::Result<sorts::TaskId> choose_succ() override { return task_; }
  void on_err(const sorts::TaskFailure& failure) override {
    std::string released;
    for (const std::string& id : failure.released) released += (released.empty() ? "" : ", ") + id;
    (void)Settler::fail(state_, reporter_, failure.task.id,
                        failure.reason + (released.empty() ? std::string() : "; released: " + released));
    failure_ = failure;
  }
  gtype::Result<sorts::TaskFailure> choose_err() override { return failure_; }

 private:
  State& state_;
  Reporter reporter_;
  sorts::TaskId task_;
  sorts::TaskFailure failure_;
};

}  // namespace

// ---------------------------------------------------------------- shared (state_internal.h)

bool is_admin(const std::string& principal) { return principal.rfind("admin:", 0) == 0; }

bool sees(State& state, const std::string& principal, const std::string& topology) {
  if (principal.empty() || is_admin(principal)) return true;
  std::string owner;
  return state.topologies->owner_of(topology, &owner).ok() && owner == principal;
}

std::map<std::string, std::string> owner_label(State& state, const std::string& topology) {
  std::string owner;
  if (!state.topologies->owner_of(topology, &owner).ok()) return {};
  return {{"owner", owner}};
}

namespace {

// Logs a task's record, trying again for a while: the log may be restarting, and the
// record of a task's outcome is what `c12s mutate` waits for.
gtype::Status log_task(Reporter& reporter, const std::string& task, const char* level,
                       const std::map<std::string, std::string>& labels, const std::string& message) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  gtype::Status logged = reporter.record(task, level, labels, message);
  for (int attempt = 1; !logged.ok() && attempt < 10 && std::chrono::steady_clock::now() < give_up;
       ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    logged = reporter.record(task, level, labels, message);
  }
  if (!logged.ok()) system::log_error("cannot log: " + logged.message(), {{"task", task}});
  return logged;
}

}  // namespace

bool advance(State& state, Reporter& reporter, const std::string& task, const std::string& topology,
             store::TaskState to, const std::string& message, const char* shown) {
  {
    std::lock_guard lock(state.mutex);
    gtype::Status s = gtype::Status::success();
    store::Task current;
    if (state.tasks->get(task, &current).ok() && current.state == to) return true;
    // A task done at once (the topology exists, or the nodes cannot be reserved) passes IN
    // PROGRESS on its way: the store knows no shorter path.
    if (to != store::TaskState::kInProgress && state.tasks->get(task, &current).ok() &&
        current.state == store::TaskState::kPending)
      s = state.tasks->advance(task, store::TaskState::kInProgress, now_millis());
    if (s.ok()) s = state.tasks->advance(task, to, now_millis(), message);
    if (!s.ok()) {
      system::log_error("task " + task + ": " + s.to_string(), {{"task", task}});
      return false;
    }
  }
  const bool failed = to == store::TaskState::kFailed;
  std::map<std::string, std::string> labels{
      {"service", "state"}, {"state", shown ? shown : store::task_state_name(to)}, {"topology", topology}};
  {
    std::lock_guard lock(state.mutex);
    labels.merge(owner_label(state, topology));
  }
  (void)log_task(reporter, task, failed ? "error" : "info", labels, message);
  return true;
}

gtype::Status run_state(const system::SystemMap& map, const system::Network& network,
                        const StateOptions& options, const std::atomic<bool>& stop) {
  State state;
  state.options = options;
  state.started = now_millis();
  state.network = network;
  if (gtype::Status opened = open_store(map, "state", &state.db); !opened.ok()) return opened;
  if (gtype::Status s = store::StateStore::open(state.db.get(), &state.topologies); !s.ok()) return s;
  if (gtype::Status s = store::TaskStore::open(state.db.get(), &state.tasks); !s.ok()) return s;
  system::Host host;
  Served served;
  served.add<hc::Role>(host, map, network, "HealthCheck", "state",
                       per_session([&] { return std::make_unique<HealthCheckState>(state); }));
  served.add<cf::Role>(host, map, network, "ClusterFormation", "state",
                       per_session([] { return std::make_unique<ClusterFormationState>(); }));
  served.add<ld::Role>(host, map, network, "ListDetail", "state", [&](const rt::SessionInfo& session) {
    return std::make_unique<ListDetailState>(state, principal_of(session, "user"));
  });
  served.add<svc::Role>(host, map, network, "IdempotencyCheck", "service",
                        [&](const rt::SessionInfo& session) {
                          return std::make_unique<MutationService>(state, map, principal_of(session, "user"));
                        });
  served.add<ist::Role>(host, map, network, "IdempotencyCheck", "istorage",
                        per_session([&] { return std::make_unique<IdempotencyStorage>(state); }));
  served.add<mst::Role>(host, map, network, "IdempotencyCheck", "mstorage",
                        per_session([&] { return std::make_unique<MainStorage>(state); }));
  served.add<fm::Role>(host, map, network, "Formation", "state",
                       per_session([&] { return std::make_unique<FormationState>(state, map); }));
  serve_deletion(served, host, map, network, state);
  if (!served.status().ok()) return served.status();
  host.add("watcher",
           [&](const std::atomic<bool>& stop_watching) { return watch(state, map, stop_watching); });
  host.add("recovery",
           [&](const std::atomic<bool>& stop_recovering) { return recover(state, map, stop_recovering); });
  return host.run(stop);
}

}  // namespace c12s::services
