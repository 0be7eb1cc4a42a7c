// c12s: the micro-cloud control plane's command (thesis 5.2): query free nodes, mutate and
// list topologies, read task logs, and start the whole system on this machine (`c12s up`).
// The processes of the system run this same binary (`c12s service`, `c12s daemon`).
#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace c12s::cli;
  CLI::App app{"c12s: micro clouds of edge nodes, over verified protocols (see README.md)", "c12s"};
  app.require_subcommand(1);
  ClientOptions client;
  auto add_client_options = [&](CLI::App* command) {
    command->add_option("--system", client.system,
                        "the system map (default: $C12S_SYSTEM, else c12s-data/system.yaml)");
    command->add_flag("--json", client.json, "print JSON, for scripts");
    command->add_option("--timeout", client.timeout_ms, "milliseconds to wait for each answer")
        ->check(CLI::PositiveNumber);
  };

  std::string selector;
  CLI::App* query = app.add_subcommand("query", "list the free nodes a selector matches (rules 4.9-4.11)");
  query->add_option("--selector", selector, "labels as k=v,k2=v2")->required();
  bool subset = false;
  query->add_flag("--subset", subset, "nodes with more labels than the selector match too (no rule 4.9)");
  add_client_options(query);

  std::string file;
  bool no_wait = false;
  CLI::App* mutate =
      app.add_subcommand("mutate", "form a topology (listing 5.4); the same one again changes nothing");
  mutate->add_option("-f,--file", file, "the topology's YAML file")->required();
  mutate->add_flag("--no-wait", no_wait, "print the task id and return, without following the task");
  add_client_options(mutate);

  bool detail = false;
  CLI::App* list = app.add_subcommand("list", "list the topologies (--detail: their clusters and nodes)");
  list->add_flag("--detail", detail, "every formed cluster with its nodes");
  list->add_option("--selector", selector, "only topologies with these labels (k=v,k2=v2)");
  add_client_options(list);

  CLI::App* logs = app.add_subcommand("logs", "read the log service");
  logs->require_subcommand(1);
  std::string task;
  CLI::App* logs_get = logs->add_subcommand("get", "a task's records, oldest first");
  logs_get->add_option("TASK", task, "the task id `c12s mutate` printed")->required();
  add_client_options(logs_get);
  unsigned limit = 100;
  CLI::App* logs_list = logs->add_subcommand("list", "records whose labels include the selector's");
  logs_list->add_option("--selector", selector, "labels as k=v,k2=v2 (e.g. service=nodes)")->required();
  logs_list->add_option("--limit", limit, "at most this many, the newest (0: all)");
  add_client_options(logs_list);

  UpOptions up_options;
  up_options.program = argv[0];
  CLI::App* up =
      app.add_subcommand("up", "start every service and N node daemons on this machine, until Ctrl-C");
  up->add_option("--nodes", up_options.nodes, "node daemons to start (node-1 ... node-N)");
  up->add_option("--data", up_options.data, "where the services keep their data and logs");
  up->add_option("--port", up_options.port,
                 "BASE: every port up listens on (127.0.0.1) is in BASE ... BASE+22+3N: the services' from "
                 "BASE, then 3 per node daemon (formations, SWIM ping, SWIM ping-req); all must be free, and "
                 "best outside the kernel's ephemeral ports (/proc/sys/net/ipv4/ip_local_port_range, "
                 "usually 32768-60999)");
  up->add_option("--queues", up_options.queues, "the queue service's queues and token buckets (listing 5.5)")
      ->check(CLI::ExistingFile);

  std::string name, system_file, config, queues, listen = "tcp://127.0.0.1:0";
  CLI::App* service = app.add_subcommand("service", "run one service of the system (c12s up starts them)");
  service->add_option("NAME", name, "log, nodes, state, queue, push or scheduler")->required();
  service->add_option("--system", system_file, "the system map")->required();
  service->add_option("--queues", queues, "queue: its queues and token buckets (listing 5.5)");
  CLI::App* daemon = app.add_subcommand("daemon", "run a node daemon (c12s up starts them)");
  daemon->add_option("--config", config, "the daemon's configuration (listing 5.2)")->required();
  daemon->add_option("--system", system_file, "the system map")->required();
  daemon->add_option("--listen", listen, "where the daemon takes formations");
  std::string formation_file;
  daemon->add_option("--formation-file", formation_file,
                     "where it keeps the formation it took, across restarts");

  CLI11_PARSE(app, argc, argv);
  if (query->parsed()) return query_command(client, selector, subset);
  if (mutate->parsed()) return mutate_command(client, file, !no_wait);
  if (list->parsed()) return list_command(client, selector, detail);
  if (logs_get->parsed()) return logs_get_command(client, task);
  if (logs_list->parsed()) return logs_list_command(client, selector, limit);
  if (up->parsed()) return up_command(up_options);
  if (service->parsed()) return service_command(name, system_file, queues);
  if (daemon->parsed()) return daemon_command(config, system_file, listen, formation_file);
  return 2;
}
