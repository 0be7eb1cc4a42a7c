// c12s: the micro-cloud control plane's command (thesis 5.2): query free nodes, mutate and
// list topologies, read task logs, and start the whole system on this machine (`c12s up`).
// The processes of the system run this same binary (`c12s service`, `c12s daemon`).
#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "dashboard.h"

int main(int argc, char** argv) {
  // What this process creates, and the processes `c12s up` starts (this same binary), is its
  // user's alone: the stores' SQLite files with their -wal and -shm (SQLite creates those
  // itself, 0644 less the umask), a daemon's formation file, the logs, ZeroMQ's ipc sockets.
  // The umask is the one setting that covers files created by code that does not ask; set
  // first, before any file exists. Files and folders c12s creates itself are private
  // explicitly too (store/private_files.h), so they do not depend on it.
  umask(077);
  using namespace c12s::cli;
  CLI::App app{"c12s: micro clouds of edge nodes, over verified protocols (see README.md)", "c12s"};
  app.require_subcommand(1);
  ClientOptions client;
  auto add_client_options = [&](CLI::App* command) {
    command->add_option("--system", client.system,
                        "the system map (default: $C12S_SYSTEM, else c12s-data/system.yaml)");
    command->add_flag("--json", client.json, "print JSON, for scripts");
    command->add_option(
        "--key", client.key,
        "your CURVE secret key file, for a system whose addresses are keyed (default: $C12S_KEY, "
        "else ~/.config/c12s/user.key, else the system's keys/admin.key)");
    command->add_option("--timeout", client.timeout_ms, "milliseconds to wait for each answer")
        ->check(CLI::Range(1, 3'600'000).description(""));  // its bounds are in its message
    // What the system answers may hold anything a process that reached a service put there.
    command->footer(
        "Text from the system (names, labels, log messages) is printed with its control characters "
        "escaped, so that it cannot drive the terminal: \\t \\n \\r, \\e (ESC), \\xNN (the other C0 "
        "controls, DEL, and each byte that is not UTF-8), \\u{NN} (C1 controls, U+0080..U+009F), \\\\ (a "
        "backslash). --json escapes them as JSON strings do (\\u001b, \\u007f, \\u009b).");
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

  std::string topology;
  CLI::App* delete_cmd = app.add_subcommand(
      "delete", "delete a topology: its nodes back to the pool, their daemons out of their clusters");
  delete_cmd->add_option("TOPOLOGY", topology, "the topology's name")->required();
  add_client_options(delete_cmd);

  CLI::App* nodes = app.add_subcommand(
      "nodes", "every registered node: status, health, last health check, cluster (an admin's view)");
  nodes->add_option("--selector", selector, "only nodes whose labels include these (k=v,k2=v2)");
  add_client_options(nodes);

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

  DashboardOptions dashboard_options;
  CLI::App* dashboard = app.add_subcommand(
      "dashboard", "serve a web page of the system: topologies, node health, task logs, protocols");
  dashboard->add_option("--listen", dashboard_options.listen, "HOST:PORT to serve at (port 0: any free one)")
      ->capture_default_str();
  dashboard->add_flag("--allow-remote", dashboard_options.allow_remote,
                      "listen beyond loopback: the page has no authentication of its own, whoever reaches "
                      "the port acts as you");
  add_client_options(dashboard);
  dashboard->remove_option(dashboard->get_option("--json"));  // it serves JSON and HTML, prints neither
  dashboard->footer("Text from the system is put in the page as text, never as HTML.");

  // Keys and registration: run where the system's data is (keys_command.cpp).
  std::string key_file, principal_name, out_file;
  bool admin = false;
  CLI::App* key = app.add_subcommand("key", "CURVE key pairs");
  key->require_subcommand(1);
  CLI::App* key_new = key->add_subcommand("new", "make a key pair: FILE (secret, 0600) and FILE.pub");
  key_new->add_option("FILE", key_file, "where the secret key goes")->required();
  CLI::App* node_cmd = app.add_subcommand("node", "the nodes the system admits (CURVE systems)");
  node_cmd->require_subcommand(1);
  CLI::App* node_add = node_cmd->add_subcommand("add", "admit a node daemon by its public key");
  node_add->add_option("NODE", principal_name, "the node's id (nodeid in its daemon.yaml)")->required();
  node_add->add_option("--key", key_file, "its public key file (c12s key new made it, with .pub)")
      ->required();
  node_add->add_option("--system", client.system,
                       "the system map (default: $C12S_SYSTEM, else c12s-data/system.yaml)");
  CLI::App* node_remove = node_cmd->add_subcommand("remove", "admit the node no longer");
  node_remove->add_option("NODE", principal_name, "the node's id")->required();
  node_remove->add_option("--system", client.system, "the system map");
  CLI::App* user_cmd = app.add_subcommand("user", "the users the system admits (CURVE systems)");
  user_cmd->require_subcommand(1);
  CLI::App* user_add = user_cmd->add_subcommand("add", "admit a user: makes the user's key pair");
  user_add->add_option("USER", principal_name, "the user's name")->required();
  user_add->add_flag("--admin", admin, "an operator: sees and changes every user's topologies");
  user_add->add_option("--out", out_file, "where the user's key pair goes (default: ./USER.key)");
  user_add->add_option("--system", client.system, "the system map");
  CLI::App* user_remove = user_cmd->add_subcommand("remove", "admit the user no longer");
  user_remove->add_option("USER", principal_name, "the user's name")->required();
  user_remove->add_flag("--admin", admin, "the user was added with --admin");
  user_remove->add_option("--system", client.system, "the system map");

  InitOptions init_options;
  CLI::App* init = app.add_subcommand(
      "init",
      "make a CURVE system's keys and its map, for services on a host of their own (see docs/deploying.md)");
  init->add_option("--host", init_options.host, "the address every machine reaches the services at")
      ->required();
  init->add_option("--data", init_options.data, "where the services keep their data and keys")
      ->capture_default_str();
  init->add_option("--port", init_options.port, "the services' first port (they take 28)")
      ->capture_default_str();
  init->add_option("--out", init_options.out, "where the map goes (default: DATA/system.yaml)");

  UpOptions up_options;
  up_options.program = argv[0];
  CLI::App* up =
      app.add_subcommand("up", "start every service and N node daemons on this machine, until Ctrl-C");
  up->add_option("--nodes", up_options.nodes, "node daemons to start (node-1 ... node-N)");
  up->add_option("--data", up_options.data, "where the services keep their data and logs");
  up->add_option("--port", up_options.port,
                 "BASE: every port up listens on (127.0.0.1) is in BASE ... BASE+27+3N: the services' from "
                 "BASE, then 3 per node daemon (formations, SWIM ping, SWIM ping-req); all must be free, and "
                 "best outside the kernel's ephemeral ports (/proc/sys/net/ipv4/ip_local_port_range, "
                 "usually 32768-60999)");
  up->add_flag("--plaintext", up_options.plaintext,
               "no CURVE: anyone who reaches 127.0.0.1 may speak any role (default: keys in DATA/keys, "
               "every session encrypted and authenticated)");
  up->add_option("--queues", up_options.queues, "the queue service's queues and token buckets (listing 5.5)")
      ->check(CLI::ExistingFile);

  BenchNodesOptions bench;
  CLI::App* bench_nodes = app.add_subcommand(
      "bench-nodes",
      "simulate N node daemons health-checking a running system, and measure it (bench/nodes.sh)");
  bench_nodes->add_option("--nodes", bench.nodes, "simulated daemons")
      ->check(CLI::Range(1, 20000))
      ->capture_default_str();
  bench_nodes->add_option("--processes", bench.processes, "simulator processes")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  bench_nodes->add_option("--transports", bench.transports, "HealthCheck endpoints per simulator process")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  bench_nodes->add_option("--interval-ms", bench.interval_ms, "each daemon's health-check interval")
      ->check(CLI::Range(10, 60000))
      ->capture_default_str();
  bench_nodes->add_option("--lease-ms", bench.lease_ms, "the nodes service's lease")
      ->check(CLI::Range(1, 3'600'000))
      ->capture_default_str();
  bench_nodes->add_option("--warmup", bench.warmup_s, "seconds of checks before the window")
      ->check(CLI::Range(0, 600))
      ->capture_default_str();
  bench_nodes->add_option("--window", bench.window_s, "seconds measured")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  bench_nodes->add_option("--seed", bench.seed, "draws each daemon's phase in the interval")
      ->capture_default_str();
  bench_nodes->add_option("--pid", bench.pids,
                          "NAME=PID of a service to measure (CPU, peak RSS); repeatable");
  bench_nodes->add_option("--system", client.system,
                          "the system map (default: $C12S_SYSTEM, else c12s-data/system.yaml)");

  std::string name, system_file, config, queues, listen = "tcp://127.0.0.1:0";
  c12s::system::NetworkFlags network;
  CLI::App* service = app.add_subcommand("service", "run one service of the system (c12s up starts them)");
  service->add_option("NAME", name, "log, nodes, state, queue, push or scheduler")->required();
  service->add_option("--system", system_file, "the system map")->required();
  service->add_option("--queues", queues, "queue: its queues and token buckets (listing 5.5)");
  service
      ->add_option("--bind", network.bind_host,
                   "the interface its endpoints listen on (tcp://0.0.0.0: all); the ports and the addresses "
                   "peers use are the system map's")
      ->capture_default_str();
  service->add_option(
      "--advertise", network.advertise_host,
      "the host peers reach it at, when it binds every interface (default: its addresses' host in "
      "the system map)");
  service->add_option("--key", network.key_file,
                      "its CURVE secret key file, for a system whose addresses are keyed (default: "
                      "DATA/keys/service-NAME.key)");
  service->add_flag("--insecure", network.insecure,
                    "allow plaintext beyond loopback (anyone may speak any role)");
  c12s::system::LogOptions log;
  std::string log_level = "info", log_format = "text";
  auto add_log_options = [&](CLI::App* command) {
    command->add_option("--log-level", log_level, "the least level logged: debug, info, warn or error")
        ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
        ->capture_default_str();
    command->add_option("--log-format", log_format, "text (one line per event) or json (one object per line)")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
  };
  add_log_options(service);
  CLI::App* daemon = app.add_subcommand("daemon", "run a node daemon (c12s up starts them)");
  add_log_options(daemon);
  daemon->add_option("--config", config, "the daemon's configuration (listing 5.2)")->required();
  std::string join;
  daemon->add_option("--system", system_file, "the system map (or --join)");
  daemon
      ->add_option(
          "--join", join,
          "the system's entry, tcp://HOST:PORT#KEY (Join/entry in its map): the daemon asks it for the "
          "rest (default: the configuration's flusher, when it is a tcp:// address)")
      ->excludes("--system");
  daemon
      ->add_option("--listen", listen,
                   "tcp://INTERFACE:PORT where the daemon takes formations (port 0: any; "
                   "SWIM takes the next two ports)")
      ->capture_default_str();
  daemon->add_option("--advertise", network.advertise_host,
                     "the host its peers reach it at, when not the --listen interface (tcp://10.0.0.5)");
  daemon->add_option("--key", network.key_file,
                     "the node's CURVE secret key file (a system with keyed addresses)");
  daemon->add_flag("--insecure", network.insecure,
                   "allow plaintext beyond loopback (anyone may speak any role)");
  std::string formation_file;
  daemon->add_option("--formation-file", formation_file,
                     "where it keeps the formation it took, across restarts");

  // Every subcommand above gets --help with defaults, "did you mean" and exit 2 on a usage error.
  if (std::optional<int> done = parse_command_line(app, argc, argv, client)) return *done;
  if (query->parsed()) return query_command(client, selector, subset);
  if (mutate->parsed()) return mutate_command(client, file, !no_wait);
  if (list->parsed()) return list_command(client, selector, detail);
  if (delete_cmd->parsed()) return delete_command(client, topology);
  if (nodes->parsed()) return nodes_command(client, selector);
  if (logs_get->parsed()) return logs_get_command(client, task);
  if (logs_list->parsed()) return logs_list_command(client, selector, limit);
  if (dashboard->parsed()) return dashboard_command(client, dashboard_options);
  if (up->parsed()) return up_command(up_options);
  if (bench_nodes->parsed()) return bench_nodes_command(client, bench);
  if (key_new->parsed()) return key_new_command(key_file);
  if (init->parsed()) return init_command(init_options);
  if (node_add->parsed()) return node_add_command(client, principal_name, key_file);
  if (node_remove->parsed()) return principal_remove_command(client, "node:" + principal_name);
  if (user_add->parsed()) return user_add_command(client, principal_name, admin, out_file);
  if (user_remove->parsed())
    return principal_remove_command(client, (admin ? "admin:" : "user:") + principal_name);
  (void)c12s::system::parse_log_level(log_level, &log.level);  // checked above
  log.json = log_format == "json";
  if (service->parsed()) return service_command(name, system_file, queues, network, log);
  if (daemon->parsed())
    return daemon_command(config, system_file, join, listen, network, formation_file, log);
  return 2;
}
