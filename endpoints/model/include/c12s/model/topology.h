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

#include <sorts/c12s/sorts.h>

#include "c12s/model/labels.h"
#include "c12s/model/result.h"

namespace c12s::model {

// The desired state is the sorts of protocols/sorts.gtype, generated (<sorts/c12s/sorts.h>):
// one definition of a topology for the parser, the stores and the protocols. Retention is the
// canonical text of a duration (format_duration), a queue "default" when the file gives none.
using TaskMeta = gtype_gen::sorts::c12s::sorts::TaskMeta;
using NodeSpec = gtype_gen::sorts::c12s::sorts::NodeSpec;        // labels: its own; ids unique
using ClusterSpec = gtype_gen::sorts::c12s::sorts::ClusterSpec;  // file order; at least one node
using RegionSpec = gtype_gen::sorts::c12s::sorts::RegionSpec;    // at least one cluster
using TopologySpec = gtype_gen::sorts::c12s::sorts::TopologySpec;

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
