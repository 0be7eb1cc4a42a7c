// The topology file parser: one function per level of listing 5.4, each reporting what is
// wrong at its level and going on with what it could read.
#include "c12s/model/topology.h"

#include <map>

#include "c12s/model/quantity.h"
#include "c12s/model/quote.h"
#include "yaml_reader.h"

namespace c12s::model {
namespace {

using yaml::Entry;
using yaml::Reader;

// The labels of a `selector: labels:` block; `owner` names who they belong to.
std::optional<Labels> selector_labels(Reader& reader, const Entry& selector, const std::string& owner) {
  const std::string what = "'selector' of " + owner;
  const std::optional<std::vector<Entry>> entries = reader.map(selector, what, "a map with the key 'labels'");
  if (!entries) return std::nullopt;
  reader.reject_unknown(*entries, what, {"labels"});
  const Entry* labels = reader.require(*entries, selector, what, "labels");
  if (labels == nullptr) return std::nullopt;
  return reader.labels(*labels, "'labels' of " + owner);
}

class TopologyParser {
 public:
  explicit TopologyParser(Reader& reader) : reader_(reader) {
    topology_.meta.queue = "default";  // 5.2.3: where a file that names no queue goes
  }

  TopologySpec parse(const Entry& document) {
    const std::optional<std::vector<Entry>> top =
        reader_.map(document, "the file", "a map with the key 'constellations'");
    if (!top) return std::move(topology_);
    reader_.reject_unknown(*top, "the file", {"constellations"});
    if (const Entry* c = reader_.require(*top, document, "the file", "constellations")) constellations(*c);
    return std::move(topology_);
  }

 private:
  struct NodeUse {
    std::string region;
    std::string cluster;
    gtype::SourceLocation at;
  };

  void constellations(const Entry& entry) {
    const std::string what = "'constellations'";
    const std::optional<std::vector<Entry>> entries = reader_.map(entry, what, "a map");
    if (!entries) return;
    reader_.reject_unknown(*entries, what, {"version", "kind", "metadata", "payload"});
    if (const Entry* version = reader_.require(*entries, entry, what, "version")) {
      if (std::optional<std::string> text = reader_.text(*version)) {
        if (*text != "v1") {
          reader_.error(reader_.value_place(*version),
                        "unsupported version " + quote(*text) + ", only 'v1' is known");
        }
        topology_.version = *text;
      }
    }
    if (const Entry* kind = reader_.require(*entries, entry, what, "kind")) {
      if (std::optional<std::string> text = reader_.text(*kind)) {
        if (*text != "Topology") {
          reader_.error(reader_.value_place(*kind), "'kind' must be 'Topology', not " + quote(*text));
        }
        topology_.kind = *text;
      }
    }
    if (const Entry* metadata = Reader::find(*entries, "metadata")) this->metadata(*metadata);
    if (const Entry* payload = reader_.require(*entries, entry, what, "payload")) this->payload(*payload);
  }

  void metadata(const Entry& entry) {
    const std::optional<std::vector<Entry>> entries = reader_.map(entry, "'metadata'", "a map");
    if (!entries) return;
    reader_.reject_unknown(*entries, "'metadata'", {"taskName", "queue"});
    if (const Entry* task = Reader::find(*entries, "taskName")) {
      if (std::optional<std::string> text = reader_.text(*task)) topology_.meta.task_name = *text;
    }
    if (const Entry* queue = Reader::find(*entries, "queue")) {
      if (std::optional<std::string> name = reader_.name(*queue)) topology_.meta.queue = *name;
    }
  }

  void payload(const Entry& entry) {
    const std::optional<std::vector<Entry>> entries = reader_.map(entry, "'payload'", "a map");
    if (!entries) return;
    reader_.reject_unknown(*entries, "'payload'", {"name", "selector", "topology"});
    if (const Entry* name = reader_.require(*entries, entry, "'payload'", "name")) {
      if (std::optional<std::string> text = reader_.name(*name)) topology_.name = *text;
    }
    if (const Entry* selector = Reader::find(*entries, "selector")) {
      if (std::optional<Labels> labels = selector_labels(reader_, *selector, "the topology")) {
        topology_.labels = *labels;
      }
    }
    if (const Entry* regions = reader_.require(*entries, entry, "'payload'", "topology")) {
      this->regions(*regions);
    }
  }

  void regions(const Entry& entry) {
    const std::optional<std::vector<Entry>> entries = reader_.map(entry, "'topology'", "a map of regions");
    if (!entries) return;
    if (entries->empty()) reader_.error(reader_.value_place(entry), "'topology' has no regions");
    for (const Entry& region : *entries) topology_.regions.push_back(this->region(region));
  }

  RegionSpec region(const Entry& entry) {
    RegionSpec region{entry.key, {}, {}};
    check_name(entry, "region name");
    const std::string what = "region " + quote(entry.key);
    const std::optional<std::vector<Entry>> entries = reader_.map(entry, what, "a map of clusters");
    if (!entries) return region;
    for (const Entry& child : *entries) {
      if (child.key == "selector") {
        if (std::optional<Labels> labels = selector_labels(reader_, child, what)) region.labels = *labels;
      } else {
        region.clusters.push_back(cluster(child, region.name));
      }
    }
    if (region.clusters.empty()) reader_.error(reader_.key_place(entry), what + " has no clusters");
    return region;
  }

  ClusterSpec cluster(const Entry& entry, const std::string& region) {
    ClusterSpec cluster{entry.key, std::nullopt, {}, {}};
    check_name(entry, "cluster name");
    const std::string what = "cluster " + quote(entry.key) + " of region " + quote(region);
    const std::optional<std::vector<Entry>> entries = reader_.map(entry, what, "a map of nodes");
    if (!entries) return cluster;
    for (const Entry& child : *entries) {
      if (child.key == "retention") {
        if (std::optional<std::chrono::milliseconds> period = retention(child, what))
          cluster.retention = format_duration(*period);
      } else if (child.key == "selector") {
        if (std::optional<Labels> labels = selector_labels(reader_, child, what)) cluster.labels = *labels;
      } else {
        cluster.nodes.push_back(node(child, region, cluster.name));
      }
    }
    if (cluster.nodes.empty()) reader_.error(reader_.key_place(entry), what + " has no nodes");
    return cluster;
  }

  std::optional<std::chrono::milliseconds> retention(const Entry& entry, const std::string& cluster) {
    const std::string what = "'retention' of " + cluster;
    const std::optional<std::vector<Entry>> entries = reader_.map(entry, what, "a map with the key 'period'");
    if (!entries) return std::nullopt;
    reader_.reject_unknown(*entries, what, {"period"});
    const Entry* period = reader_.require(*entries, entry, what, "period");
    return period == nullptr ? std::nullopt : reader_.duration(*period);
  }

  NodeSpec node(const Entry& entry, const std::string& region, const std::string& cluster) {
    NodeSpec node{entry.key, {}, {}};
    check_name(entry, "node id");
    const gtype::SourceLocation at = reader_.key_place(entry);
    const auto [first, inserted] = node_uses_.emplace(entry.key, NodeUse{region, cluster, at});
    if (!inserted) {
      reader_
          .error(at, "node " + quote(entry.key) + " is already in cluster " + quote(first->second.cluster) +
                         " of region " + quote(first->second.region))
          .notes.push_back({first->second.at, quote(entry.key) + " first used here"});
    }
    const std::string what = "node " + quote(entry.key);
    if (entry.value.IsNull()) return node;  // `machineid1:` alone: a node with no name or labels
    if (!entry.value.IsMap()) {
      reader_.error(reader_.value_place(entry),
                    what + " must be a map with 'name' or 'selector', or empty, not " +
                        (entry.value.IsSequence() ? "a list" : "text"));
      return node;
    }
    const std::optional<std::vector<Entry>> entries = reader_.map(entry, what, "a map");
    if (!entries) return node;
    reader_.reject_unknown(*entries, what, {"name", "selector"});
    if (const Entry* name = Reader::find(*entries, "name")) {
      if (std::optional<std::string> text = reader_.name(*name)) node.name = *text;
    }
    if (const Entry* selector = Reader::find(*entries, "selector")) {
      if (std::optional<Labels> labels = selector_labels(reader_, *selector, what)) node.labels = *labels;
    }
    return node;
  }

  // The key of a region, cluster or node is its name or id.
  void check_name(const Entry& entry, const std::string& what) {
    if (!is_name(entry.key)) {
      reader_.error(reader_.key_place(entry),
                    what + " " + quote(entry.key) + " is not a name of " + std::string(kNameRule));
    }
  }

  Reader& reader_;
  TopologySpec topology_;
  std::map<std::string, NodeUse> node_uses_;  // node id -> its first cluster
};

}  // namespace

Result<TopologySpec> parse_topology(std::string_view text, std::string_view file) {
  Reader reader(file, text);
  const std::optional<Entry> document = reader.load();
  if (!document) return reader.finish();
  TopologySpec topology = TopologyParser(reader).parse(*document);
  if (reader.has_errors()) return reader.finish();
  return topology;
}

Result<TopologySpec> load_topology_file(const std::string& path) {
  return yaml::load_file<TopologySpec>(path, parse_topology);
}

const Labels& effective_labels(const TopologySpec& topology, const RegionSpec& region,
                               const ClusterSpec& cluster, const NodeSpec& node) {
  if (!node.labels.empty()) return node.labels;
  if (!cluster.labels.empty()) return cluster.labels;
  if (!region.labels.empty()) return region.labels;
  return topology.labels;
}

}  // namespace c12s::model
