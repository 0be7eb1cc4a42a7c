// The one rule of cluster paths.
#include "c12s/store/cluster_path.h"
#include "c12s/model/labels.h"

namespace c12s::store {

bool ClusterPath::valid() const {
  return model::is_name(topology) && model::is_name(region) && model::is_name(cluster);
}

}  // namespace c12s::store
