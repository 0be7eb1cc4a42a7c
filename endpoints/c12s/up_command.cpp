// c12s up [--nodes N] [--data DIR] [--port BASE]: the whole system on this machine.
//
// Writes DIR/system.yaml (every service endpoint on 127.0.0.1, ports from BASE on), a
// daemon configuration per node (DIR/nodes/node-i.yaml, listing 5.2, with labels of a
// Raspberry Pi, or of a BeagleBone for every fourth node) and an example topology of those
// nodes for `c12s mutate -f` (DIR/topology.example.yaml, listing 5.4, rewritten at each start), starts every
// service and N node daemons as processes of their own (this same binary: `c12s service NAME`, `c12s
// daemon`), their output in DIR/logs/, waits until every node has registered, and says how to use the system.
// Every port it listens on is in BASE ... BASE + 23 + 3N (system::LoopbackPorts): the daemons' too, and it
// checks first that each is free, since one taken by another socket (the kernel hands out ephemeral ports, by
// default 32768-60999, to any client) would otherwise be found only by the process that binds it. On SIGINT
// or SIGTERM it stops the daemons, then the services (SIGTERM, then SIGKILL after 5 s), and returns 0. A
// process that exits before the system is up (one that cannot bind its address exits at once, saying which)
// stops everything and `up` returns 1 at once, naming it and quoting its last words. Once up, a service that
// exits does the same; a node daemon that exits is reported, and the system goes on without it
// (the state service declares it dead). The children die with `up` should it be killed
// (PR_SET_PDEATHSIG). DIR and its folders are 0700 and every file it writes 0600
// (store/private_files.h): a DIR from before that others could read is tightened, or, if it is
// another user's, left with a warning.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <logs_query/user.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "c12s/store/private_files.h"
#include "c12s/system/authority.h"
#include "c12s/system/host.h"
#include "c12s/system/identity.h"
#include "commands.h"
#include "output.h"

namespace c12s::cli {
namespace {

namespace fs = std::filesystem;
namespace sorts = gtype_gen::sorts::c12s::sorts;

struct Child {
  std::string name;
  pid_t pid = -1;
};

std::string self_path() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("c12s") : self.string();
}

// Starts `args` (args[0] is this binary) with output to `log`; -1 if it cannot.
pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(1);  // `up` died before the line above
  const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (out >= 0) {
    store::make_private(out);  // a log from an earlier run, made when logs were 0644
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    close(out);
  }
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  std::perror("exec");
  _exit(127);
}

// The daemon configuration of node i (listing 5.2), emitted by yaml-cpp: every fourth node a
// BeagleBone, the others Raspberry Pis.
std::string node_config(int i, const std::string& entry) {
  using Labels = std::vector<std::pair<const char*, const char*>>;
  static const Labels beaglebone = {{"os", "linux"},     {"arch", "arm"},    {"model", "beaglebone"},
                                    {"memory", "512MB"}, {"storage", "4GB"}, {"cpu", "1GHz"},
                                    {"cores", "1"}};
  static const Labels rpi = {{"os", "linux"},     {"arch", "arm"},   {"model", "rpi"}, {"memory", "4GB"},
                             {"storage", "32GB"}, {"cpu", "1.5GHz"}, {"cores", "4"}};
  const std::string id = "node-" + std::to_string(i);
  YAML::Emitter yaml;
  yaml << YAML::BeginMap << YAML::Key << "star" << YAML::Value << YAML::BeginMap;
  yaml << YAML::Key << "version" << YAML::Value << "v1";
  yaml << YAML::Key << "nodeid" << YAML::Value << id << YAML::Key << "name" << YAML::Value << id;
  yaml << YAML::Key << "flusher" << YAML::Value << entry;
  yaml << YAML::Key << "healthcheck" << YAML::Value << YAML::BeginMap;
  yaml << YAML::Key << "address" << YAML::Value << entry;
  yaml << YAML::Key << "topic" << YAML::Value << "health" << YAML::Key << "interval" << YAML::Value << "1s";
  yaml << YAML::EndMap << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
  for (const auto& [key, value] : i % 4 == 0 ? beaglebone : rpi)
    yaml << YAML::Key << key << YAML::Value << value;
  yaml << YAML::EndMap << YAML::EndMap << YAML::EndMap;
  std::string out = "# The daemon of " + id;
  out.append(" (listing 5.2), written by `c12s up`.\n").append(yaml.c_str()).append("\n");
  return out;
}

// An example topology of the nodes `up` starts (listing 5.4): one region, clusters of up to
// three nodes, in order. It is rewritten at every start, since it depends on --nodes: the
// comment at its top says so, and to copy it before editing it.
std::string example_topology(int nodes) {
  std::string clusters;
  for (int first = 1; first <= nodes; first += 3) {
    clusters += "        cluster" + std::to_string(first / 3 + 1) + ": {";
    for (int i = first; i <= std::min(nodes, first + 2); ++i)
      clusters += (i == first ? "node-" : ", node-") + std::to_string(i) + ": ";
    clusters += "}\n";
  }
  return "# An example topology (listing 5.4) of the " + std::to_string(nodes) +
         " nodes `c12s up` started, for `c12s mutate -f`.\n"
         "# `c12s up` rewrites this file at every start (it depends on --nodes): edit a copy.\n"
         "constellations:\n"
         "  version: v1\n"
         "  kind: Topology\n"
         "  metadata:\n"
         "    taskName: example\n"
         "  payload:\n"
         "    name: example\n"
         "    selector:\n"
         "      labels:\n"
         "        os: linux\n"
         "    topology:\n"
         "      region1:\n" +
         clusters;
}

// How many nodes the log has seen register, or -1 when it cannot be asked yet.
int registered(const system::SystemMap& map) {
  namespace lq = gtype_gen::logs_query::user;
  gtype::rt::EndpointOptions options;
  options.receive_timeout = options.connect_timeout = std::chrono::milliseconds(1000);
  gtype::Result<system::Network> network =
      system::command_network(map, map.curve() ? map.keys_dir() + "/admin.key" : "");
  if (!network.ok()) return -1;
  auto role = network->bind<lq::Role>("LogsQuery", 0, map.directory("LogsQuery"), options);
  if (!role.ok()) return -1;
  auto s0 = role->start();
  if (!s0.ok()) return -1;
  sorts::LogsFilter filter;
  filter.selector.labels = {{"service", "nodes"}};
  auto s2 = std::move(*s0).connect_list(filter);
  if (!s2.ok()) return -1;
  auto records = std::move(*s2).receive();
  if (!records.ok()) return -1;
  std::set<std::string> nodes;
  for (const sorts::LogRecord& r : records->value.records) {
    if (auto node = r.labels.find("node"); node != r.labels.end()) nodes.insert(node->second);
  }
  return static_cast<int>(nodes.size());
}

// Why 127.0.0.1:`port` cannot be listened on, or "" when it can. As ZeroMQ binds, with
// SO_REUSEADDR: a port left in TIME_WAIT by an earlier run is free.
std::string port_taken(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::strerror(errno);
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  std::string why;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd, 1) != 0)
    why = std::strerror(errno);
  close(fd);
  return why;
}

// What listens at `port` of `ports`: a served endpoint, or a daemon's.
std::string port_user(const system::SystemMap& map, const system::LoopbackPorts& ports, int port) {
  const std::string address = "tcp://127.0.0.1:" + std::to_string(port);
  for (const auto& [endpoint, at] : map.endpoints) {
    if (gtype::rt::split_keyed_address(at).endpoint == address) return endpoint;
  }
  const int past_services = port - ports.first() - system::LoopbackPorts::service_ports();
  const int node = 1 + past_services / system::LoopbackPorts::kPerNode;
  const bool formations = past_services % system::LoopbackPorts::kPerNode == 0;
  return "node-" + std::to_string(node) + (formations ? " (formations)" : " (SWIM)");
}

// The kernel's ephemeral port range (where it picks ports for clients), if it says.
std::optional<std::pair<int, int>> ephemeral_ports() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0, high = 0;
  if (!(in >> low >> high)) return std::nullopt;
  return std::pair{low, high};
}

// Checks the ports `up` will listen on: all in 1 ... 65535 and free. Prints why not and returns
// false; warns when they overlap the ephemeral range.
bool ports_usable(const system::SystemMap& map, const system::LoopbackPorts& ports) {
  if (ports.first() < 1 || ports.last() > 65535) {
    std::fprintf(stderr, "c12s up: --port %d with %d nodes needs ports %d-%d, which must be within 1-65535\n",
                 ports.base, ports.nodes, ports.first(), ports.last());
    return false;
  }
  for (int port = ports.first(); port <= ports.last(); ++port) {
    if (std::string why = port_taken(port); !why.empty()) {
      std::fprintf(stderr,
                   "c12s up: cannot listen on tcp://127.0.0.1:%d (for %s): %s; ports %d-%d must be free\n",
                   port, port_user(map, ports, port).c_str(), why.c_str(), ports.first(), ports.last());
      return false;
    }
  }
  if (auto ephemeral = ephemeral_ports();
      ephemeral && ports.first() <= ephemeral->second && ports.last() >= ephemeral->first) {
    std::fprintf(stderr,
                 "c12s up: warning: ports %d-%d overlap the kernel's ephemeral ports %d-%d, which any client "
                 "socket may take meanwhile; a --port below %d avoids that\n",
                 ports.first(), ports.last(), ephemeral->first, ephemeral->second, ephemeral->first);
  }
  return true;
}

// The last non-empty line of a child's log: why it exited, when it said.
std::string last_words(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

// Reports a child that exited, with its status and log.
void report_exit(const Child& child, int status, const fs::path& log, const char* consequence) {
  std::fprintf(stderr, "c12s up: %s exited (%s %d)%s (see %s)\n", child.name.c_str(),
               WIFSIGNALED(status) ? "signal" : "status",
               WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), consequence, log.c_str());
}

// A child that has exited, if any: it is reaped, its pid set to -1.
std::optional<std::pair<Child, int>> exited_child(std::vector<Child>& children) {
  int status = 0;
  const pid_t done = waitpid(-1, &status, WNOHANG);
  if (done <= 0) return std::nullopt;
  for (Child& child : children) {
    if (child.pid != done) continue;
    Child was = child;
    child.pid = -1;
    return std::pair{was, status};
  }
  return std::nullopt;
}

// Creates `dir` private (0700), saying so when it tightened one or leaves one open; false once
// it printed why it cannot.
bool private_directory(const fs::path& dir) {
  std::string notice;
  const gtype::Status made = store::make_private_directory(dir.string(), &notice);
  if (!notice.empty()) std::fprintf(stderr, "c12s up: %s\n", notice.c_str());
  if (!made.ok()) std::fprintf(stderr, "c12s up: %s\n", made.message().c_str());
  return made.ok();
}

// Writes `path` private (0600); false once it printed why it cannot.
bool private_file(const fs::path& path, const std::string& text) {
  const gtype::Status written = store::write_private_file(path.string(), text);
  if (!written.ok()) std::fprintf(stderr, "c12s up: %s\n", written.message().c_str());
  return written.ok();
}

// Writes the example topology into `data` (none for no nodes: an old one would name nodes that
// are not there); its path, or "" when there is none.
std::optional<fs::path> write_example_topology(const fs::path& data, int nodes) {
  const fs::path path = data / "topology.example.yaml";
  if (nodes == 0) {
    std::error_code ignored;
    fs::remove(path, ignored);
    return fs::path();
  }
  if (!private_file(path, example_topology(nodes))) return std::nullopt;
  return path;
}

void stop_all(std::vector<Child>& children) {
  // Daemons first, then the services in the reverse of their start order.
  for (auto it = children.rbegin(); it != children.rend(); ++it) {
    if (it->pid > 0) kill(it->pid, SIGTERM);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (Child& child : children) {
    while (child.pid > 0) {
      int status = 0;
      const pid_t done = waitpid(child.pid, &status, WNOHANG);
      if (done == child.pid || done < 0) {
        child.pid = -1;
      } else if (std::chrono::steady_clock::now() >= deadline) {
        kill(child.pid, SIGKILL);
        waitpid(child.pid, &status, 0);
        child.pid = -1;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
}

}  // namespace

int up_command(const UpOptions& options) {
  if (options.nodes < 0 || options.nodes > 1000) {
    std::fprintf(stderr, "c12s up: --nodes must be between 0 and 1000\n");
    return 2;
  }
  std::error_code ec;
  const fs::path data = fs::absolute(options.data, ec);
  if (ec) {
    std::fprintf(stderr, "c12s up: cannot use %s: %s\n", options.data.c_str(), ec.message().c_str());
    return 1;
  }
  for (const fs::path& dir : {data, data / "logs", data / "nodes"}) {
    if (!private_directory(dir)) return 1;
  }
  std::optional<std::map<std::string, std::string>> service_keys = std::map<std::string, std::string>();
  if (!options.plaintext) {
    service_keys = make_system_keys(data / "keys", options.nodes, "up");
    if (!service_keys) return 1;
  }
  const system::SystemMap map = system::SystemMap::loopback(data.string(), options.port, *service_keys);
  const system::LoopbackPorts ports{options.port, options.nodes};
  if (!ports_usable(map, ports)) return 1;
  const fs::path system_file = data / "system.yaml";
  if (!private_file(system_file, map.to_yaml())) return 1;
  const std::optional<fs::path> example = write_example_topology(data, options.nodes);
  if (!example) return 1;
  const std::atomic<bool>& stop = system::stop_on_signals();  // before the children: no signal lost

  const std::string self = self_path();
  std::vector<Child> children;
  for (const std::string& service : system::service_names()) {
    std::vector<std::string> args{self, "service", service, "--system", system_file.string()};
    if (service == "queue" && !options.queues.empty()) {
      args.push_back("--queues");
      args.push_back(fs::absolute(options.queues).string());
    }
    children.push_back({service, spawn(args, data / "logs" / (service + ".log"))});
  }
  // Each daemon knows the system by its entry alone (the `flusher` of its configuration: thesis
  // 5.1.2's "system's address"), and asks it for the rest (protocols/join.gtype).
  const std::string entry = *map.address("Join", "entry");
  for (int i = 1; i <= options.nodes; ++i) {
    const std::string id = "node-" + std::to_string(i);
    const fs::path config = data / "nodes" / (id + ".yaml");
    if (!private_file(config, node_config(i, entry))) {
      stop_all(children);
      return 1;
    }
    const fs::path formation = data / "nodes" / (id + ".formation");
    std::vector<std::string> args{self,
                                  "daemon",
                                  "--config",
                                  config.string(),
                                  "--formation-file",
                                  formation.string(),
                                  "--listen",
                                  ports.daemon_address(i)};
    if (!options.plaintext) {
      args.push_back("--key");
      args.push_back((data / "keys" / (id + ".key")).string());
    }
    children.push_back({id, spawn(args, data / "logs" / (id + ".log"))});
  }
  for (const Child& child : children) {
    if (child.pid < 0) {
      std::fprintf(stderr, "c12s up: cannot start %s\n", child.name.c_str());
      stop_all(children);
      return 1;
    }
  }

  std::printf("c12s: starting %zu services and %d node daemons (data and logs in %s)...\n",
              system::service_names().size(), options.nodes, data.c_str());
  std::fflush(stdout);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int seen = -1;
  while (!stop.load() && std::chrono::steady_clock::now() < deadline &&
         (seen = registered(map)) < options.nodes) {
    // A process that exits now will not be part of the system: typically one whose address is
    // taken (it says which), found here at once rather than by the wait for registrations.
    if (std::optional<std::pair<Child, int>> exited = exited_child(children)) {
      const fs::path log = data / "logs" / (exited->first.name + ".log");
      report_exit(exited->first, exited->second, log, " before the system was up; stopping everything");
      // Its last line may quote what a peer sent it: printable, as the commands' output is.
      if (std::string words = last_words(log); !words.empty())
        std::fprintf(stderr, "c12s up: %s said: %s\n", exited->first.name.c_str(), printable(words).c_str());
      stop_all(children);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (seen < options.nodes && !stop.load()) {
    std::fprintf(stderr, "c12s up: only %d of %d nodes registered within 30 s; see %s\n", std::max(seen, 0),
                 options.nodes, (data / "logs").c_str());
  } else if (!stop.load()) {
    const char* c12s = options.program.c_str();  // as the user typed it: the hints work when pasted
    std::printf(
        "c12s is up: services log, nodes, state, queue, push and scheduler, and %d nodes (node-1 ... "
        "node-%d) on "
        "127.0.0.1.\n"
        "In another terminal, in this directory (or with C12S_SYSTEM=%s):\n"
        "  %s query --selector os=linux,arch=arm,model=rpi,memory=2GB,storage=16GB,cpu=1GHz,cores=2\n",
        options.nodes, options.nodes, system_file.c_str(), c12s);
    // The example topology names the nodes started: with none, there is nothing to form.
    if (!example->empty()) std::printf("  %s mutate -f %s\n", c12s, example->c_str());
    std::printf(
        "  %s list\n"
        "  %s logs list --selector service=nodes\n"
        "Ctrl-C stops everything.\n",
        c12s, c12s);
    std::fflush(stdout);
  }

  int exit_code = 0;
  while (!stop.load()) {
    if (std::optional<std::pair<Child, int>> exited = exited_child(children)) {
      // A node that goes away is what the system is there to notice; a service is not.
      const bool node = exited->first.name.rfind("node-", 0) == 0;
      report_exit(exited->first, exited->second, data / "logs" / (exited->first.name + ".log"),
                  node ? "; the system goes on" : "; stopping everything");
      if (!node) exit_code = 1;
      if (exit_code != 0) break;
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop_all(children);
  if (exit_code == 0) std::printf("c12s: stopped\n");
  return exit_code;
}

}  // namespace c12s::cli
