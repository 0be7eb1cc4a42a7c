// Topology files: the desired state a mutate operation submits (thesis 5.2.2, listing 5.4).
//
//   constellations:
//     version: v1                  # required, only v1
//     kind: Topology               # required
//     metadata:                    # optional
//       taskName: default          #   optional
//       queue: default             #   optional, "default" if not given (5.2.3)
//     payload:
//       name: MyTopology           # required, the idempotency store's key (eq. 4.13)
//       selector:                  # optional: labels of the whole topology
//         labels: {l1: v1}
//       topology:                  # required: region name -> region
//         region1:                 #   cluster name -> cluster; 'selector' gives region labels
//           cluster1:              #   node id -> node; 'retention' and 'selector' are reserved
//             retention:
//               period: 24h        #     how long metrics are kept
//             machineid1:          #   a node: empty, or 'name' and 'selector' (labels)
//               name: node1
//
// Regions, clusters and nodes are keyed by their names and ids, as in the listing, so the
// words 'selector' (region, cluster) and 'retention' (cluster) cannot name a cluster or a node.
// The parser checks every rule and reports every error it finds, each with its place and the
// key at fault: unknown keys (with a note of the allowed ones), missing or mistyped values,
// a name given twice among siblings, a node in two clusters, and empty regions or clusters.
// It does not look nodes up: whether they exist and are free is the Nodes service's question.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "c12s/model/labels.h"
#include "c12s/model/result.h"

namespace c12s::model {

// The structs below map one to one onto the sorts of the same names in protocols/sorts.gtype
// (retention is a duration here, format_duration() gives the sort's text), plus region and
// cluster labels, which the sorts leave out.

struct TaskMeta {
  std::string task_name;  // `taskName`, empty if not given
  std::string queue = "default";

  friend bool operator==(const TaskMeta&, const TaskMeta&) = default;
};

struct NodeSpec {
  std::string id;    // the machine id: the key in the file
  std::string name;  // empty if not given: the node keeps its name
  Labels labels;     // empty if not given: the nearest labels above apply (effective_labels)

  friend bool operator==(const NodeSpec&, const NodeSpec&) = default;
};

struct ClusterSpec {
  std::string name;
  std::optional<std::chrono::milliseconds> retention;  // `retention: period:`, > 0
  Labels labels;
  std::vector<NodeSpec> nodes;  // file order; at least one; ids unique in the topology

  friend bool operator==(const ClusterSpec&, const ClusterSpec&) = default;
};

struct RegionSpec {
  std::string name;
  Labels labels;
  std::vector<ClusterSpec> clusters;  // file order; at least one; names unique in the region

  friend bool operator==(const RegionSpec&, const RegionSpec&) = default;
};

struct TopologySpec {
  std::string version;  // "v1"
  std::string kind;     // "Topology"
  TaskMeta meta;
  std::string name;
  Labels labels;                    // `payload: selector: labels:`
  std::vector<RegionSpec> regions;  // file order; at least one; names unique

  friend bool operator==(const TopologySpec&, const TopologySpec&) = default;
};

// Parses the YAML `text`; `file` names it in diagnostics.
Result<TopologySpec> parse_topology(std::string_view text, std::string_view file);
// Reads and parses the file at `path`; an unreadable file is a diagnostic too.
Result<TopologySpec> load_topology_file(const std::string& path);

// The labels a node gets (4.6.3: users may override a node's labels when forming a cluster):
// the first non-empty set of node, cluster, region, topology. A set replaces the ones above
// it, it does not merge with them ("node3 redefines this rule", listing 5.4). Empty if none
// is given: the node keeps its own labels.
const Labels& effective_labels(const TopologySpec& topology, const RegionSpec& region,
                               const ClusterSpec& cluster, const NodeSpec& node);

}  // namespace c12s::model
