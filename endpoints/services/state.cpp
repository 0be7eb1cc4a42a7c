// The state service: the desired state of topologies (store/state_store.h), the user's entry
// to queries and lists, and the watcher of formed clusters' nodes. It serves `state` in
// HealthCheck, ClusterFormation and ListDetail.
//
// HealthCheck tells it of every used node's health check (`active`); a watcher declares a
// formed node dead when none came within the lease, and alive again when one does, and
// records both in the log (TaskLog). ClusterFormation's query part is a relay: the user's
// selector goes to the nodes service and its answer back. ListDetail's brief list comes from
// the stored topologies; the detailed one asks the nodes service for their nodes' state.
//
// A mutation is an IdempotencyCheck session (`service`, `istorage`, `mstorage` are endpoints of
// this process): its id is the task's id. The task goes PENDING when the topology arrives,
// then CREATED at once when that very topology was formed (Algorithm 5; the log says it
// exists), else IN PROGRESS once the nodes are reserved and the desired state stored, and
// CREATED or FAILED when Formation ends. A session that fails on the way fails its task.
// Every change is logged (TaskLog). ClusterFormation's mutate branch, which the command does
// not take (it mutates through IdempotencyCheck), is refused with that explanation.
//
// A task whose IdempotencyCheck session fails after its nodes were reserved has them released
// (Release), and says which.
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
#include "reporter.h"
#include "serving.h"

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

struct State {
  std::mutex mutex;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::StateStore> topologies;
  std::unique_ptr<store::TaskStore> tasks;
  std::map<std::string, store::Time> last_active;  // formed nodes: their last health check
  store::Time started;
  StateOptions options;
};

class HealthCheckState final : public hc::Handler {
 public:
  explicit HealthCheckState(State& state) : state_(state) {}
  void on_active(rt::SessionId, const sorts::NodeStatus& node) override {
    std::lock_guard lock(state_.mutex);
    state_.last_active[node.id] = now_millis();
  }

 private:
  State& state_;
};

// Declares formed nodes dead or alive by their health checks; runs on a thread of its own.
rt::Status watch(State& state, const system::SystemMap& map, const std::atomic<bool>& stop) {
  Reporter reporter(map.directory("TaskLog"));
  while (!stop.load()) {
    std::vector<std::pair<std::string, bool>> changes;  // node, alive now
    {
      std::lock_guard lock(state.mutex);
      std::vector<store::TopologyDetail> all;
      if (store::Status s = state.topologies->list_detail(model::Selector{}, model::MatchMode::kSubset, &all);
          !s.ok())
        return rt::Error{rt::ErrorCode::kConfig, s.to_string()};
      const store::Time now = now_millis();
      for (const store::TopologyDetail& topology : all) {
        const std::vector<store::FormedNode>& nodes = topology.nodes;
        for (const store::FormedNode& node : nodes) {
          auto seen = state.last_active.find(node.id);
          const store::Time last = seen == state.last_active.end() ? state.started : seen->second;
          const bool alive = now - last < state.options.lease;
          if (alive == !node.dead_since) continue;
          store::Status s = alive ? state.topologies->mark_node_alive(node.id)
                                  : state.topologies->mark_node_dead(node.id, now);
          if (!s.ok()) return rt::Error{rt::ErrorCode::kConfig, s.to_string()};
          changes.emplace_back(node.id, alive);
        }
      }
    }
    for (const auto& [node, alive] : changes) {
      rt::Status logged = reporter.record(
          "", alive ? "info" : "warning",
          {{"service", "state"}, {"node", node}, {"health", alive ? "alive" : "dead"}},
          "node " + node + (alive ? " is alive again" : " is dead: no health check within its lease"));
      if (!logged.ok()) std::fprintf(stderr, "c12s state: cannot log: %s\n", logged.error().message.c_str());
    }
    for (int i = 0; i < 10 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return rt::ok_status();
}

// ClusterFormation's query part relays between the user and the nodes service.
class ClusterFormationState final : public cf::Handler {
 public:
  explicit ClusterFormationState(State& state) : state_(state) {}
  void on_query_at_s0(rt::SessionId session, const sorts::Selector& selector) override {
    keep(session, selector);
  }
  void on_query_at_s4(rt::SessionId session, const sorts::Selector& selector) override {
    keep(session, selector);
  }
  rt::Result<sorts::Selector> choose_query_at_s1(rt::SessionId session) override {
    return take(selectors_, session);
  }
  rt::Result<sorts::Selector> choose_query_at_s7(rt::SessionId session) override {
    return take(selectors_, session);
  }
  void on_resp(rt::SessionId session, const sorts::NodeList& list) override {
    std::lock_guard lock(state_.mutex);
    lists_.put(session, list);
  }
  rt::Result<sorts::NodeList> choose_resp(rt::SessionId session) override { return take(lists_, session); }
  void on_quit(rt::SessionId) override {}
  void on_mutate(rt::SessionId) override {}
  void on_create(rt::SessionId, const sorts::TopologySpec&) override {}
  rt::Result<sorts::NodeIds> choose_ids_at_s10(rt::SessionId) override {
    return refused("mutations go through IdempotencyCheck (c12s mutate), not ClusterFormation");
  }
  void on_rsrvd(rt::SessionId) override {}
  void on_err(rt::SessionId, const std::string&) override {}
  void on_succ(rt::SessionId) override {}
  rt::Result<sorts::ScheduleSpec> choose_ids_at_s12(rt::SessionId) override {
    return refused("mutations go through IdempotencyCheck (c12s mutate), not ClusterFormation");
  }
  rt::Result<std::string> choose_err(rt::SessionId) override {
    return refused("mutations go through IdempotencyCheck (c12s mutate), not ClusterFormation");
  }
  void failed(rt::SessionId session, const rt::Error&) override {
    std::lock_guard lock(state_.mutex);
    selectors_.drop(session);
    lists_.drop(session);
  }

 private:
  void keep(rt::SessionId session, const sorts::Selector& selector) {
    std::lock_guard lock(state_.mutex);
    selectors_.put(session, selector);
  }
  template <typename T>
  rt::Result<T> take(PerSession<T>& values, rt::SessionId session) {
    std::lock_guard lock(state_.mutex);
    return values.take(session);
  }

  State& state_;
  PerSession<sorts::Selector> selectors_;
  PerSession<sorts::NodeList> lists_;
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

// ListDetail: Algorithm 6.
class ListDetailState final : public ld::Handler {
 public:
  explicit ListDetailState(State& state) : state_(state) {}

  void on_list_brief(rt::SessionId session, const sorts::ListRequest& request) override {
    std::lock_guard lock(state_.mutex);
    std::vector<store::TopologyBrief> found;
    store::Status s = state_.topologies->list(to_model(request.selector), model::MatchMode::kSubset, &found);
    if (!s.ok()) return briefs_.put(session, refused("list: " + s.to_string()));
    sorts::ListBriefView view;
    for (const store::TopologyBrief& brief : found) {
      if (request.topology && brief.name != *request.topology) continue;
      view.topologies.push_back(to_sort(brief));
    }
    briefs_.put(session, std::move(view));
  }
  rt::Result<sorts::ListBriefView> choose_brief(rt::SessionId session) override {
    std::lock_guard lock(state_.mutex);
    const rt::Result<sorts::ListBriefView> view = briefs_.take(session);
    if (view.ok()) briefs_.put(session, view);  // again for the user, next
    return view;
  }
  rt::Result<sorts::ListBriefView> choose_result_at_s4(rt::SessionId session) override {
    std::lock_guard lock(state_.mutex);
    return briefs_.take(session);
  }

  void on_list(rt::SessionId session, const sorts::ListRequest& request) override {
    std::lock_guard lock(state_.mutex);
    std::vector<store::TopologyDetail> found;
    store::Status s =
        state_.topologies->list_detail(to_model(request.selector), model::MatchMode::kSubset, &found);
    if (!s.ok()) return queries_.put(session, refused("list: " + s.to_string()));
    sorts::MetricsQuery query;
    for (const store::TopologyDetail& detail : found) {
      for (const store::FormedNode& node : detail.nodes) {
        if (request.topology && node.cluster.topology != *request.topology) continue;
        if (request.region && node.cluster.region != *request.region) continue;
        if (request.cluster && node.cluster.cluster != *request.cluster) continue;
        query.nodes.push_back(node.id);
      }
    }
    // No node selected: the nodes service must still answer with nothing, not with all.
    if (query.nodes.empty()) query.nodes.push_back("");
    queries_.put(session, std::move(query));
  }
  rt::Result<sorts::MetricsQuery> choose_query(rt::SessionId session) override {
    std::lock_guard lock(state_.mutex);
    return queries_.take(session);
  }
  void on_result(rt::SessionId session, const sorts::ListDetailView& view) override {
    std::lock_guard lock(state_.mutex);
    details_.put(session, view);
  }
  rt::Result<sorts::ListDetailView> choose_detail(rt::SessionId session) override {
    std::lock_guard lock(state_.mutex);
    const rt::Result<sorts::ListDetailView> view = details_.take(session);
    if (view.ok()) details_.put(session, view);  // again for the user, next
    return view;
  }
  rt::Result<sorts::ListDetailView> choose_result_at_s7(rt::SessionId session) override {
    std::lock_guard lock(state_.mutex);
    return details_.take(session);
  }
  void failed(rt::SessionId session, const rt::Error&) override {
    std::lock_guard lock(state_.mutex);
    briefs_.drop(session);
    queries_.drop(session);
    details_.drop(session);
  }

 private:
  State& state_;
  PerSession<sorts::ListBriefView> briefs_;
  PerSession<sorts::MetricsQuery> queries_;
  PerSession<sorts::ListDetailView> details_;
};

// ---------------------------------------------------------------- mutation (IdempotencyCheck)

// Moves a task on and logs it; requires the state's mutex not to be held (logging waits).
// `shown` replaces the state's name in the log (EXISTS: created by an earlier task).
void advance(State& state, Reporter& reporter, const std::string& task, const std::string& topology,
             store::TaskState to, const std::string& message, const char* shown = nullptr) {
  {
    std::lock_guard lock(state.mutex);
    store::Status s = store::Status::success();
    store::Task current;
    // A task done at once (the topology exists, or the nodes cannot be reserved) passes IN
    // PROGRESS on its way: the store knows no shorter path.
    if (to != store::TaskState::kInProgress && state.tasks->get(task, &current).ok() &&
        current.state == store::TaskState::kPending)
      s = state.tasks->advance(task, store::TaskState::kInProgress, now_millis());
    if (s.ok()) s = state.tasks->advance(task, to, now_millis(), message);
    if (!s.ok()) std::fprintf(stderr, "c12s state: task %s: %s\n", task.c_str(), s.to_string().c_str());
  }
  const bool failed = to == store::TaskState::kFailed;
  rt::Status logged = reporter.record(
      task, failed ? "error" : "info",
      {{"service", "state"}, {"state", shown ? shown : store::task_state_name(to)}, {"topology", topology}},
      message);
  if (!logged.ok()) std::fprintf(stderr, "c12s state: cannot log: %s\n", logged.error().message.c_str());
}

// A failed task's topology leaves the desired state: nothing of it is formed (its nodes were
// released, those of an earlier state of it too). Its task, FAILED, says why.
void forget_topology(State& state, const std::string& task) {
  std::lock_guard lock(state.mutex);
  store::Task record;
  if (!state.tasks->get(task, &record).ok() || record.topology.empty()) return;
  store::Status s = state.topologies->remove(record.topology);
  if (!s.ok() && s.code() != store::Status::Code::kNotFound)
    std::fprintf(stderr, "c12s state: cannot forget topology %s: %s\n", record.topology.c_str(),
                 s.to_string().c_str());
}

class MutationService final : public svc::Handler {
 public:
  MutationService(State& state, const system::SystemMap& map)
      : state_(state), map_(map), reporter_(map.directory("TaskLog")) {}

  void on_quit(rt::SessionId) override {}
  void on_create(rt::SessionId session, const sorts::TopologySpec& spec) override {
    const std::string task = task_id(session);
    {
      std::lock_guard lock(state_.mutex);
      specs_.insert_or_assign(session, spec);
      // One task at a time per topology (the store's semantic lock): the session of a second
      // one fails at its next step, saying which task holds the topology.
      store::Status s = state_.tasks->create(task, "mutate", spec.name, now_millis());
      if (!s.ok()) {
        refusals_.insert_or_assign(session, s.to_string());
        return;
      }
    }
    rt::Status logged =
        reporter_.record(task, "info", {{"service", "state"}, {"state", "PENDING"}, {"topology", spec.name}},
                         "mutation of topology " + spec.name + " received");
    if (!logged.ok()) std::fprintf(stderr, "c12s state: cannot log: %s\n", logged.error().message.c_str());
  }
  rt::Result<sorts::TopologySpec> choose_try(rt::SessionId session) override {
    {
      std::lock_guard lock(state_.mutex);
      if (auto refusal = refusals_.find(session); refusal != refusals_.end()) {
        const std::string why = refusal->second;
        refusals_.erase(refusal);
        specs_.erase(session);  // no task of this session to fail
        return refused("cannot start the task: " + why);
      }
    }
    return spec(session);
  }
  void on_resp(rt::SessionId session, const bool& seen) override {
    std::lock_guard lock(state_.mutex);
    seen_.insert_or_assign(session, seen);
  }
  rt::Result<svc::S5::Choice> choose_done_or_ids(rt::SessionId session) override {
    rt::Result<sorts::TopologySpec> topology = spec(session);
    if (!topology.ok()) return topology.error();
    bool seen = false;
    {
      std::lock_guard lock(state_.mutex);
      seen = seen_[session];
    }
    const std::string task = task_id(session);
    if (seen) {
      advance(state_, reporter_, task, topology->name, store::TaskState::kCreated,
              "topology " + topology->name + " already exists: nothing to form", "EXISTS");
      return svc::S5::Choice(svc::S5::Done{"topology " + topology->name + " already exists"});
    }
    return svc::S5::Choice(
        svc::S5::Ids{sorts::NodeIds{sorts::TaskId{task}, node_ids(*topology), topology->name}});
  }
  void on_rsrvd(rt::SessionId session) override {
    std::lock_guard lock(state_.mutex);
    reserved_.insert(session);
  }
  rt::Result<sorts::TopologySpec> choose_store(rt::SessionId session) override { return spec(session); }
  void on_stored(rt::SessionId session) override {
    std::lock_guard lock(state_.mutex);
    stored_.insert(session);
  }
  rt::Result<sorts::ScheduleSpec> choose_ids(rt::SessionId session) override {
    rt::Result<sorts::TopologySpec> topology = spec(session);
    if (!topology.ok()) return topology.error();
    const std::string task = task_id(session);
    advance(
        state_, reporter_, task, topology->name, store::TaskState::kInProgress,
        "nodes reserved and desired state stored; queued for formation (queue " + topology->meta.queue + ")");
    return sorts::ScheduleSpec{sorts::TaskId{task}, *topology, node_ids(*topology)};
  }
  void ended(rt::SessionId session) override { forget(session); }
  void failed(rt::SessionId session, const rt::Error& error) override {
    rt::Result<sorts::TopologySpec> topology = spec(session);
    bool reserved = false;
    bool stored = false;
    {
      std::lock_guard lock(state_.mutex);
      reserved = reserved_.count(session) != 0;
      stored = stored_.count(session) != 0;
    }
    forget(session);
    if (!topology.ok()) return;  // it failed before a topology came: no task
    std::string why = std::string(rt::error_code_name(error.code)) + ": " + error.message;
    // Compensation: the nodes this task reserved go back to the pool, and the desired state it
    // stored goes.
    if (reserved) why += release(session, why);
    if (stored) forget_topology(state_, task_id(session));
    advance(state_, reporter_, task_id(session), topology->name, store::TaskState::kFailed, why);
  }

 private:
  rt::Result<sorts::TopologySpec> spec(rt::SessionId session) {
    std::lock_guard lock(state_.mutex);
    auto it = specs_.find(session);
    if (it == specs_.end()) return refused("no topology was received in this session");
    return it->second;
  }
  void forget(rt::SessionId session) {
    std::lock_guard lock(state_.mutex);
    specs_.erase(session);
    seen_.erase(session);
    refusals_.erase(session);
    reserved_.erase(session);
    stored_.erase(session);
  }
  // Has the nodes service release the task's reservation (Release); what to add to the
  // task's message.
  std::string release(rt::SessionId session, const std::string& why) {
    if (!releaser_) {
      rt::EndpointOptions options;
      options.connect_timeout = options.receive_timeout = std::chrono::seconds(5);
      rt::Result<rl::Role> role = rl::Role::bind("tcp://127.0.0.1:0", map_.directory("Release"), options);
      if (!role.ok()) return "; the reservation could not be released: " + role.error().message;
      releaser_ = std::make_unique<rl::Role>(std::move(*role));
    }
    rt::Result<rl::S0> s0 = releaser_->start();
    if (!s0.ok()) return "; the reservation could not be released: " + s0.error().message;
    rt::Result<rl::S1> s1 =
        std::move(*s0).connect_release(sorts::TaskFailure{sorts::TaskId{task_id(session)}, why, {}});
    if (!s1.ok()) return "; the reservation could not be released: " + s1.error().message;
    rt::Result<rl::S1::Released> released = std::move(*s1).receive();
    if (!released.ok()) return "; the reservation could not be released: " + released.error().message;
    std::string ids;
    for (const std::string& id : released->value.released) ids += (ids.empty() ? "" : ", ") + id;
    return ids.empty() ? std::string() : "; reservations released: " + ids;
  }

  State& state_;
  const system::SystemMap& map_;
  Reporter reporter_;
  std::unique_ptr<rl::Role> releaser_;  // bound on first use
  std::set<rt::SessionId> reserved_;    // sessions whose nodes were reserved
  std::set<rt::SessionId> stored_;      // sessions whose topology is in the desired state
  std::map<rt::SessionId, sorts::TopologySpec> specs_;
  std::map<rt::SessionId, bool> seen_;
  std::map<rt::SessionId, std::string> refusals_;  // why a session's task could not be created
};

// Algorithm 5: seen when this very topology was formed, or is being formed, by a task that
// has not failed (a failed formation may be tried again).
class IdempotencyStorage final : public ist::Handler {
 public:
  explicit IdempotencyStorage(State& state) : state_(state) {}
  void on_try(rt::SessionId session, const sorts::TopologySpec& spec) override {
    std::lock_guard lock(state_.mutex);
    model::MutationCheck check = model::MutationCheck::kNew;
    store::Status s = state_.topologies->check(to_model(spec), &check);
    if (!s.ok()) return answers_.put(session, refused("idempotency check: " + s.to_string()));
    bool seen = check == model::MutationCheck::kAlreadyFormed;
    if (seen) {
      std::vector<store::Task> tasks;
      s = state_.tasks->list(std::nullopt, &tasks);
      if (!s.ok()) return answers_.put(session, refused("idempotency check: " + s.to_string()));
      const store::Task* latest = nullptr;
      for (const store::Task& task : tasks) {
        if (task.topology != spec.name || task.state == store::TaskState::kPending) continue;
        if (latest == nullptr || task.created >= latest->created) latest = &task;
      }
      seen = latest == nullptr || latest->state != store::TaskState::kFailed;
    }
    answers_.put(session, seen);
  }
  rt::Result<bool> choose_resp(rt::SessionId session) override {
    std::lock_guard lock(state_.mutex);
    return answers_.take(session);
  }
  void on_seen(rt::SessionId) override {}
  void on_not_seen(rt::SessionId) override {}
  void on_save(rt::SessionId, const sorts::TopologySpec&) override {
    // mstorage stored the topology with its fingerprint in the one state store, atomically.
  }
  void failed(rt::SessionId session, const rt::Error&) override {
    std::lock_guard lock(state_.mutex);
    answers_.drop(session);
  }

 private:
  State& state_;
  PerSession<bool> answers_;
};

// The desired state: the topology replaces any of the same name, atomically (the thesis's
// recreation strategy).
class MainStorage final : public mst::Handler {
 public:
  MainStorage(State& state, mst::Role& role) : state_(state), role_(role) {}
  void on_store(rt::SessionId session, const sorts::TopologySpec& spec) override {
    std::lock_guard lock(state_.mutex);
    const model::TopologySpec topology = to_model(spec);
    store::Status s = state_.topologies->replace_topology(topology, model::fingerprint(topology));
    if (!s.ok()) return role_.endpoint().abandon(session, "cannot store the desired state: " + s.to_string());
    specs_.insert_or_assign(session, spec);
  }
  rt::Result<sorts::TopologySpec> choose_save(rt::SessionId session) override {
    std::lock_guard lock(state_.mutex);
    auto it = specs_.find(session);
    if (it == specs_.end()) return refused("nothing was stored in this session");
    sorts::TopologySpec spec = std::move(it->second);
    specs_.erase(it);
    return spec;
  }
  void on_saved(rt::SessionId) override {}
  void failed(rt::SessionId session, const rt::Error&) override {
    std::lock_guard lock(state_.mutex);
    specs_.erase(session);
  }

 private:
  State& state_;
  mst::Role& role_;
  std::map<rt::SessionId, sorts::TopologySpec> specs_;
};

// Formation's end at the state service: the task is CREATED or FAILED.
class FormationState final : public fm::Handler {
 public:
  FormationState(State& state, const system::SystemMap& map)
      : state_(state), reporter_(map.directory("TaskLog")) {}
  void on_succ(rt::SessionId session, const sorts::NodeIds& ids) override {
    advance(state_, reporter_, ids.task.id, ids.topology.value_or(""), store::TaskState::kCreated,
            "formed: " + std::to_string(ids.ids.size()) + " nodes in their clusters");
    std::lock_guard lock(state_.mutex);
    for (const std::string& id : ids.ids) state_.last_active[id] = now_millis();  // a fresh lease
    done_.put(session, ids.task);
  }
  rt::Result<sorts::TaskId> choose_succ(rt::SessionId session) override {
    std::lock_guard lock(state_.mutex);
    return done_.take(session);
  }
  void on_err(rt::SessionId session, const sorts::TaskFailure& failure) override {
    std::string released;
    for (const std::string& id : failure.released) released += (released.empty() ? "" : ", ") + id;
    forget_topology(state_, failure.task.id);
    advance(state_, reporter_, failure.task.id, "", store::TaskState::kFailed,
            failure.reason + (released.empty() ? std::string() : "; released: " + released));
    std::lock_guard lock(state_.mutex);
    failures_.put(session, failure);
  }
  rt::Result<sorts::TaskFailure> choose_err(rt::SessionId session) override {
    std::lock_guard lock(state_.mutex);
    return failures_.take(session);
  }
  void failed(rt::SessionId session, const rt::Error&) override {
    std::lock_guard lock(state_.mutex);
    done_.drop(session);
    failures_.drop(session);
  }

 private:
  State& state_;
  Reporter reporter_;
  PerSession<sorts::TaskId> done_;
  PerSession<sorts::TaskFailure> failures_;
};

}  // namespace

rt::Status run_state(const system::SystemMap& map, const StateOptions& options,
                     const std::atomic<bool>& stop) {
  State state;
  state.options = options;
  state.started = now_millis();
  if (rt::Status opened = open_store(map, "state", &state.db); !opened.ok()) return opened;
  if (store::Status s = store::StateStore::open(state.db.get(), &state.topologies); !s.ok())
    return rt::Error{rt::ErrorCode::kConfig, s.to_string()};
  if (store::Status s = store::TaskStore::open(state.db.get(), &state.tasks); !s.ok())
    return rt::Error{rt::ErrorCode::kConfig, s.to_string()};
  system::Host host;
  Served served;
  served.add<hc::Role, hc::Handler>(host, map, "HealthCheck", "state",
                                    [&](hc::Role&) { return std::make_unique<HealthCheckState>(state); });
  served.add<cf::Role, cf::Handler>(host, map, "ClusterFormation", "state", [&](cf::Role&) {
    return std::make_unique<ClusterFormationState>(state);
  });
  served.add<ld::Role, ld::Handler>(host, map, "ListDetail", "state",
                                    [&](ld::Role&) { return std::make_unique<ListDetailState>(state); });
  served.add<svc::Role, svc::Handler>(host, map, "IdempotencyCheck", "service", [&](svc::Role&) {
    return std::make_unique<MutationService>(state, map);
  });
  served.add<ist::Role, ist::Handler>(host, map, "IdempotencyCheck", "istorage", [&](ist::Role&) {
    return std::make_unique<IdempotencyStorage>(state);
  });
  served.add<mst::Role, mst::Handler>(host, map, "IdempotencyCheck", "mstorage", [&](mst::Role& role) {
    return std::make_unique<MainStorage>(state, role);
  });
  served.add<fm::Role, fm::Handler>(host, map, "Formation", "state",
                                    [&](fm::Role&) { return std::make_unique<FormationState>(state, map); });
  if (!served.status().ok()) return served.status();
  host.add("watcher",
           [&](const std::atomic<bool>& stop_watching) { return watch(state, map, stop_watching); });
  return host.run(stop);
}

}  // namespace c12s::services
