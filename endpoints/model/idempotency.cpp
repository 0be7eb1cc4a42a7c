// Canonical forms and the decision of Algorithm 5. Children are put in order by their own
// canonical text, which is a total order that does not depend on the file's order, so two
// trees are the same sets exactly when their canonical forms are the same strings.
#include "c12s/model/idempotency.h"

#include "c12s/model/quantity.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace c12s::model {
namespace {

std::string field(std::string_view text) { return std::to_string(text.size()) + ":" + std::string(text); }

std::string labels_text(const Labels& labels) {  // std::map: already sorted by key
  std::string out;
  for (const auto& [key, value] : labels) out += "label " + field(key) + " " + field(value) + "\n";
  return out;
}

std::string sorted_join(std::vector<std::string> parts) {
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const std::string& part : parts) out += part;
  return out;
}

std::string node_text(const NodeSpec& node) {
  return "node " + field(node.id) + " " + field(node.name) + "\n" + labels_text(node.labels);
}

std::string cluster_text(const ClusterSpec& cluster) {
  std::string out = "cluster " + field(cluster.name) + "\n";
  // In milliseconds, as it always was: "1d" and "24h" are one retention.
  if (cluster.retention) {
    const std::optional<std::chrono::milliseconds> period = parse_duration(*cluster.retention);
    out +=
        "retention " + (period ? std::to_string(period->count()) + "ms" : field(*cluster.retention)) + "\n";
  }
  out += labels_text(cluster.labels);
  std::vector<std::string> nodes;
  for (const NodeSpec& node : cluster.nodes) nodes.push_back(node_text(node));
  return out + sorted_join(std::move(nodes));
}

std::string region_text(const RegionSpec& region) {
  std::string out = "region " + field(region.name) + "\n" + labels_text(region.labels);
  std::vector<std::string> clusters;
  for (const ClusterSpec& cluster : region.clusters) clusters.push_back(cluster_text(cluster));
  return out + sorted_join(std::move(clusters));
}

}  // namespace

std::string canonical_form(const TopologySpec& topology) {
  std::string out = "topology " + field(topology.name) + "\n" + labels_text(topology.labels);
  std::vector<std::string> regions;
  for (const RegionSpec& region : topology.regions) regions.push_back(region_text(region));
  return out + sorted_join(std::move(regions));
}

std::string fingerprint(const TopologySpec& topology) { return sha256_hex(canonical_form(topology)); }

bool same_topology(const TopologySpec& a, const TopologySpec& b) {
  return canonical_form(a) == canonical_form(b);
}

const char* mutation_check_name(MutationCheck check) {
  switch (check) {
    case MutationCheck::kNew:
      return "new";
    case MutationCheck::kAlreadyFormed:
      return "already formed";
    case MutationCheck::kReplaces:
      return "replaces";
  }
  return "?";
}

MutationCheck IdempotencyIndex::check(const TopologySpec& topology) const {
  const auto found = formed_.find(topology.name);  // the name first: most requests stop here
  if (found == formed_.end()) return MutationCheck::kNew;
  return found->second == fingerprint(topology) ? MutationCheck::kAlreadyFormed : MutationCheck::kReplaces;
}

void IdempotencyIndex::record(const TopologySpec& topology) {
  formed_[topology.name] = fingerprint(topology);
}

std::optional<std::string> IdempotencyIndex::fingerprint_of(std::string_view name) const {
  const auto found = formed_.find(name);
  if (found == formed_.end()) return std::nullopt;
  return found->second;
}

}  // namespace c12s::model
