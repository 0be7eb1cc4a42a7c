// The `c12s` command's subcommands (one file each), and what they share: finding the system
// map; output.h has what they print. Each returns the process's exit status: 0 done, 1 the system
// failed (a service down, a session failed), 2 the user's input is wrong (a selector, a file).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "c12s/model/selector.h"
#include "c12s/system/identity.h"
#include "c12s/system/log.h"
#include "c12s/system/system_map.h"
#include "gtype/rt/endpoint.h"

namespace CLI {
class App;
}

namespace c12s::cli {

struct ClientOptions {
  std::string system;  // the system map; empty: $C12S_SYSTEM, else ./c12s-data/system.yaml
  bool json = false;
  int timeout_ms = 5000;   // for each answer
  std::string key;         // --key: the user's key pair (CURVE systems; see system/identity.h)
  std::string command;     // the subcommand run ("logs get"), for messages: parse_command_line
  bool first_look = true;  // client_of checks that the system answers (the dashboard starts regardless)
};

// Parses the command line of `app` by the conventions both commands follow (gtype/command_line.h:
// --version, exit 2 on a usage error, "did you mean", `c12s completion`, the manual page) and
// sets client.command. The exit code when the program is done, nullopt when a subcommand is to run.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, ClientOptions& client);

// What every user command starts from: the running system's map, and the options of the
// endpoint its session runs on (its --timeout).
struct Client {
  system::SystemMap map;
  system::Network network;  // the command's endpoints bind through it
  gtype::rt::EndpointOptions endpoint;
};
// The system map, or nullopt once it printed why not (none where it looked).
std::optional<system::SystemMap> system_map_of(const ClientOptions& options);
// The client, or nullopt once it printed why not (no system map where it looked, no key).
std::optional<Client> client_of(const ClientOptions& options);
// The --selector, or nullopt once it printed its errors.
std::optional<model::Selector> selector_arg(const std::string& text);
// Prints "c12s COMMAND: message" on standard error; returns 1.
int failure(const char* command, const gtype::Status& error);

int query_command(const ClientOptions& options, const std::string& selector, bool subset);
int mutate_command(const ClientOptions& options, const std::string& file, bool wait);
int logs_get_command(const ClientOptions& options, const std::string& task);
int logs_list_command(const ClientOptions& options, const std::string& selector, unsigned limit);
int list_command(const ClientOptions& options, const std::string& selector, bool detail);
int nodes_command(const ClientOptions& options, const std::string& selector);
int delete_command(const ClientOptions& options, const std::string& topology);

// Keys (keys_command.cpp): a key pair in FILE and FILE.pub; registering nodes and users in
// the system's admitted-keys file (`principal`: node:ID, user:NAME, admin:NAME).
int key_new_command(const std::string& path);
int node_add_command(const ClientOptions& options, const std::string& node, const std::string& key_file);
int principal_remove_command(const ClientOptions& options, const std::string& principal);
// `out`: where the user's key pair goes (empty: ./USER.key).
int user_add_command(const ClientOptions& options, const std::string& user, bool admin, std::string out);

// CURVE keys in `dir` (0700), each made if not there yet: one pair per service
// (service-NAME.key), per node daemon node-1 ... node-`nodes` (node-i.key) and for the operator
// (admin.key, which the c12s command finds beside the map); the admitted-keys file lists them
// all, with what was registered there before. Each service's public key, or nullopt once it
// printed why not ("c12s COMMAND: ...").
std::optional<std::map<std::string, std::string>> make_system_keys(const std::filesystem::path& dir,
                                                                   int nodes, const char* command);

// c12s init: a CURVE system's keys and map, for services on `host` (ports from `port`).
struct InitOptions {
  std::string data = "c12s-data";
  std::string host;
  int port = 7400;
  std::string out;  // the map's file; empty: DATA/system.yaml
};
int init_command(const InitOptions& options);

struct UpOptions {
  int nodes = 3;
  std::string data = "c12s-data";
  int port = 7400;
  std::string queues;            // the queue service's queues (listing 5.5), or empty
  std::string program = "c12s";  // how the user ran the command, for the hints it prints
  bool plaintext = false;        // no CURVE keys (loopback only, for local development)
};
int up_command(const UpOptions& options);

// c12s bench-nodes (bench_nodes_command.cpp): N simulated daemons health-checking the system.
struct BenchNodesOptions {
  int nodes = 1000;
  int processes = 4;    // simulator processes
  int transports = 25;  // HealthCheck endpoints per simulator process
  int interval_ms = 1000;
  int lease_ms = 6000;  // the nodes service's (NodesOptions::lease)
  int warmup_s = 10;
  int window_s = 20;
  std::uint64_t seed = 1;
  std::vector<std::string> pids;  // NAME=PID of the services to measure
};
int bench_nodes_command(const ClientOptions& client, const BenchNodesOptions& options);
// `queues`: the queue service's listing 5.5 file, or empty. `flags`: its --key, --bind
// (an interface: tcp://0.0.0.0 or 0.0.0.0; the ports are the system map's) and --insecure.
int service_command(const std::string& name, const std::string& system, const std::string& queues,
                    system::NetworkFlags flags, system::LogOptions log);
// `listen`: tcp://INTERFACE:PORT where it takes formations (port 0: any); `flags`: its --key,
// --advertise (the host its peers reach it at) and --insecure. `formation_file`: where the
// daemon keeps a formation it took (empty: nowhere).
// `system`: the system map's file, or empty to ask the system's entry: `join`, or the
// configuration's flusher (protocols/join.gtype).
// `log`: how it logs (--log-level, --log-format; the process name is set here).
int daemon_command(const std::string& config, const std::string& system, const std::string& join,
                   const std::string& listen, system::NetworkFlags flags, const std::string& formation_file,
                   system::LogOptions log);

}  // namespace c12s::cli
