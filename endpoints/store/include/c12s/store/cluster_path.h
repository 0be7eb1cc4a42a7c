// The place of a cluster in the desired state: topology / region / cluster.
//
// Listing 5.3 keys the desired state by the path of names from the topology down to the node.
// Names never hold '/' (model::is_name), so the path written with '/' separators is
// unambiguous and can be split back.
#pragma once

#include <compare>
#include <string>

namespace c12s::store {

struct ClusterPath {
  std::string topology;
  std::string region;
  std::string cluster;

  // "topology/region/cluster".
  std::string to_string() const { return topology + "/" + region + "/" + cluster; }
  // Every part is a name of model::is_name.
  bool valid() const;

  friend bool operator==(const ClusterPath&, const ClusterPath&) = default;
  friend auto operator<=>(const ClusterPath&, const ClusterPath&) = default;
};

}  // namespace c12s::store
