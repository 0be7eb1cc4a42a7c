// Between the protocols' sorts (generated) and the model and store types, for the services and
// the command, plus the clock and the data files every service opens.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <cluster_formation/types.h>
#include <health_check/types.h>
#include <list_detail/types.h>

#include "c12s/model/selector.h"
#include "c12s/model/topology.h"
#include "c12s/services/services.h"
#include "c12s/store/database.h"
#include "c12s/store/node_registry.h"
#include "c12s/system/system_map.h"
#include "gtype/rt/envelope.h"
#include "gtype/status.h"

namespace c12s::services {

namespace sorts = gtype_gen::sorts::c12s::sorts;

// Wall-clock now, as the stores count time.
store::Time now_millis();

// Opens <data>/<service>/<service>.db, creating the folders.
gtype::Status open_store(const system::SystemMap& map, const char* service,
                         std::unique_ptr<store::Database>* out);

// How the members of each formed cluster see one another, from their last health checks
// (NodeRecord::swim), and what follows for each node's health at a time `now`:
//   dead     its lease ran out (no health check within it);
//   suspect  its lease runs, but a member of its cluster whose own lease runs sees it as suspect
//            or dead (SWIM: it missed that member's probes);
//   alive    otherwise.
// A member's view counts only while that member is live: a dead member's last view is stale.
// Views of nodes outside the viewer's cluster are ignored (a stale view after a re-formation).
class ClusterViews {
 public:
  ClusterViews() = default;  // no views: health from the lease alone
  ClusterViews(const std::vector<store::NodeRecord>& all, store::Time now);

  // Member id -> how that member sees `id` ("alive", "suspect", "dead").
  std::map<std::string, std::string> of(const std::string& id) const;
  bool suspected(const std::string& id) const { return suspected_.count(id) > 0; }

 private:
  std::map<std::string, std::map<std::string, std::string>> views_;  // seen -> viewer -> state
  std::set<std::string> suspected_;
};

// A node's record as the protocols show it: its status named, its lease in whole seconds and
// when it was last seen (the lease's start), derived from the record's deadline, and its health
// at `now` with its cluster's view of it (`views`).
sorts::NodeStatus to_sort(const store::NodeRecord& record, std::chrono::milliseconds lease, store::Time now,
                          const ClusterViews& views = {});

// Every node id of a topology, in file order.
std::vector<std::string> node_ids(const sorts::TopologySpec& topology);

// ListDetail's view from the nodes' side: one ClusterDetail per cluster with used nodes among
// `query.nodes` (all used nodes when empty), each with its nodes and their last metrics (as
// one-point series, named in query.metrics, or all).
sorts::ListDetailView detail_view(const std::vector<store::NodeRecord>& nodes,
                                  const sorts::MetricsQuery& query, std::chrono::milliseconds lease,
                                  store::Time now);

}  // namespace c12s::services
