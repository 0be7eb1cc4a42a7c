// The node daemon (thesis 5.1.2): runs on an edge node, tells the nodes service it is alive
// every healthcheck interval (HealthCheck, as `node`), takes its part of a cluster formation
// (FormationPush, as `node`), and, once formed, watches the other members of its cluster with
// SWIM (SwimPing and SwimPingReq, every role; swim.h), logging who it suspects, declares dead
// or sees alive again to the log service (TaskLog, as `reporter`).
//
// A health check carries the node's labels from its configuration (listing 5.2), metrics
// sampled from /proc (load, memory), the address where the daemon takes formations, and,
// once formed, its place. A nodes service that is down makes that health check fail with a
// message on standard error; the daemon tries again at the next interval.
//
// A formation is kept in DaemonOptions::formation_file before it is acknowledged, and taken up
// again when the daemon restarts; a leave (the topology was deleted, or its new state left the
// node out) forgets it and stops SWIM. A formation is taken unless the node is in a cluster of another
// topology (then it is refused, saying which); a new state of its own topology may move it to another
// cluster, and SWIM starts again with the new cluster's members. SWIM's endpoints listen at addresses derived
// from the formation address (the next two ports), which is all its peers know of it. Not here: keeping the
// formation across a restart of the daemon.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <formation_push/node.h>
#include <health_check/node.h>

#include "c12s/services/convert.h"
#include "c12s/services/services.h"
#include "c12s/system/authority.h"
#include "c12s/system/log.h"
#include "gtype/gen/support.h"
#include "serving.h"
#include "swim.h"

namespace c12s::services {
namespace {

namespace rt = gtype::rt;
namespace hc = gtype_gen::health_check::node;
namespace fp = gtype_gen::formation_push::node;

// The first number of /proc/loadavg, and memory figures of /proc/meminfo in bytes.
std::map<std::string, double> sample_metrics() {
  std::map<std::string, double> metrics;
  if (std::ifstream load("/proc/loadavg"); load) {
    double one = 0;
    if (load >> one) metrics["load1"] = one;
  }
  if (std::ifstream meminfo("/proc/meminfo"); meminfo) {
    std::string key;
    double kib = 0;
    std::string unit;
    while (meminfo >> key >> kib) {
      std::getline(meminfo, unit);
      if (key == "MemTotal:") metrics["memory_total"] = kib * 1024;
      if (key == "MemAvailable:") metrics["memory_free"] = kib * 1024;
    }
  }
  return metrics;
}

struct Node {
  std::mutex mutex;
  DaemonOptions options;
  std::string address;                         // where formations reach this daemon
  std::optional<sorts::NodeFormation> formed;  // its part of a cluster, once taken
  std::unique_ptr<swim::Node> swim;            // set before anything is served
};

// Keeps a formation in `path`: written to a temporary file, flushed to disk, then renamed over
// the old one, so that a crash leaves the old formation or the new one, never half of either.
gtype::Status keep_formation(const std::string& path, const sorts::NodeFormation& formation) {
  const std::string bytes = gtype::gen::pack_payload(formation);
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  bool written = fd >= 0 && ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  if (fd >= 0) {
    written = ::fsync(fd) == 0 && written;
    written = ::close(fd) == 0 && written;
  }
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    return gtype::Status{gtype::StatusCode::kConfig,
                         "cannot keep the formation in " + path + ": " + std::strerror(errno)};
  }
  return gtype::Status();
}

// The formation kept in `path`: nullopt when there is none; an error when it does not read.
gtype::Result<std::optional<sorts::NodeFormation>> kept_formation(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::optional<sorts::NodeFormation>();
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto formation = gtype::gen::unpack_payload<sorts::NodeFormation>(bytes);
  if (!formation) return gtype::Status{gtype::StatusCode::kConfig, path + " does not hold a formation"};
  return std::optional<sorts::NodeFormation>(std::get<0>(*formation));
}

// The members of `formation` are admitted no longer (CURVE).
void forget_members(Node& node, const sorts::NodeFormation& formation) {
  system::Authority* authority = node.options.network.authority.get();
  if (authority == nullptr) return;
  for (const auto& [member, address] : formation.member_addresses) authority->forget("node:" + member);
}

// With CURVE, the members of its cluster are the nodes a daemon admits (SWIM): those of
// `formation` from now on, by the keys their addresses carry, instead of those of `before`.
void admit_members(Node& node, const std::optional<sorts::NodeFormation>& before,
                   const sorts::NodeFormation& formation) {
  system::Authority* authority = node.options.network.authority.get();
  if (authority == nullptr) return;
  if (before) forget_members(node, *before);
  for (const auto& [member, address] : formation.member_addresses) {
    const std::string key = rt::split_keyed_address(address).key;
    if (member != node.options.config.node_id && !key.empty()) authority->admit_key("node:" + member, key);
  }
}

// One FormationPush session, as `node`: takes the formation, or says why not.
class FormationPushNode final : public fp::Handler {
 public:
  explicit FormationPushNode(Node& node) : node_(node) {}
  void on_form(const sorts::NodeFormation& formation) override {
    std::lock_guard lock(node_.mutex);  // report_of() reads it from the health checks' thread
    const auto& current = node_.formed;
    // A new state of its own topology may move it (the thesis's recreation); another
    // topology may not take it.
    if (current && current->topology != formation.topology) {
      refusal_ = "node " + node_.options.config.node_id + " is in topology " + current->topology +
                 " (cluster " + current->region + "/" + current->cluster + ")";
      return;
    }
    // Acknowledged only once kept: a daemon restarted after its ack is still in the cluster.
    if (!node_.options.formation_file.empty()) {
      if (gtype::Status kept = keep_formation(node_.options.formation_file, formation); !kept.ok()) {
        refusal_ = kept.message();
        return;
      }
    }
    admit_members(node_, node_.formed, formation);
    node_.formed = formation;
    node_.swim->form(formation);
  }
  // Leaves the cluster `leave.task` formed it into; in any other formation (or none) it stays
  // where it is: the leave is late, and a later task placed it. Either way it has left.
  void on_leave(const sorts::NodeLeave& leave) override {
    std::lock_guard lock(node_.mutex);
    auto& current = node_.formed;
    if (!current || current->task != leave.task) return;
    system::log_info("left cluster " + current->topology + "/" + current->region + "/" + current->cluster +
                         " (task " + leave.task + " no longer holds this node)",
                     {{"task", leave.task}});
    if (!node_.options.formation_file.empty()) std::remove(node_.options.formation_file.c_str());
    forget_members(node_, *current);
    current.reset();
    node_.swim->leave();
  }
  gtype::Result<fp::AfterForm::Choice> choose_ack_or_refuse() override {
    if (refusal_.empty()) return fp::AfterForm::Choice(fp::AfterForm::Ack{});
    return fp::AfterForm::Choice(fp::AfterForm::Refuse{refusal_});
  }
  void failed(const gtype::Status&) override {}  // the push service hears of it

 private:
  Node& node_;
  std::string refusal_;  // "" it took the formation
};

sorts::NodeReport report_of(Node& node) {
  std::lock_guard lock(node.mutex);
  const model::DaemonConfig& config = node.options.config;
  sorts::NodeReport report;
  report.id = config.node_id;
  report.name = config.name;
  report.version = config.version;
  report.address = node.address;
  report.labels = std::map<std::string, std::string>(config.labels.begin(), config.labels.end());
  report.metrics = sample_metrics();
  if (node.formed) {
    // The formation names the node and gives it its labels in the topology (thesis 5.2.2:
    // "new ids, labels, name"); the node keeps its id, under which the registry knows it.
    if (!node.formed->name.empty()) report.name = node.formed->name;
    if (!node.formed->labels.empty()) report.labels = node.formed->labels;
    report.topology = node.formed->topology;
    report.region = node.formed->region;
    report.cluster = node.formed->cluster;
    // Its SWIM view of the others, so that the system can show who suspects whom.
    for (const membership::MemberView& member : node.swim->members()) {
      if (member.id != config.node_id) report.swim[member.id] = membership::state_name(member.state);
    }
  }
  report.sent_at =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  return report;
}

gtype::Status health_checks(Node& node, const std::atomic<bool>& stop) {
  rt::Directory directory;
  directory.set("nodes", node.options.nodes_address);
  rt::EndpointOptions endpoint_options;
  endpoint_options.connect_timeout = std::chrono::milliseconds(2000);
  gtype::Result<hc::Role> role =
      node.options.network.bind<hc::Role>("HealthCheck", 0, directory, endpoint_options);
  if (!role.ok()) return role.error();
  while (!stop.load()) {
    const auto next = std::chrono::steady_clock::now() + node.options.config.healthcheck.interval;
    gtype::Result<hc::Start> start = role->start();
    if (start.ok()) {
      gtype::Result<hc::End> sent = std::move(*start).connect_health_check(report_of(node));
      if (!sent.ok()) {
        system::log_warn("health check not taken: " + sent.error().message());
      }
    }
    while (!stop.load() && std::chrono::steady_clock::now() < next)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return gtype::Status();
}

struct Endpoints {
  std::shared_ptr<fp::Role> formations;
  std::unique_ptr<swim::Node> swim;
};

// FormationPush/node where a kept formation says its peers know it (`kept`), or else at
// DaemonOptions::listen; and SWIM's endpoints at the addresses derived from the address it got.
// With port 0 the kernel picks the port, and one of the two after it may be taken: then it
// tries again with another.
gtype::Result<Endpoints> bind_endpoints(const DaemonOptions& options, const std::string& kept,
                                        swim::ChangeSink sink) {
  const system::Network& network = options.network;
  const bool tcp = options.listen.rfind("tcp://", 0) == 0;
  const std::string port = tcp ? options.listen.substr(options.listen.rfind(':') + 1) : "";
  const bool ephemeral = kept.empty() && port == "0";
  gtype::Status last{gtype::StatusCode::kTransport, "no attempt"};
  for (int attempt = 0; attempt < (ephemeral ? 20 : 1); ++attempt) {
    gtype::Result<fp::Role> formations =
        !kept.empty() ? network.bind_at<fp::Role>("FormationPush", kept, rt::Directory())
        : tcp         ? network.bind<fp::Role>("FormationPush", std::atoi(port.c_str()), rt::Directory())
                      : network.bind_at<fp::Role>("FormationPush", options.listen, rt::Directory());
    if (!formations.ok()) return formations.error();
    gtype::Result<std::unique_ptr<swim::Node>> swim =
        swim::Node::bind(network, formations->address(), options.config.node_id, options.swim, sink);
    if (swim.ok()) return Endpoints{std::make_shared<fp::Role>(std::move(*formations)), std::move(*swim)};
    last = swim.error();
    if (last.code() == gtype::StatusCode::kConfig) break;  // the options or the address: no retry helps
  }
  return gtype::Status(last.code(), "SWIM: " + last.message());
}

// Whether the entry said the node is no longer where `kept` puts it: in no cluster, or in
// another task's (a formation kept before tasks were named counts as the entry's).
bool stale(const sorts::NodeFormation& kept, const DaemonOptions& options) {
  if (!options.held_by) return false;  // not joined: nobody said
  return options.held_by->empty() || (kept.task && *kept.task != *options.held_by);
}

}  // namespace

gtype::Status run_daemon(const DaemonOptions& options, const std::atomic<bool>& stop) {
  // A formation kept from before a restart: the daemon is back in its cluster, listening
  // where its peers know it (when it can; else where it is told, and they will suspect it).
  std::optional<sorts::NodeFormation> kept;
  if (!options.formation_file.empty()) {
    gtype::Result<std::optional<sorts::NodeFormation>> read = kept_formation(options.formation_file);
    if (!read.ok()) {
      system::log_warn(read.error().message() + "; starting outside any cluster");
    } else {
      kept = *read;
    }
  }
  if (kept && stale(*kept, options)) {
    system::log_info("forgot the formation kept in " + options.formation_file + " (cluster " +
                     kept->topology + "/" + kept->region + "/" + kept->cluster +
                     "): the system holds this node " +
                     (options.held_by->empty() ? "in no cluster" : "in task " + *options.held_by + "'s"));
    std::remove(options.formation_file.c_str());
    kept.reset();
  }
  std::string kept_address;  // where its peers know it
  if (kept) {
    auto own = kept->member_addresses.find(options.config.node_id);
    if (own != kept->member_addresses.end()) kept_address = own->second;
  }
  Node node;
  node.options = options;
  auto events =
      std::make_shared<swim::EventLog>(options.log_address, options.config.node_id, options.network);
  const swim::ChangeSink sink = [events](const swim::Change& change) { events->post(change); };
  gtype::Result<Endpoints> bound = bind_endpoints(options, kept_address, sink);
  if (!bound.ok() && !kept_address.empty()) {
    system::log_warn("cannot listen at " + kept_address + " again (" + bound.error().message() +
                     "); its peers will not reach it");
    bound = bind_endpoints(options, "", sink);
  }
  if (!bound.ok()) return bound.error();
  node.address = bound->formations->address();
  node.swim = std::move(bound->swim);
  std::shared_ptr<fp::Role> role = std::move(bound->formations);
  system::Host host;
  host.add("FormationPush/node", [&](const std::atomic<bool>& s) {
    return role->serve(per_session([&] { return std::make_unique<FormationPushNode>(node); }), s);
  });
  host.add("health checks", [&](const std::atomic<bool>& s) { return health_checks(node, s); });
  if (kept) {
    admit_members(node, std::nullopt, *kept);
    node.formed = kept;
    node.swim->form(*kept);
    system::log_info("back in cluster " + kept->topology + "/" + kept->region + "/" + kept->cluster +
                         " (kept in " + options.formation_file + "), at " + node.address,
                     {{"topology", kept->topology}, {"region", kept->region}, {"cluster", kept->cluster}});
  }
  node.swim->add_to(host);
  host.add("SWIM events", [&](const std::atomic<bool>& s) { return events->run(s); });
  return host.run(stop);
}

}  // namespace c12s::services
