// c12s service NAME --system FILE, c12s daemon --config FILE --system FILE: run one process of
// the system until SIGINT or SIGTERM (`c12s up` starts them; they can be run by hand too).
#include <cstdio>
#include <thread>

#include "c12s/model/daemon_config.h"
#include "c12s/model/queue_config.h"
#include "c12s/services/services.h"
#include "c12s/system/host.h"
#include "c12s/system/log.h"
#include "commands.h"

namespace c12s::cli {

namespace {

// "0.0.0.0" of tcp://0.0.0.0 or 0.0.0.0; "" when `address` names a port or another scheme.
std::string interface_of(const std::string& address) {
  std::string host = address;
  if (host.rfind("tcp://", 0) == 0) {
    host = host.substr(6);
  } else if (host.find("://") != std::string::npos) {
    return "";
  }
  if (host.empty()) return "";
  const bool bracketed = host.front() == '[' && host.back() == ']';
  if (!bracketed && host.find(':') != std::string::npos) return "";
  return host;
}

}  // namespace

int service_command(const std::string& name, const std::string& system_path, const std::string& queues,
                    system::NetworkFlags flags, system::LogOptions log) {
  log.process = "c12s service " + name;
  system::configure_log(log);
  model::Result<system::SystemMap> map = system::SystemMap::load(system_path);
  if (!map.ok()) {
    std::fputs(map.error().message().c_str(), stderr);
    return 2;
  }
  flags.bind_host = interface_of(flags.bind_host);
  if (flags.advertise_host.rfind("tcp://", 0) == 0) flags.advertise_host = flags.advertise_host.substr(6);
  if (flags.bind_host.empty()) {
    std::fprintf(stderr,
                 "c12s service %s: --bind takes an interface (tcp://0.0.0.0, or 10.0.0.1), not a port: "
                 "the ports are the system map's\n",
                 name.c_str());
    return 2;
  }
  gtype::Result<system::Network> network = system::service_network(*map, name, flags);
  if (!network.ok()) {
    std::fprintf(stderr, "%s\n", network.error().message().c_str());
    return 2;
  }
  const std::atomic<bool>& stop = system::stop_on_signals();
  gtype::Status status;
  if (name == "nodes") {
    status = services::run_nodes(*map, *network, services::NodesOptions{}, stop);
  } else if (name == "state") {
    status = services::run_state(*map, *network, services::StateOptions{}, stop);
  } else if (name == "log") {
    status = services::run_log(*map, *network, stop);
  } else if (name == "push") {
    status = services::run_push(*map, *network, services::PushOptions{}, stop);
  } else if (name == "queue") {
    // The built-in `default` queue, and those of the file (listing 5.5), which may redefine it.
    services::QueueOptions options;
    if (!queues.empty()) {
      model::Result<model::QueueServiceConfig> config = model::load_queue_config(queues);
      if (!config.ok()) {
        std::fputs(config.error().message().c_str(), stderr);
        return 2;
      }
      for (const model::QueueConfig& queue : config->queues) options.queues[queue.name] = queue.bucket;
    }
    status = services::run_queue(*map, *network, options, stop);
  } else if (name == "scheduler") {
    status = services::run_scheduler(*map, *network, services::SchedulerOptions{}, stop);
  } else {
    std::fprintf(stderr, "c12s service: unknown service '%s' (log, nodes, state, queue, push, scheduler)\n",
                 name.c_str());
    return 2;
  }
  if (!status.ok()) {
    system::log_error(status.message());
    return 1;
  }
  return 0;
}

// The system map a daemon runs with: the file `system_path`, or else what the entry (`join`,
// else the configuration's flusher when it is a tcp:// address) tells it (with the task whose
// formation holds the node), asked again every
// 2 s while it cannot be reached (the control plane may start after the nodes). Nullopt once
// it printed why not (a wrong file, no entry, a refusal, a stop signal).
std::optional<services::Joined> daemon_system(const std::string& system_path, const std::string& join,
                                              const model::DaemonConfig& config,
                                              const system::NetworkFlags& flags) {
  if (!system_path.empty()) {
    model::Result<system::SystemMap> map = system::SystemMap::load(system_path);
    if (map.ok()) return services::Joined{*map, ""};
    std::fputs(map.error().message().c_str(), stderr);
    return std::nullopt;
  }
  const std::string entry = join.empty() ? config.flusher : join;
  if (entry.rfind("tcp://", 0) != 0) {
    std::fprintf(stderr,
                 "c12s daemon: give the system map (--system FILE) or its entry (--join tcp://HOST:PORT#KEY, "
                 "or as `flusher` in the configuration)\n");
    return std::nullopt;
  }
  gtype::Result<system::Network> network = system::join_network(entry, config.node_id, flags);
  if (!network.ok()) {
    std::fprintf(stderr, "%s\n", network.error().message().c_str());
    return std::nullopt;
  }
  const std::atomic<bool>& stop = system::stop_on_signals();
  while (!stop.load()) {
    gtype::Result<services::Joined> map =
        services::join_system(*network, entry, config, std::chrono::milliseconds(3000));
    if (map.ok()) return *map;
    system::log_warn("cannot join the system at " + entry + ": " + map.error().message());
    if (map.error().code() == gtype::StatusCode::kRejected ||
        map.error().code() == gtype::StatusCode::kInvalidInput)
      return std::nullopt;
    for (int i = 0; i < 40 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

int daemon_command(const std::string& config_path, const std::string& system_path, const std::string& join,
                   const std::string& listen, system::NetworkFlags flags, const std::string& formation_file,
                   system::LogOptions log) {
  model::Result<model::DaemonConfig> config = model::load_daemon_config(config_path);
  if (!config.ok()) {
    std::fputs(config.error().message().c_str(), stderr);
    return 2;
  }
  log.process = "c12s daemon " + config->node_id;
  system::configure_log(log);
  const std::size_t colon = listen.rfind(':');
  const std::string port = colon == std::string::npos ? "" : listen.substr(colon + 1);
  flags.bind_host = colon == std::string::npos ? "" : interface_of(listen.substr(0, colon));
  if (flags.bind_host.empty() || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    std::fprintf(stderr, "c12s daemon: --listen takes tcp://INTERFACE:PORT (port 0: any), not %s\n",
                 listen.c_str());
    return 2;
  }
  if (!flags.advertise_host.empty() && flags.advertise_host.rfind("tcp://", 0) == 0)
    flags.advertise_host = flags.advertise_host.substr(6);
  std::optional<services::Joined> joined = daemon_system(system_path, join, *config, flags);
  if (!joined) return 2;
  const system::SystemMap* map = &joined->map;
  model::Result<std::string> nodes = map->address("HealthCheck", "nodes");
  if (!nodes.ok()) {
    std::fputs(nodes.error().message().c_str(), stderr);
    return 2;
  }
  gtype::Result<system::Network> network = system::daemon_network(*map, config->node_id, flags);
  if (!network.ok()) {
    std::fprintf(stderr, "%s\n", network.error().message().c_str());
    return 2;
  }
  services::DaemonOptions options;
  options.config = *config;
  options.nodes_address = *nodes;
  options.network = *network;
  options.listen = listen;
  options.formation_file = formation_file;
  if (system_path.empty()) options.held_by = joined->held_by;  // the entry said
  if (model::Result<std::string> log = map->address("TaskLog", "log"); log.ok()) options.log_address = *log;
  gtype::Status status = services::run_daemon(options, system::stop_on_signals());
  if (!status.ok()) {
    system::log_error(status.message());
    return 1;
  }
  return 0;
}

}  // namespace c12s::cli
