// The nodes service: the registry of edge nodes (Algorithm 1) and free-node lookup
// (Algorithm 2), serving its role in HealthCheck, ClusterFormation, IdempotencyCheck,
// ListDetail, Formation, Release, Join, NodeList and Deletion.
//
// Every session object reads and writes the registry (store/node_registry.h) under one mutex:
// each served role runs on its own thread. What a session learnt before its next callback (a
// node's status, a query's result) is a member of its object. A registry error fails the
// session that caused it (its peers learn why); it never stops the service.
//
// Health checks are soft state, committed in groups (kGroupCommit): see Registry below and
// docs/control-plane.md, "At scale". The HealthCheck endpoint keeps a link per daemon
// (health_check_links).
//
// Not here: the lease length and the match mode (NodesOptions), node liveness inside formed
// clusters (the state service and SWIM decide), metric history (only the last health check's
// metrics are kept).
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <cluster_formation/nodes.h>
#include <deletion/nodes.h>
#include <formation/nodes.h>
#include <health_check/nodes.h>
#include <idempotency_check/nodes.h>
#include <join/entry.h>
#include <list_detail/nodes.h>
#include <node_list/nodes.h>
#include <release/nodes.h>

#include "c12s/services/convert.h"
#include "c12s/services/services.h"
#include "c12s/store/database.h"
#include "c12s/store/node_registry.h"
#include "c12s/system/log.h"
#include "serving.h"

namespace c12s::services {
namespace {

namespace rt = gtype::rt;
namespace sorts = gtype_gen::sorts::c12s::sorts;
namespace hc = gtype_gen::health_check::nodes;
namespace cf = gtype_gen::cluster_formation::nodes;
namespace ic = gtype_gen::idempotency_check::nodes;
namespace ld = gtype_gen::list_detail::nodes;
namespace fm = gtype_gen::formation::nodes;
namespace rl = gtype_gen::release::nodes;
namespace jn = gtype_gen::join::entry;
namespace nl = gtype_gen::node_list::nodes;
namespace dl = gtype_gen::deletion::nodes;

// Health checks are soft state: they are committed in groups (Database::begin/commit), at most
// kGroupCommit after they were taken, and a group's commit does not wait for the disk. A kill
// of the service loses the checks of the open group at most; a power loss, those since the log
// was last synced. Either only makes their leases look older, until each node's next check.
// Every other operation commits the group before its own transaction, which syncs the log
// (synchronous=FULL), so reservations, formations and releases stay durable when they are
// acknowledged (the checks before them with them), and they see every check taken before them.
constexpr std::chrono::milliseconds kGroupCommit{100};

// The registry and what guards it.
struct Registry {
  std::mutex mutex;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::NodeRegistry> nodes;
  NodesOptions options;
  std::optional<std::chrono::steady_clock::time_point> group_since;  // the open group's first check

  // Commits the open group of health checks, if any; requires the mutex. A failure is only said:
  // the checks of the group are lost, as a crash would lose them.
  void commit_checks() {
    if (!group_since) return;
    group_since.reset();
    if (gtype::Status s = db->commit(); !s.ok())
      system::log_error("health checks not committed (their leases look older): " + s.to_string());
  }
  // Opens a group for the next health check unless one is open (committing one that is due);
  // requires the mutex. Should none open, the check commits on its own, as before groups.
  void join_group() {
    const auto now = std::chrono::steady_clock::now();
    if (group_since && now - *group_since >= kGroupCommit) commit_checks();
    if (!group_since && db->begin().ok()) group_since = now;
  }
  // The mutex, with the health checks taken so far committed: what every operation but a health
  // check starts with, so that its own transaction is outermost (durable when it returns).
  std::unique_lock<std::mutex> settled() {
    std::unique_lock lock(mutex);
    commit_checks();
    return lock;
  }
};

// Commits the open group of health checks every kGroupCommit, so that a check is durable that
// soon even when no other comes after it.
gtype::Status commit_checks_periodically(Registry& registry, const std::atomic<bool>& stop) {
  while (!stop.load()) {
    std::this_thread::sleep_for(kGroupCommit / 2);
    std::lock_guard lock(registry.mutex);
    if (registry.group_since && std::chrono::steady_clock::now() - *registry.group_since >= kGroupCommit)
      registry.commit_checks();
  }
  std::lock_guard lock(registry.mutex);
  registry.commit_checks();
  return gtype::Status();
}

// Reserves `ids` for `task`, all or none. When the task forms `topology` again (the thesis's
// recreation: a full new state), the nodes its earlier task uses count as free: they stay in
// their clusters, marked to be taken over, until the new formation commits (commit()), so that
// a failed re-formation leaves the earlier one formed.
gtype::Status reserve(Registry& registry, const sorts::NodeIds& ids) {
  std::optional<std::string_view> topology;
  if (ids.topology) topology = *ids.topology;
  return registry.nodes->reserve(ids.task.id, ids.ids, now_millis(), topology);
}

// The daemons of `topology`'s nodes in `all` that a task other than `keep` uses: those that
// must leave their clusters once that task releases them (dead ones only named: nobody answers).
sorts::Leaving leaving_of(const std::vector<store::NodeRecord>& all, const std::string& topology,
                          const std::string& keep, const sorts::TaskId& task, store::Time now) {
  sorts::Leaving leaving{task, {}, {}};
  for (const store::NodeRecord& node : all) {
    if (!node.cluster || node.cluster->topology != topology || node.task == keep) continue;
    if (!node.live(now)) {
      leaving.dead.push_back(node.id);
      continue;
    }
    leaving.leaves.push_back(sorts::NodeLeave{node.id, node.address, topology, node.task});
  }
  return leaving;
}

// Frees every node the tasks of `leaving` used (the registry's release, per task). Requires a
// transaction.
gtype::Status release_leaving(Registry& registry, const std::vector<store::NodeRecord>& all,
                              const std::string& topology, const std::string& keep) {
  std::set<std::string> tasks;
  for (const store::NodeRecord& node : all) {
    if (node.cluster && node.cluster->topology == topology && node.task != keep) tasks.insert(node.task);
  }
  for (const std::string& task : tasks) {
    if (gtype::Status s = registry.nodes->release(task); !s.ok()) return s;
  }
  return gtype::Status::success();
}

// The commit of a formation: its nodes are used in their clusters, and the nodes of the
// topology's earlier tasks that the new state leaves out are free (*dropped: their daemons,
// to be told to leave); one transaction.
gtype::Status commit(Registry& registry, const sorts::TaskId& task, const std::string& topology,
                     const std::map<std::string, store::ClusterPath>& clusters, sorts::Leaving* dropped) {
  return registry.db->transaction([&]() -> gtype::Status {
    if (gtype::Status s = registry.nodes->mark_used(task.id, clusters); !s.ok()) return s;
    std::vector<store::NodeRecord> all;
    if (gtype::Status s = registry.nodes->all(&all); !s.ok()) return s;
    *dropped = leaving_of(all, topology, task.id, task, now_millis());
    return release_leaving(registry, all, topology, task.id);
  });
}

// Why `task` may not form node `id` ("" when it may): it must hold it (reserved, used, or to be
// taken over). A task whose reservation was released (it failed) forms nothing.
std::string not_held(const store::NodeRecord& node, const std::string& task) {
  if (node.task == task || node.next_task == task) return "";
  return "node " + node.id + " is not reserved by task " + task +
         " (its reservation was released: the task failed or was settled)";
}

// ---------------------------------------------------------------- HealthCheck: Algorithm 1

// With CURVE, a daemon reports for itself only: its principal is node:ID of the report's id,
// and the address where it takes formations carries its own key (else formations meant for it
// would go to whoever holds the key of the address it named).
class HealthCheckNodes final : public hc::Handler {
 public:
  HealthCheckNodes(Registry& registry, const rt::SessionInfo& session)
      : registry_(registry), principal_(principal_of(session, "node")) {
    for (const rt::PeerInfo& peer : session.peers) {
      if (peer.role == "node") key_ = rt::split_keyed_address(peer.address).key;
    }
  }

  void on_health_check(const sorts::NodeReport& report) override {
    if (!principal_.empty() && principal_ != "node:" + report.id) {
      log_refusal("nodes", principal_, "a health check for node " + report.id);
      return fail(principal_ + " may report health for itself only, not for node " + report.id);
    }
    if (!principal_.empty() && rt::split_keyed_address(report.address).key != key_) {
      log_refusal("nodes", principal_, "a health check naming another key's address " + report.address);
      return fail("the address " + report.address + " is not keyed with " + principal_ + "'s own key");
    }
    std::lock_guard lock(registry_.mutex);
    registry_.join_group();
    const store::Time now = now_millis();
    store::NodeRecord record;
    gtype::Status beat = registry_.nodes->heartbeat(report, now, registry_.options.lease, nullptr, &record);
    if (!beat.ok()) return fail("health check of " + report.id + ": " + beat.to_string());
    status_ = to_sort(record, registry_.options.lease, now);
  }
  gtype::Result<hc::AfterHealthCheck::Choice> choose_active_or_free() override {
    if (status_.status != "used") return hc::AfterHealthCheck::Choice(hc::AfterHealthCheck::Free{status_});
    return hc::AfterHealthCheck::Choice(hc::AfterHealthCheck::Active{status_});
  }
  gtype::Result<sorts::NodeStatus> choose_used() override { return status_; }

 private:
  Registry& registry_;
  const std::string principal_;  // who speaks for the node (empty: plaintext)
  std::string key_;              // its key, from its address
  sorts::NodeStatus status_;
};

// ---------------------------------------------------------------- ClusterFormation: Algorithm 2

class ClusterFormationNodes final : public cf::Handler {
 public:
  explicit ClusterFormationNodes(Registry& registry) : registry_(registry) {}

  void on_query(const sorts::Selector& selector) override {
    const auto lock = registry_.settled();
    std::vector<store::NodeRecord> found;
    const store::Time now = now_millis();
    gtype::Status status = registry_.nodes->free_nodes(
        selector, selector.subset.value_or(false) ? model::MatchMode::kSubset : registry_.options.match, now,
        &found);
    if (!status.ok()) return fail("query: " + status.to_string());
    result_.nodes.clear();
    for (const store::NodeRecord& record : found)
      result_.nodes.push_back(to_sort(record, registry_.options.lease, now));
  }
  gtype::Result<sorts::NodeList> choose_resp() override { return result_; }
  void on_ids(const sorts::NodeIds& ids) override {
    const auto lock = registry_.settled();
    gtype::Status reserved = reserve(registry_, ids);
    not_reserved_ = reserved.ok() ? std::string() : reserved.to_string();
  }
  gtype::Result<cf::AfterTRespIds::Choice> choose_rsrvd_or_err() override {
    if (not_reserved_.empty()) return cf::AfterTRespIds::Choice(cf::AfterTRespIds::Rsrvd{});
    return cf::AfterTRespIds::Choice(cf::AfterTRespIds::Err{not_reserved_});
  }
  void on_nids(const sorts::NodeIds&) override {
    // G2's push of the new ids: the nodes were reserved in this session, and Formation marks
    // them used with their clusters (this message carries no places).
  }
  void on_quit() override {}

 private:
  Registry& registry_;
  sorts::NodeList result_;
  std::string not_reserved_;  // why the nodes of ids() could not be reserved ("" they were)
};

// ---------------------------------------------------------------- IdempotencyCheck: reserve

class IdempotencyCheckNodes final : public ic::Handler {
 public:
  explicit IdempotencyCheckNodes(Registry& registry) : registry_(registry) {}

  // G3 has no answer but rsrvd(): nodes that cannot all be reserved fail the session, which
  // the service learns as an abort naming the node.
  void on_ids(const sorts::NodeIds& ids) override {
    const auto lock = registry_.settled();
    gtype::Status reserved = reserve(registry_, ids);
    if (!reserved.ok()) fail("cannot reserve the nodes: " + reserved.to_string());
  }

 private:
  Registry& registry_;
};

// ---------------------------------------------------------------- ListDetail

class ListDetailNodes final : public ld::Handler {
 public:
  explicit ListDetailNodes(Registry& registry) : registry_(registry) {}

  void on_query(const sorts::MetricsQuery& query) override {
    const auto lock = registry_.settled();
    std::vector<store::NodeRecord> all;
    gtype::Status status = registry_.nodes->all(&all);
    if (!status.ok()) return fail("list: " + status.to_string());
    view_ = detail_view(all, query, registry_.options.lease, now_millis());
  }
  gtype::Result<sorts::ListDetailView> choose_result() override { return view_; }

 private:
  Registry& registry_;
  sorts::ListDetailView view_;
};

// ---------------------------------------------------------------- Formation: used or released

class FormationNodes final : public fm::Handler {
 public:
  explicit FormationNodes(Registry& registry) : registry_(registry) {}

  void on_where(const sorts::NodeIds& ids) override {
    const auto lock = registry_.settled();
    for (const std::string& id : ids.ids) {
      store::NodeRecord record;
      gtype::Status s = registry_.nodes->get(id, &record);
      if (!s.ok()) return fail("where is " + id + ": " + s.to_string());
      if (std::string why = not_held(record, ids.task.id); !why.empty()) return fail(why);
      addresses_.addresses[id] = record.address;
    }
  }
  gtype::Result<sorts::NodeAddresses> choose_addresses() override { return addresses_; }
  void on_nids(const sorts::FormationUpdate& update) override {
    const auto lock = registry_.settled();
    std::map<std::string, store::ClusterPath> clusters;
    sorts::NodeIds ids{update.task, {}, std::nullopt};
    for (const sorts::NodeFormation& f : update.formations) {
      clusters[f.node] = store::ClusterPath{f.topology, f.region, f.cluster};
      ids.ids.push_back(f.node);
      ids.topology = f.topology;
    }
    gtype::Status used = commit(registry_, update.task, ids.topology.value_or(""), clusters, &dropped_);
    if (!used.ok()) return fail("formation " + update.task.id + ": " + used.to_string());
    formed_ = std::move(ids);
  }
  gtype::Result<sorts::Leaving> choose_dropped() override { return dropped_; }
  gtype::Result<sorts::NodeIds> choose_succ() override { return formed_; }
  void on_release(const sorts::TaskFailure& failure) override {
    const auto lock = registry_.settled();
    std::vector<std::string> released;
    gtype::Status status = registry_.nodes->release(failure.task.id, &released);
    failure_ = failure;
    failure_.released = released;
    if (!status.ok()) failure_.reason += "; releasing the nodes failed: " + status.to_string();
  }
  gtype::Result<sorts::TaskFailure> choose_err() override { return failure_; }

 private:
  Registry& registry_;
  sorts::NodeAddresses addresses_;
  sorts::NodeIds formed_;
  sorts::Leaving dropped_;
  sorts::TaskFailure failure_;
};

// ---------------------------------------------------------------- Release: compensation

// Settles a task that did not finish on its own: formed if its formation committed (its nodes
// are used), else its reservation is released. Under the registry's mutex, so a formation
// commits before or after, never during.
class ReleaseNodes final : public rl::Handler {
 public:
  explicit ReleaseNodes(Registry& registry) : registry_(registry) {}
  void on_release(const sorts::TaskFailure& failure) override {
    const auto lock = registry_.settled();
    store::TaskHolding holding;
    gtype::Status status = registry_.nodes->holding(failure.task.id, &holding);
    if (status.ok() && holding.used > 0) {
      std::vector<store::NodeRecord> all;
      status = registry_.nodes->all(&all);
      sorts::NodeIds formed{failure.task, {}, std::nullopt};
      for (const store::NodeRecord& node : all) {
        if (node.task != failure.task.id || !node.cluster) continue;
        formed.ids.push_back(node.id);
        formed.topology = node.cluster->topology;
      }
      if (status.ok()) {
        answer_ = rl::AfterRelease::Formed{std::move(formed)};
        return;
      }
    }
    std::vector<std::string> released;
    if (status.ok()) status = registry_.nodes->release(failure.task.id, &released);
    if (!status.ok()) return fail("release " + failure.task.id + ": " + status.to_string());
    sorts::TaskFailure answer = failure;
    answer.released = released;
    answer_ = rl::AfterRelease::Released{std::move(answer)};
  }
  gtype::Result<rl::AfterRelease::Choice> choose_released_or_formed() override { return answer_; }

 private:
  Registry& registry_;
  rl::AfterRelease::Choice answer_;
};

// ---------------------------------------------------------------- NodeList: every node

class NodeListNodes final : public nl::Handler {
 public:
  explicit NodeListNodes(Registry& registry) : registry_(registry) {}
  void on_list(const sorts::Selector& selector) override {
    const auto lock = registry_.settled();
    std::vector<store::NodeRecord> all;
    if (gtype::Status s = registry_.nodes->all(&all); !s.ok()) return fail("nodes: " + s.to_string());
    const store::Time now = now_millis();
    const ClusterViews views(all, now);
    const std::vector<store::NodeRecord> wanted = model::filter_nodes(
        all, selector, model::MatchMode::kSubset, [](const store::NodeRecord& node) { return node.labels; });
    for (const store::NodeRecord& record : wanted)
      list_.nodes.push_back(to_sort(record, registry_.options.lease, now, views));
  }
  gtype::Result<sorts::NodeList> choose_nodes() override { return list_; }

 private:
  Registry& registry_;
  sorts::NodeList list_;
};

// ---------------------------------------------------------------- Deletion: back to the pool

// Frees every node a deleted topology uses, in one transaction, and says whose daemons must
// leave their clusters. The state service holds the topology's task lock meanwhile, so no
// formation of it runs.
class DeletionNodes final : public dl::Handler {
 public:
  explicit DeletionNodes(Registry& registry) : registry_(registry) {}
  void on_release(const sorts::TopologyRelease& release) override {
    const auto lock = registry_.settled();
    gtype::Status s = registry_.db->transaction([&]() -> gtype::Status {
      std::vector<store::NodeRecord> all;
      if (gtype::Status s = registry_.nodes->all(&all); !s.ok()) return s;
      leaving_ = leaving_of(all, release.topology, "", release.task, now_millis());
      return release_leaving(registry_, all, release.topology, "");
    });
    if (!s.ok()) fail("deleting topology " + release.topology + ": " + s.to_string());
  }
  gtype::Result<sorts::Leaving> choose_released() override { return leaving_; }

 private:
  Registry& registry_;
  sorts::Leaving leaving_;
};

// ---------------------------------------------------------------- Join: the system's entry

// Tells a joining daemon where every endpoint is: the system map it was started with, and which
// task's formation holds it (so that it drops a formation it kept of another). With CURVE, a
// daemon joins as itself only (its principal is node:ID of the id it gives).
class JoinEntry final : public jn::Handler {
 public:
  JoinEntry(const system::SystemMap& map, Registry& registry, std::string principal)
      : map_(map), registry_(registry), principal_(std::move(principal)) {}
  void on_join(const sorts::JoinRequest& request) override {
    if (!principal_.empty() && principal_ != "node:" + request.node) {
      log_refusal("nodes", principal_, "joining as node " + request.node);
      refusal_ = principal_ + " may join as itself only, not as node " + request.node;
      return;
    }
    if (request.version != kApiVersion) {
      refusal_ =
          "this system speaks API version " + std::string(kApiVersion) + ", not '" + request.version + "'";
      return;
    }
    const auto lock = registry_.settled();
    store::NodeRecord record;
    if (registry_.nodes->get(request.node, &record).ok() && record.status == store::NodeStatus::kUsed)
      held_by_ = record.task;
  }
  gtype::Result<jn::AfterJoin::Choice> choose_welcome_or_refused() override {
    if (!refusal_.empty()) return jn::AfterJoin::Choice(jn::AfterJoin::Refused{refusal_});
    return jn::AfterJoin::Choice(jn::AfterJoin::Welcome{sorts::SystemEndpoints{map_.endpoints, held_by_}});
  }

 private:
  static constexpr const char* kApiVersion = "v1";  // listing 5.2's `version`
  const system::SystemMap& map_;
  Registry& registry_;
  const std::string principal_;
  std::string refusal_;  // "" welcome
  std::string held_by_;  // the task whose formation holds the node ("" none)
};

}  // namespace

gtype::rt::ZmqOptions health_check_links() {
  gtype::rt::ZmqOptions zmq;
  zmq.max_links = 20000;
  zmq.heartbeat_interval = std::chrono::milliseconds(1000);
  zmq.peer_timeout = std::chrono::milliseconds(3000);
  return zmq;
}

gtype::Status run_nodes(const system::SystemMap& map, const system::Network& network,
                        const NodesOptions& options, const std::atomic<bool>& stop) {
  Registry registry;
  registry.options = options;
  if (gtype::Status opened = open_store(map, "nodes", &registry.db); !opened.ok()) return opened;
  if (gtype::Status s = store::NodeRegistry::open(registry.db.get(), &registry.nodes); !s.ok()) return s;

  system::Host host;
  Served served;
  served.add<hc::Role>(
      host, map, network, "HealthCheck", "nodes",
      [&](const rt::SessionInfo& session) { return std::make_unique<HealthCheckNodes>(registry, session); },
      health_check_links());
  served.add<cf::Role>(host, map, network, "ClusterFormation", "nodes",
                       per_session([&] { return std::make_unique<ClusterFormationNodes>(registry); }));
  served.add<ic::Role>(host, map, network, "IdempotencyCheck", "nodes",
                       per_session([&] { return std::make_unique<IdempotencyCheckNodes>(registry); }));
  served.add<ld::Role>(host, map, network, "ListDetail", "nodes",
                       per_session([&] { return std::make_unique<ListDetailNodes>(registry); }));
  served.add<fm::Role>(host, map, network, "Formation", "nodes",
                       per_session([&] { return std::make_unique<FormationNodes>(registry); }));
  served.add<rl::Role>(host, map, network, "Release", "nodes",
                       per_session([&] { return std::make_unique<ReleaseNodes>(registry); }));
  served.add<nl::Role>(host, map, network, "NodeList", "nodes",
                       per_session([&] { return std::make_unique<NodeListNodes>(registry); }));
  served.add<dl::Role>(host, map, network, "Deletion", "nodes",
                       per_session([&] { return std::make_unique<DeletionNodes>(registry); }));
  served.add<jn::Role>(host, map, network, "Join", "entry", [&](const rt::SessionInfo& session) {
    return std::make_unique<JoinEntry>(map, registry, principal_of(session, "node"));
  });
  if (!served.status().ok()) return served.status();
  host.add("health check commits",
           [&](const std::atomic<bool>& s) { return commit_checks_periodically(registry, s); });
  return host.run(stop);
}

}  // namespace c12s::services
