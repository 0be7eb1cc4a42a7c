// c12s list [--detail] [--selector k=v,...]: a ListDetail session (`list_brief`, or `list` for
// the detailed view of every formed cluster and its nodes). list_brief() and list_detail() run
// the session and return the output sort (sessions.h; the dashboard uses them too);
// list_command() prints it.
#include <list_detail/user.h>

#include <cstdio>

#include "c12s/model/selector.h"
#include "commands.h"
#include "output.h"
#include "sessions.h"

namespace c12s::cli {
namespace {

namespace ld = gtype_gen::list_detail::user;

out::TopologyRow topology_row(const sorts::TopologyBrief& brief) {
  out::TopologyRow row{brief.name, brief.regions, brief.clusters, brief.nodes, std::nullopt, brief.labels};
  if (auto alive = brief.utilisation.find("alive"); alive != brief.utilisation.end())
    row.alive_percent = alive->second * 100;
  return row;
}

sorts::ListRequest request_of(const model::Selector& selector) {
  sorts::ListRequest request;
  request.selector = selector;
  return request;
}

int print_brief(const ClientOptions& options, const out::ListOutput& output) {
  if (options.json) return print_json(output);
  if (output.topologies.empty()) {
    std::printf("no topology\n");
    return 0;
  }
  std::fputs(rows_table(output.topologies).c_str(), stdout);
  return 0;
}

int print_detail(const ClientOptions& options, const out::ListDetailOutput& output) {
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

gtype::Result<out::ListOutput> list_brief(const Client& client, const model::Selector& selector) {
  const sorts::ListRequest request = request_of(selector);
  gtype::Result<sorts::ListBriefView> view = ask_once<sorts::ListBriefView, ld::Role>(
      client, "ListDetail", [&](ld::Start s0) { return std::move(s0).connect_list_brief(request); });
  if (!view.ok()) return view.error();
  out::ListOutput output{kOutputSchema, {}};
  for (const sorts::TopologyBrief& brief : view->topologies) output.topologies.push_back(topology_row(brief));
  return output;
}

gtype::Result<out::ListDetailOutput> list_detail(const Client& client, const model::Selector& selector) {
  const sorts::ListRequest request = request_of(selector);
  gtype::Result<sorts::ListDetailView> view = ask_once<sorts::ListDetailView, ld::Role>(
      client, "ListDetail", [&](ld::Start s0) { return std::move(s0).connect_list(request); });
  if (!view.ok()) return view.error();
  out::ListDetailOutput output{kOutputSchema, {}};
  for (const sorts::ClusterDetail& detail : view->clusters) {
    out::ClusterRow& cluster = output.clusters.emplace_back();
    cluster = out::ClusterRow{detail.topology, detail.region, detail.cluster, {}};
    for (const sorts::NodeStatus& node : detail.nodes) cluster.nodes.push_back(node_row(node));
  }
  return output;
}

int list_command(const ClientOptions& options, const std::string& selector_text, bool detail) {
  std::optional<model::Selector> selector = selector_arg(selector_text);
  if (!selector) return 2;
  std::optional<Client> client = client_of(options);
  if (!client) return 1;
  if (detail) {
    gtype::Result<out::ListDetailOutput> output = list_detail(*client, *selector);
    return output.ok() ? print_detail(options, *output) : failure("list", output.error());
  }
  gtype::Result<out::ListOutput> output = list_brief(*client, *selector);
  return output.ok() ? print_brief(options, *output) : failure("list", output.error());
}

}  // namespace c12s::cli
