// c12s list [--detail] [--selector k=v,...]: a ListDetail session (`list_brief`, or `list` for
// the detailed view of every formed cluster and its nodes).
#include <list_detail/user.h>

#include <cstdio>

#include "c12s/model/selector.h"
#include "commands.h"
#include "output.h"

namespace c12s::cli {
namespace {

namespace ld = gtype_gen::list_detail::user;

out::TopologyRow topology_row(const sorts::TopologyBrief& brief) {
  out::TopologyRow row{brief.name, brief.regions, brief.clusters, brief.nodes, std::nullopt, brief.labels};
  if (auto alive = brief.utilisation.find("alive"); alive != brief.utilisation.end())
    row.alive_percent = alive->second * 100;
  return row;
}

int print_brief(const ClientOptions& options, const sorts::ListBriefView& view) {
  out::ListOutput output{kOutputSchema, {}};
  for (const sorts::TopologyBrief& brief : view.topologies) output.topologies.push_back(topology_row(brief));
  if (options.json) return print_json(output);
  if (output.topologies.empty()) {
    std::printf("no topology\n");
    return 0;
  }
  std::fputs(rows_table(output.topologies).c_str(), stdout);
  return 0;
}

int print_detail(const ClientOptions& options, const sorts::ListDetailView& view) {
  out::ListDetailOutput output{kOutputSchema, {}};
  for (const sorts::ClusterDetail& detail : view.clusters) {
    out::ClusterRow& cluster = output.clusters.emplace_back();
    cluster = out::ClusterRow{detail.topology, detail.region, detail.cluster, {}};
    for (const sorts::NodeStatus& node : detail.nodes) cluster.nodes.push_back(node_row(node));
  }
  if (options.json) return print_json(output);
  if (output.clusters.empty()) {
    std::printf("no cluster\n");
    return 0;
  }
  for (const out::ClusterRow& cluster : output.clusters) {
    std::printf("%s/%s/%s\n", printable(cluster.topology).c_str(), printable(cluster.region).c_str(),
                printable(cluster.cluster).c_str());
    std::fputs(indented(rows_table(cluster.nodes), "  ").c_str(), stdout);
  }
  return 0;
}

}  // namespace

int list_command(const ClientOptions& options, const std::string& selector_text, bool detail) {
  std::optional<model::Selector> selector = selector_arg(selector_text);
  if (!selector) return 2;
  std::optional<Client> client = client_of(options);
  if (!client) return 1;
  auto fail = [](const gtype::Status& e) { return failure("list", e); };
  auto role =
      client->network.bind<ld::Role>("ListDetail", 0, client->map.directory("ListDetail"), client->endpoint);
  if (!role.ok()) return fail(role.error());
  auto s0 = role->start();
  if (!s0.ok()) return fail(s0.error());
  sorts::ListRequest request;
  request.selector = *selector;
  if (detail) {
    auto s1 = std::move(*s0).connect_list(request);
    if (!s1.ok()) return fail(s1.error());
    auto result = std::move(*s1).receive();
    if (!result.ok()) return fail(result.error());
    return print_detail(options, result->value);
  }
  auto s2 = std::move(*s0).connect_list_brief(request);
  if (!s2.ok()) return fail(s2.error());
  auto result = std::move(*s2).receive();
  if (!result.ok()) return fail(result.error());
  return print_brief(options, result->value);
}

}  // namespace c12s::cli
