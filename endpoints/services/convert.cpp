// Conversions between sorts and model/store types, and the data files of a service.
#include "c12s/services/convert.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "c12s/model/quantity.h"

namespace c12s::services {

std::string task_id(std::uint64_t session) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(session));
  return text;
}

store::Time now_millis() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

gtype::Status open_store(const system::SystemMap& map, const char* service,
                         std::unique_ptr<store::Database>* out) {
  const std::filesystem::path dir = std::filesystem::path(map.data_dir) / service;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return gtype::Status::io_error("cannot create " + dir.string() + ": " + ec.message());
  return store::Database::open((dir / (std::string(service) + ".db")).string(), out);
}

ClusterViews::ClusterViews(const std::vector<store::NodeRecord>& all, store::Time now) {
  std::map<std::string, const store::NodeRecord*> by_id;
  for (const store::NodeRecord& record : all) by_id[record.id] = &record;
  for (const store::NodeRecord& viewer : all) {
    if (!viewer.cluster) continue;
    for (const auto& [seen, state] : viewer.swim) {
      auto member = by_id.find(seen);
      if (member == by_id.end() || member->second->cluster != viewer.cluster) continue;
      views_[seen][viewer.id] = state;
      if (viewer.live(now) && state != "alive") suspected_.insert(seen);
    }
  }
}

std::map<std::string, std::string> ClusterViews::of(const std::string& id) const {
  auto found = views_.find(id);
  return found == views_.end() ? std::map<std::string, std::string>{} : found->second;
}

sorts::NodeStatus to_sort(const store::NodeRecord& record, std::chrono::milliseconds lease, store::Time now,
                          const ClusterViews& views) {
  sorts::NodeStatus out;
  out.health = !record.live(now) ? "dead" : views.suspected(record.id) ? "suspect" : "alive";
  out.swim = views.of(record.id);
  out.id = record.id;
  out.name = record.name;
  out.labels = std::map<std::string, std::string>(record.labels.begin(), record.labels.end());
  out.metrics = std::map<std::string, double>(record.metrics.begin(), record.metrics.end());
  out.status = store::node_status_name(record.status);
  out.lease = static_cast<std::uint64_t>(std::chrono::ceil<std::chrono::seconds>(lease).count());
  if (record.cluster) {
    out.topology = record.cluster->topology;
    out.region = record.cluster->region;
    out.cluster = record.cluster->cluster;
  }
  out.last_seen =
      std::chrono::floor<std::chrono::seconds>(record.lease_deadline - lease).time_since_epoch().count();
  return out;
}

std::vector<std::string> node_ids(const sorts::TopologySpec& topology) {
  std::vector<std::string> ids;
  for (const sorts::RegionSpec& region : topology.regions) {
    for (const sorts::ClusterSpec& cluster : region.clusters) {
      for (const sorts::NodeSpec& node : cluster.nodes) ids.push_back(node.id);
    }
  }
  return ids;
}

sorts::ListDetailView detail_view(const std::vector<store::NodeRecord>& nodes,
                                  const sorts::MetricsQuery& query, std::chrono::milliseconds lease,
                                  store::Time now) {
  const ClusterViews views(nodes, now);
  const std::set<std::string> wanted(query.nodes.begin(), query.nodes.end());
  const std::set<std::string> metrics(query.metrics.begin(), query.metrics.end());
  std::map<store::ClusterPath, sorts::ClusterDetail> clusters;  // ordered: deterministic output
  for (const store::NodeRecord& node : nodes) {
    if (!node.cluster || (!wanted.empty() && !wanted.count(node.id))) continue;
    sorts::ClusterDetail& detail = clusters[*node.cluster];
    detail.topology = node.cluster->topology;
    detail.region = node.cluster->region;
    detail.cluster = node.cluster->cluster;
    detail.nodes.push_back(to_sort(node, lease, now, views));
    const std::int64_t seen =
        std::chrono::floor<std::chrono::seconds>(node.lease_deadline - lease).time_since_epoch().count();
    for (const auto& [name, value] : node.metrics) {
      if (!metrics.empty() && !metrics.count(name)) continue;
      detail.series.push_back(sorts::MetricSeries{node.id, name, {seen}, {value}});
    }
  }
  sorts::ListDetailView view;
  for (auto& [path, detail] : clusters) view.clusters.push_back(std::move(detail));
  return view;
}

}  // namespace c12s::services
