// c12s list [--detail] [--selector k=v,...]: a ListDetail session (`list_brief`, or `list` for
// the detailed view of every formed cluster and its nodes).
#include <list_detail/user.h>

#include <cstdio>

#include "c12s/model/selector.h"
#include "commands.h"

namespace c12s::cli {
namespace {

namespace ld = gtype_gen::list_detail::user;
namespace sorts = gtype_gen::sorts::c12s::sorts;

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

int print_brief(const ClientOptions& options, const sorts::ListBriefView& view) {
  if (options.json) {
    std::string out = "{\"topologies\": [";
    for (std::size_t i = 0; i < view.topologies.size(); ++i) {
      const sorts::TopologyBrief& t = view.topologies[i];
      out += (i ? ", " : "") + std::string("{\"name\": ") + json_string(t.name) +
             ", \"labels\": " + json_labels(t.labels) + ", \"regions\": " + std::to_string(t.regions) +
             ", \"clusters\": " + std::to_string(t.clusters) + ", \"nodes\": " + std::to_string(t.nodes) +
             "}";
    }
    std::printf("%s]}\n", out.c_str());
    return 0;
  }
  if (view.topologies.empty()) {
    std::printf("no topology\n");
    return 0;
  }
  std::vector<std::vector<std::string>> rows{{"TOPOLOGY", "REGIONS", "CLUSTERS", "NODES", "ALIVE", "LABELS"}};
  for (const sorts::TopologyBrief& t : view.topologies) {
    auto alive = t.utilisation.find("alive");
    rows.push_back({t.name, std::to_string(t.regions), std::to_string(t.clusters), std::to_string(t.nodes),
                    alive == t.utilisation.end() ? "-" : number(alive->second * 100) + "%",
                    labels_text(t.labels)});
  }
  std::fputs(table(rows).c_str(), stdout);
  return 0;
}

int print_detail(const ClientOptions& options, const sorts::ListDetailView& view) {
  if (options.json) {
    std::string out = "{\"clusters\": [";
    for (std::size_t i = 0; i < view.clusters.size(); ++i) {
      const sorts::ClusterDetail& c = view.clusters[i];
      out += (i ? ", " : "") + std::string("{\"topology\": ") + json_string(c.topology) +
             ", \"region\": " + json_string(c.region) + ", \"cluster\": " + json_string(c.cluster) +
             ", \"nodes\": [";
      for (std::size_t j = 0; j < c.nodes.size(); ++j) {
        out += (j ? ", " : "") + std::string("{\"id\": ") + json_string(c.nodes[j].id) +
               ", \"status\": " + json_string(c.nodes[j].status) +
               ", \"labels\": " + json_labels(c.nodes[j].labels) + "}";
      }
      out += "]}";
    }
    std::printf("%s]}\n", out.c_str());
    return 0;
  }
  if (view.clusters.empty()) {
    std::printf("no cluster\n");
    return 0;
  }
  for (const sorts::ClusterDetail& c : view.clusters) {
    std::printf("%s/%s/%s\n", c.topology.c_str(), c.region.c_str(), c.cluster.c_str());
    std::vector<std::vector<std::string>> rows{{"  NODE", "NAME", "STATUS", "LABELS"}};
    for (const sorts::NodeStatus& n : c.nodes)
      rows.push_back({"  " + n.id, n.name, n.status, labels_text(n.labels)});
    std::fputs(table(rows).c_str(), stdout);
  }
  return 0;
}

}  // namespace

int list_command(const ClientOptions& options, const std::string& selector_text, bool detail) {
  std::optional<model::Selector> selector = selector_arg(selector_text);
  if (!selector) return 2;
  std::optional<Client> client = client_of(options);
  if (!client) return 1;
  auto fail = [](const gtype::rt::Error& e) { return failure("list", e); };
  auto role = ld::Role::bind("tcp://127.0.0.1:0", client->map.directory("ListDetail"), client->endpoint);
  if (!role.ok()) return fail(role.error());
  auto s0 = role->start();
  if (!s0.ok()) return fail(s0.error());
  sorts::ListRequest request;
  request.selector.labels =
      std::map<std::string, std::string>(selector->labels.begin(), selector->labels.end());
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
