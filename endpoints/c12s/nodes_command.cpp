// c12s nodes [--selector k=v,...]: every node the nodes service registered (each that ever sent
// a health check), free, reserved or used, with its health and last check, as a NodeList
// session. With CURVE, only an admin may ask (system/authority.h: the operator's view).
#include <node_list/user.h>

#include <cstdio>

#include "commands.h"
#include "output.h"
#include "sessions.h"

namespace c12s::cli {
namespace {
namespace nl = gtype_gen::node_list::user;
}  // namespace

gtype::Result<out::NodesOutput> nodes_list(const Client& client, const model::Selector& selector) {
  sorts::Selector wanted = selector;
  wanted.subset = true;  // labels that include the selector's
  gtype::Result<sorts::NodeList> answer = ask_once<sorts::NodeList, nl::Role>(
      client, "NodeList", [&](nl::Start start) { return std::move(start).connect_list(wanted); });
  if (!answer.ok()) return answer.error();
  out::NodesOutput output{kOutputSchema, {}};
  for (const sorts::NodeStatus& node : answer->nodes) output.nodes.push_back(nodes_row(node));
  return output;
}

int nodes_command(const ClientOptions& options, const std::string& selector_text) {
  std::optional<model::Selector> selector = selector_arg(selector_text);
  if (!selector) return 2;
  std::optional<Client> client = client_of(options);
  if (!client) return 1;
  gtype::Result<out::NodesOutput> output = nodes_list(*client, *selector);
  if (!output.ok()) return failure("nodes", output.error());
  if (options.json) return print_json(*output);
  if (output->nodes.empty()) {
    std::printf("no node%s\n", selector_text.empty() ? " has sent a health check" : " matches");
    return 0;
  }
  std::fputs(rows_table(output->nodes).c_str(), stdout);
  return 0;
}

}  // namespace c12s::cli
