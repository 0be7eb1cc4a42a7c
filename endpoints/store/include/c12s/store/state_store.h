// StateStore: the State service's desired state of formed topologies (thesis 5.2.2, listing
// 5.3), their idempotency fingerprints (Algorithm 5), the list operation (Algorithm 6), and
// which nodes of formed clusters are dead.
//
// A topology is stored twice over, in one transaction: as rows keyed by path, one per element
// ("T", "T/R", "T/R/C", "T/R/C/node-id", each with its labels), which listing and liveness
// read, and as its whole TopologySpec with its fingerprint, which get() and a detailed listing
// return as they were submitted (file order, task metadata and all).
//
// Mutations are immutable (the thesis's recreation strategy): replace_topology() swaps in a
// full new state for a topology of the same name, atomically; after it no row of the old one
// remains, and if it fails the old one is untouched. A node belongs to at most one formed
// cluster across all topologies. Liveness starts over with each replace: a new formation.
//
// Not here: forming anything (the caller stores what it formed), node records and metrics
// (NodeRegistry), and reading a clock.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "c12s/model/idempotency.h"
#include "c12s/model/labels.h"
#include "c12s/model/match.h"
#include "c12s/model/selector.h"
#include "c12s/model/topology.h"
#include "c12s/store/cluster_path.h"
#include "c12s/store/database.h"
#include "c12s/store/status.h"
#include "c12s/store/time_point.h"

namespace c12s::store {

struct StoredTopology {
  model::TopologySpec spec;
  std::string fingerprint;  // model::fingerprint(spec)
};

// A node of a formed cluster and whether it is dead.
struct FormedNode {
  std::string id;
  ClusterPath cluster;
  std::optional<Time> dead_since;  // unset while alive

  friend bool operator==(const FormedNode&, const FormedNode&) = default;
};

// Algorithm 6's topology.data(): the global view, without the spec.
struct TopologyBrief {
  std::string name;
  model::Labels labels;
  std::string fingerprint;
  std::size_t regions = 0;
  std::size_t clusters = 0;
  std::size_t nodes = 0;
  std::size_t dead_nodes = 0;

  friend bool operator==(const TopologyBrief&, const TopologyBrief&) = default;
};

// Algorithm 6's topology.collectData(): the spec as submitted and every node, ordered by path.
struct TopologyDetail {
  StoredTopology topology;
  std::vector<FormedNode> nodes;
};

class StateStore {
 public:
  // Creates or upgrades the state's tables in `db`, which must outlive the store.
  static Status open(Database* db, std::unique_ptr<StateStore>* out);

  // Algorithm 5 against the stored fingerprints: new, already formed, or replaces.
  Status check(const model::TopologySpec& spec, model::MutationCheck* out);

  // Stores `spec` in place of any topology of its name, all at once. Rejected, changing
  // nothing, when `fingerprint` is not model::fingerprint(spec), a name is not a name of
  // model::is_name, two elements share a path, or a node is in another topology.
  Status replace_topology(const model::TopologySpec& spec, std::string_view fingerprint);

  // A task's desired state waits here until its formation commits (commit_staged), so that
  // the stored topology stays the formed one meanwhile, and after a failed re-formation
  // (drop_staged). stage() checks what replace_topology() checks of the spec alone (names,
  // paths), and replaces what the task staged before.
  Status stage(std::string_view task, const model::TopologySpec& spec);
  Status staged(std::string_view task, model::TopologySpec* out);  // not found: nothing staged
  // replace_topology() with the staged spec and its own fingerprint, and the stage dropped, in
  // one transaction; *name (if given) gets the topology's name. Not found: nothing staged.
  Status commit_staged(std::string_view task, std::string* name = nullptr);
  Status drop_staged(std::string_view task);  // ok when nothing was staged
  Status fingerprint_of(std::string_view name, std::string* out);  // not found: no such topology
  // Who owns topology `name` (a principal, see system/authority.h); not found: nobody yet.
  Status owner_of(std::string_view name, std::string* out);
  // Makes `owner` the owner of `name` if it has none; rejected, naming the owner, when another
  // owns it. Owners stay when a topology is removed or replaced: a name stays its owner's.
  Status claim(std::string_view name, std::string_view owner);
  Status get(std::string_view name, StoredTopology* out);          // not found: no such topology
  Status remove(std::string_view name);                            // not found: no such topology

  // The topologies whose labels the selector matches, ordered by name. The list operation asks
  // for both rules (4.6.5: kExact); kSubset with an empty selector lists every topology.
  Status list(const model::Selector& selector, model::MatchMode mode, std::vector<TopologyBrief>* out);
  Status list_detail(const model::Selector& selector, model::MatchMode mode,
                     std::vector<TopologyDetail>* out);

  // Node `id` of a formed cluster is dead since `now` (kept if it was already dead), or alive
  // again. Not found: the node is in no formed cluster.
  Status mark_node_dead(std::string_view id, Time now);
  Status mark_node_alive(std::string_view id);
  // The dead nodes of every formed cluster, ordered by path.
  Status dead_nodes(std::vector<FormedNode>* out);

 private:
  explicit StateStore(Database* db) : db_(db) {}
  // The names and labels of the topologies the selector matches, ordered by name.
  Status matching(const model::Selector& selector, model::MatchMode mode,
                  std::vector<std::pair<std::string, model::Labels>>* out);
  // The nodes of the topologies named `topology` (all if empty), ordered by path.
  Status formed_nodes(std::string_view topology, bool dead_only, std::vector<FormedNode>* out);

  Database* db_;
};

}  // namespace c12s::store
