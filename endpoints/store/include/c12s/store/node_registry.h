// NodeRegistry: the Nodes service's durable record of every node that sent a health check
// (Algorithm 1), with leases, and the reservations of cluster formation (Algorithm 3).
//
// A node is free, reserved (by a task forming a cluster) or used (in a formed cluster), and
// live while its lease runs: every health check renews it to now + lease. Transitions:
//
//   heartbeat of an unknown node ........... -> free
//   reserve(task, ids) ...... free and live  -> reserved by task    (all ids or none)
//   reserve(task, ids, T) ... also: used in topology T by another task -> still used by it,
//                             to be taken over by task (next_task) when its formation commits
//   mark_used(task, paths) .. reserved by task, or to be taken over by it -> used by task in
//                             the path                              (all ids or none)
//   release(task) ........... reserved or used by task -> free; to be taken over by task ->
//                             left as it is (compensation: a failed re-formation leaves its
//                             topology formed)
//   heartbeat after the lease ran out ...... reserved -> free; free and used stay
//
// A node that comes back after its lease ran out was gone long enough for its reservation to
// be unsafe to keep (the forming task may have moved on), so it becomes free; a used node
// stays used, because it still belongs to its cluster until the topology is replaced or the
// task released, and its cluster (SWIM) decides whether it is dead. A lease running out does
// not change the status either: the node is reported dead by expire() and left out of
// free_nodes(), and its record stays for whoever looks (get(), all()).
//
// Invariants kept by the schema: status is one of the three; a task is set iff the node is not
// free; a cluster path is set iff it is used; labels and metrics belong to a node.
//
// Not here: choosing which nodes a topology needs (the caller reserves the ids it names), the
// lease length (the caller's configuration), and reading a clock (every call takes `now`).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sorts/c12s/sorts.h>

#include "c12s/model/labels.h"
#include "c12s/model/match.h"
#include "c12s/model/selector.h"
#include "c12s/store/cluster_path.h"
#include "c12s/store/database.h"
#include "c12s/store/status.h"
#include "c12s/store/time_point.h"

namespace c12s::store {

enum class NodeStatus { kFree, kReserved, kUsed };

// What a task holds: how far its formation got (used > 0: it committed, all at once).
struct TaskHolding {
  std::size_t reserved = 0;
  std::size_t used = 0;
  std::size_t taken_over = 0;  // used nodes it takes over when it commits
  friend bool operator==(const TaskHolding&, const TaskHolding&) = default;
};
const char* node_status_name(NodeStatus status);  // "free", "reserved", "used"

using Metrics = std::map<std::string, double>;  // metric name -> value

// What a health check brings: the protocol's sort itself (protocols/sorts.gtype). The registry
// keeps its id (a name of model::is_name), name, address, labels and metrics (finite values).
using NodeReport = gtype_gen::sorts::c12s::sorts::NodeReport;

struct NodeRecord {
  std::string id;
  std::string name;
  std::string address;
  model::Labels labels;  // as of the last health check
  Metrics metrics;       // as of the last health check
  // As of the last health check: how its SWIM sees each other member of its cluster (member id
  // -> "alive", "suspect" or "dead"); empty while it is in no cluster.
  std::map<std::string, std::string> swim;
  NodeStatus status = NodeStatus::kFree;
  Time lease_deadline;                 // live while now < lease_deadline
  std::string task;                    // the task that reserved or used it; empty iff free
  std::optional<ClusterPath> cluster;  // set iff used
  std::string next_task;               // the re-formation that takes the used node over; may be empty

  bool live(Time now) const { return now < lease_deadline; }

  friend bool operator==(const NodeRecord&, const NodeRecord&) = default;
};

class NodeRegistry {
 public:
  // Creates or upgrades the registry's tables in `db`, which must outlive the registry.
  static Status open(Database* db, std::unique_ptr<NodeRegistry>* out);

  // Algorithm 1: records a health check, renewing the lease to now + lease and replacing the
  // node's name, address, labels, metrics and SWIM view (each state alive, suspect or dead).
  // *status (if given) is the node's status after; *record (if given) its record after, made
  // from the report and what the registry holds (not read back). Labels and SWIM views equal to
  // the stored ones are not rewritten. Inside an open Database::begin() batch it joins the batch
  // (durable at its commit), else it commits on its own.
  Status heartbeat(const NodeReport& report, Time now, std::chrono::milliseconds lease,
                   NodeStatus* status = nullptr, NodeRecord* record = nullptr);

  // The live free nodes whose labels the selector matches (match.h), ordered by id.
  Status free_nodes(const model::Selector& selector, model::MatchMode mode, Time now,
                    std::vector<NodeRecord>* out);

  // Reserves every id for `task`, or none: each must be registered, live and free, and given
  // once. The error names the first id, in the order given, that is not. With `topology` (a
  // re-formation of it), a node used in it by another task counts as free: it is marked to be
  // taken over by `task` and stays in its cluster until mark_used.
  Status reserve(std::string_view task, const std::vector<std::string>& ids, Time now,
                 std::optional<std::string_view> topology = std::nullopt);

  // Frees every node `task` reserved or used: the compensation of a failed formation, and the
  // release of a replaced topology's nodes. Releasing a task that holds nothing is ok, so a
  // compensation can be retried. *released (if given) gets the ids, sorted.
  Status release(std::string_view task, std::vector<std::string>* released = nullptr);

  // Moves nodes reserved by `task`, or to be taken over by it, into their clusters, used by
  // `task`, all or none. A node already used by this task in the same cluster is left as it is
  // (a repeated acknowledgement); any other node is an error naming the first id, in id order.
  Status mark_used(std::string_view task, const std::map<std::string, ClusterPath>& clusters);

  // The ids whose lease ran out at or before `now` and that were not reported since their last
  // health check, sorted: each death is reported once. Statuses are not changed.
  Status expire(Time now, std::vector<std::string>* expired);

  // What `task` holds now.
  Status holding(std::string_view task, TaskHolding* out);

  Status get(std::string_view id, NodeRecord* out);  // not found: never registered
  Status all(std::vector<NodeRecord>* out);          // ordered by id

 private:
  explicit NodeRegistry(Database* db) : db_(db) {}
  // The records of the nodes n for which the SQL condition `where` holds, ordered by id;
  // `bind` binds its parameters.
  Status load(std::string_view where, const std::function<void(Statement&)>& bind,
              std::vector<NodeRecord>* out);
  // Writes a health check's labels, SWIM view and metrics (`known`: the node had rows before).
  Status write_children(const NodeReport& report, bool known);
  // The statement of `sql`, prepared once and kept (a health check runs a dozen: preparing
  // them each time cost more than running them), reset and ready to bind.
  Status prepared(std::string_view sql, Statement** out);

  Database* db_;
  std::map<std::string, Statement, std::less<>> statements_;
};

}  // namespace c12s::store
