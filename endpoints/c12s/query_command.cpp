// c12s query --selector k=v,... [--subset]: the free nodes that a selector matches (rules
// 4.9-4.11; with --subset, without 4.9's equal label count), as a ClusterFormation session that
// queries once and quits.
#include <cluster_formation/user.h>

#include <cstdio>

#include "c12s/model/selector.h"
#include "commands.h"
#include "output.h"

namespace c12s::cli {
namespace {
namespace cf = gtype_gen::cluster_formation::user;
}  // namespace

int query_command(const ClientOptions& options, const std::string& selector_text, bool subset) {
  std::optional<model::Selector> selector = selector_arg(selector_text);
  if (!selector) return 2;
  std::optional<Client> client = client_of(options);
  if (!client) return 1;
  auto fail = [](const gtype::Status& e) { return failure("query", e); };
  auto role = client->network.bind<cf::Role>("ClusterFormation", 0, client->map.directory("ClusterFormation"),
                                             client->endpoint);
  if (!role.ok()) return fail(role.error());
  auto s0 = role->start();
  if (!s0.ok()) return fail(s0.error());
  if (subset) selector->subset = true;
  auto s1 = std::move(*s0).connect_query(*selector);
  if (!s1.ok()) return fail(s1.error());
  auto resp = std::move(*s1).receive();
  if (!resp.ok()) return fail(resp.error());
  const sorts::NodeList nodes = resp->value;
  if (auto end = std::move(resp->next).send_quit(); !end.ok()) return fail(end.error());

  out::QueryOutput output{kOutputSchema, {}};
  for (const sorts::NodeStatus& node : nodes.nodes) output.nodes.push_back(free_node_row(node));
  if (options.json) return print_json(output);
  if (output.nodes.empty()) {
    std::printf("no free node matches %s\n", model::format_selector(*selector).c_str());
    return 0;
  }
  std::fputs(rows_table(output.nodes).c_str(), stdout);
  return 0;
}

}  // namespace c12s::cli
