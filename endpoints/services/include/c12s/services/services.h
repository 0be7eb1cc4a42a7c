// The service processes of the control plane, each a function that serves its endpoints (the
// roles it plays, see docs/control-plane.md) until `stop` is set, and returns why it stopped.
//
// Each keeps its data under <map.data_dir>/<service>/ (SQLite, WAL): what it acknowledged
// survives a kill, but for the nodes service's health checks, soft state committed in groups
// within 100 ms of being taken (nodes.cpp). Errors a peer causes fail that peer's session
// only; a returned error means the service cannot go on (its data cannot be opened, an address
// cannot be bound).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <string>

#include "c12s/model/daemon_config.h"
#include "c12s/model/match.h"
#include "c12s/model/token_bucket.h"
#include "c12s/system/network.h"
#include "c12s/system/system_map.h"
#include "gtype/status.h"

namespace c12s::services {

struct NodesOptions {
  // A node is live this long after its last health check (Algorithm 1's lease).
  std::chrono::milliseconds lease{6000};
  // Rules 4.9-4.11 as the thesis states them, or without the count rule (kSubset).
  model::MatchMode match = model::MatchMode::kExact;
};

struct StateOptions {
  // A node of a formed cluster is declared dead when no health check came for this long.
  std::chrono::milliseconds lease{6000};
  // A task with no outcome this long after its last change is settled by recovery (formed if
  // its formation committed, else failed and its reservation released): the bound on a task's
  // life, its wait in a queue included.
  std::chrono::milliseconds task_deadline{20000};
};

struct QueueOptions {
  // The queues and their token buckets (listing 5.5); `default` must be one.
  std::map<std::string, model::TokenBucketConfig> queues{
      {"default", model::TokenBucketConfig{10, 10, std::chrono::milliseconds(1000)}}};
};

struct PushOptions {
  // Formations pushed to daemons: at most `capacity` at once, then one per `fill_interval`.
  model::TokenBucketConfig rate{20, 20, std::chrono::milliseconds(50)};
};

struct SchedulerOptions {
  // How long the scheduler waits before asking the queue again when no task was ready.
  std::chrono::milliseconds poll{100};
};

// SWIM among the nodes of a formed cluster (membership::Config; docs/control-plane.md).
struct SwimOptions {
  std::chrono::milliseconds protocol_period{1000};  // one probe per period
  std::chrono::milliseconds ack_timeout{200};       // then ping-reqs; below the period
  std::chrono::milliseconds suspicion_timeout{3000};
  std::size_t indirect_probes = 3;  // k: helpers asked to ping a target that did not ack
};

struct DaemonOptions {
  model::DaemonConfig config;  // listing 5.2
  std::string nodes_address;   // HealthCheck/nodes
  // Where its endpoints bind and how peers reach them (system/identity.h's daemon_network); a
  // daemon with CURVE admits its cluster's members as formations name them.
  system::Network network;
  // Where formations reach the daemon (FormationPush/node): for tcp://HOST:PORT, PORT on the
  // network's interface (0: one the kernel picks); ipc:// and inproc:// as they are. SWIM's
  // endpoints are at addresses derived from it (tcp: the next two ports; see swim.h).
  std::string listen = "tcp://127.0.0.1:0";
  std::string log_address;  // TaskLog/log, for SWIM's membership events; empty: standard error only
  // Where a formation the daemon took is kept, so that a restarted daemon is still in its
  // cluster (at the address its peers know); empty: not kept.
  std::string formation_file;
  // Set when the daemon joined through the system's entry: the task whose formation the
  // registry holds the node in ("" none). A kept formation of another task is stale and is
  // dropped at start (the node left that cluster while the daemon was away, and was not told).
  std::optional<std::string> held_by;
  SwimOptions swim;
};

// A task's id: the id of the IdempotencyCheck session that submitted it, as 16 hex digits
// (both ends know it without a message).
std::string task_id(std::uint64_t session);

// The ZeroMQ settings of the nodes service's HealthCheck endpoint, which daemons' ends match: a
// link per daemon (it answers every daemon at the daemon's own address; the runtime's most),
// and ZMTP heartbeats slower than the default, since each link costs two a period and no
// HealthCheck session lasts long enough to need a hung peer found in 1.5 s.
gtype::rt::ZmqOptions health_check_links();

// `network`: where and how the service's endpoints bind (system/identity.h's service_network).
gtype::Status run_nodes(const system::SystemMap& map, const system::Network& network,
                        const NodesOptions& options, const std::atomic<bool>& stop);
gtype::Status run_log(const system::SystemMap& map, const system::Network& network,
                      const std::atomic<bool>& stop);
gtype::Status run_state(const system::SystemMap& map, const system::Network& network,
                        const StateOptions& options, const std::atomic<bool>& stop);
gtype::Status run_queue(const system::SystemMap& map, const system::Network& network,
                        const QueueOptions& options, const std::atomic<bool>& stop);
gtype::Status run_scheduler(const system::SystemMap& map, const system::Network& network,
                            const SchedulerOptions& options, const std::atomic<bool>& stop);
gtype::Status run_push(const system::SystemMap& map, const system::Network& network,
                       const PushOptions& options, const std::atomic<bool>& stop);
gtype::Status run_daemon(const DaemonOptions& options, const std::atomic<bool>& stop);
// A daemon that knows the system by its entry only (Join/entry, the nodes service's; keyed with
// CURVE) asks it for the system's endpoints, as node `config.node_id`, over `network` (which
// must admit the entry's key). kRejected when the entry refuses, saying why.
struct Joined {
  system::SystemMap map;
  std::string held_by;  // the task whose formation holds the node, per the registry ("" none)
};
gtype::Result<Joined> join_system(const system::Network& network, const std::string& entry,
                                  const model::DaemonConfig& config, std::chrono::milliseconds timeout);

}  // namespace c12s::services
