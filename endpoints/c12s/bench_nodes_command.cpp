// c12s bench-nodes: the control plane at scale. N simulated node daemons, in a few processes,
// health-check a running system (its nodes, state and log services) over TCP through the real
// HealthCheck protocol, each at its interval; the command reports the checks per second taken,
// the lag from a check to the registry's record of it (p50, p99), the leases missed and the
// CPU and peak RSS of the services it is given (--pid), over a measured window after a warm-up.
//
// Simulated daemons: node i is `sim-i`, with labels, metrics and a formation address of its own
// (tcp://127.0.0.1:PORT, never connected to: the bench forms nothing), plaintext. Its checks are
// due at start + phase_i + k * interval, phase_i drawn from --seed, and start when due, open
// loop (whatever the other checks wait for), as independent daemons do. The daemons of a process
// share --transports HealthCheck endpoints round robin (each its own thread, TCP port and ZeroMQ
// context: an endpoint per daemon would take three threads per daemon), so the nodes service
// answers that many peer addresses, not N. An endpoint's thread serves its sessions and starts
// the checks due every kTick; how late it started them is reported (sim_late_p99_ms).
//
// Lag: each check carries the time it started as metric `bench_sent_ms`; the registry writes it
// in the same transaction as the lease deadline, which is the time the nodes service took the
// check plus the lease. A sampler reads the registry's file (a plain read: WAL readers take no
// lock) every kSample: lag = (deadline - lease) - sent, once per check seen that the registry
// took in the window (most are: the sample is shorter than the interval), whenever it was sent,
// so a backlog shows as lag; a check never taken shows as a failed check or a missed lease. A
// lease is missed when a node's deadline is more than kSlack in the past at a sample (the nodes
// service's group commit delays the file by 100 ms), when two consecutive checks seen are more
// than a lease apart, or when a node never registered.
//
// The simulators run under SCHED_IDLE: they stand for daemons on other machines, so on this
// machine's cores the services' threads go first. Should the simulators then fall behind, they
// start fewer checks than due (checks_per_s below N) and say how late (sim_late_p99_ms).
//
// Not here: starting the services (bench/nodes.sh does, as `c12s up` would), formed nodes (every
// simulated node is free, so HealthCheck takes its `free` branch: nodes and log, not state),
// CURVE.
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <health_check/node.h>

#include "c12s/services/convert.h"
#include "c12s/store/database.h"
#include "commands.h"

namespace c12s::cli {
namespace {

namespace rt = gtype::rt;
namespace hc = gtype_gen::health_check::node;
using Millis = std::int64_t;  // wall clock, ms since the epoch

constexpr Millis kSample = 500;
constexpr Millis kSlack = 500;
constexpr Millis kStartDelay = 2000;  // for the simulators to bind before the first check
constexpr Millis kTick = 5;           // how often a simulator's endpoints start the checks due

Millis wall_now() { return services::now_millis().time_since_epoch().count(); }

struct Timeline {
  Millis start, window_start, end;  // checks are due in [start, end); measured in [window_start, end)
  bool in_window(Millis t) const { return t >= window_start && t < end; }
};

std::string sim_id(int i) { return "sim-" + std::to_string(i); }

// Node i's phase in the interval: its own draw of the seed, the same on every run.
Millis phase_of(std::uint64_t seed, int i, Millis interval) {
  std::mt19937_64 draw(seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(i));
  return static_cast<Millis>(draw() % static_cast<std::uint64_t>(interval));
}

// Node i's report of a check it starts at `sent`.
gtype_gen::health_check::NodeReport report_of(int i, Millis sent) {
  gtype_gen::health_check::NodeReport r;
  r.id = sim_id(i);
  r.name = "edge-" + std::to_string(i);
  r.version = "v1";
  r.address = "tcp://127.0.0.1:" + std::to_string(20000 + i);
  r.labels = {{"os", "linux"}, {"arch", "arm64"}, {"cores", "4"}, {"zone", "z" + std::to_string(i % 16)}};
  r.metrics = {{"bench_sent_ms", static_cast<double>(sent)}, {"load1", 0.25}, {"memory_free", 1.5e9}};
  r.sent_at = sent / 1000;
  return r;
}

struct SimTally {
  std::atomic<long> ok{0}, failed{0};
  std::mutex mutex;
  std::string first_error;
  std::vector<Millis> lateness;  // send time - due time, of the checks due in the window
  void fail(const std::string& why) {
    ++failed;
    std::lock_guard lock(mutex);
    if (first_error.empty()) first_error = why;
  }
};

// One health check, as the node: its report, and whether it counts (due in the window).
class Check final : public hc::Handler {
 public:
  Check(gtype_gen::health_check::NodeReport report, bool counted, SimTally& tally, int& in_flight)
      : report_(std::move(report)), counted_(counted), tally_(tally), in_flight_(in_flight) {
    ++in_flight_;
  }
  ~Check() override { --in_flight_; }
  gtype::Result<gtype_gen::health_check::NodeReport> choose_health_check() override { return report_; }
  void ended() override {
    if (counted_) ++tally_.ok;
  }
  void failed(const gtype::Status& error) override {
    if (counted_) tally_.fail(error.message());
  }

 private:
  gtype_gen::health_check::NodeReport report_;
  const bool counted_;
  SimTally& tally_;
  int& in_flight_;
};

// When an endpoint's next check is due, and the flag that stops its serve() then.
struct Wake {
  std::atomic<Millis> due{0};
  std::atomic<bool> tick{false};
};

// One endpoint's share of the simulated daemons, each checked at its due times until the end,
// open loop: a check starts when due, whatever the others' sessions are waiting for. serve()
// runs the sessions until the process's ticker sets `wake.tick` (within kTick of wake.due),
// then the checks due are started.
void run_endpoint(const std::string& nodes_address, const std::vector<int>& nodes,
                  const BenchNodesOptions& options, const Timeline& timeline, std::uint64_t session_seed,
                  Wake& wake, SimTally& tally) {
  std::atomic<bool>& tick = wake.tick;
  rt::Directory directory;
  directory.set("nodes", nodes_address);
  rt::EndpointOptions endpoint;
  endpoint.connect_timeout = std::chrono::milliseconds(2000);  // the daemon's
  endpoint.seed = session_seed;
  // ZMTP heartbeats as the nodes service's HealthCheck endpoint has them.
  gtype::Result<hc::Role> role =
      system::Network{}.bind<hc::Role>("HealthCheck", 0, directory, endpoint, services::health_check_links());
  if (!role.ok()) return tally.fail("cannot bind: " + role.error().message());
  const Millis interval = options.interval_ms;
  std::vector<std::pair<Millis, int>> phases;  // (phase, node), in phase order
  phases.reserve(nodes.size());
  for (int i : nodes) phases.emplace_back(phase_of(options.seed, i, interval), i);
  std::sort(phases.begin(), phases.end());
  std::vector<Millis> lateness;
  int in_flight = 0;
  std::size_t next = 0;
  Millis round = 0;
  std::this_thread::sleep_until(
      std::chrono::system_clock::time_point(std::chrono::milliseconds(timeline.start)));
  for (Millis now = wall_now(); now < timeline.end; now = wall_now()) {
    for (Millis due; (due = timeline.start + phases[next].first + round * interval) <= now;) {
      const bool counted = timeline.in_window(due);
      if (counted) lateness.push_back(now - due);
      gtype::Result<rt::SessionId> started = role->start_served(
          std::make_unique<Check>(report_of(phases[next].second, now), counted, tally, in_flight));
      if (!started.ok() && counted) tally.fail(started.error().message());
      if (++next == phases.size()) next = 0, ++round;
    }
    wake.due = timeline.start + phases[next].first + round * interval;
    tick = false;
    if (gtype::Status served = role->serve(tick); !served.ok()) return tally.fail(served.message());
  }
  // The checks still in flight finish (or time out) before the endpoint goes.
  wake.due = 0;
  for (const Millis last = wall_now() + 3000; in_flight > 0 && wall_now() < last;) {
    tick = false;
    (void)role->serve(tick);
  }
  std::lock_guard lock(tally.mutex);
  tally.lateness.insert(tally.lateness.end(), lateness.begin(), lateness.end());
}

Millis quantile(std::vector<Millis>& values, double q) {
  if (values.empty()) return -1;
  const auto at = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

// A simulator process: nodes [first, last) over `transports` endpoints; writes "OK FAILED
// LATE_P99\n" and the first error's line to `out`.
int simulate(const std::string& nodes_address, int first, int last, int process,
             const BenchNodesOptions& options, const Timeline& timeline, int out) {
  const int endpoints = std::max(1, std::min(options.transports, last - first));  // as Child::endpoints
  std::vector<std::vector<int>> shares(static_cast<std::size_t>(endpoints));
  for (int i = first; i < last; ++i) shares[static_cast<std::size_t>((i - first) % endpoints)].push_back(i);
  SimTally tally;
  std::vector<Wake> wakes(static_cast<std::size_t>(endpoints));
  std::atomic<bool> done{false};
  std::thread ticker([&] {  // wakes only the endpoints with a check due: an idle one sleeps
    while (!done.load()) {
      const Millis now = wall_now();
      for (Wake& wake : wakes) {
        if (wake.due.load() <= now) wake.tick = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(kTick));
    }
  });
  std::vector<std::thread> threads;
  for (int e = 0; e < endpoints; ++e) {
    const std::uint64_t session_seed = options.seed * 1'000'003ULL +
                                       static_cast<std::uint64_t>(process) * 10'007ULL +
                                       static_cast<std::uint64_t>(e) + 1;
    const auto at = static_cast<std::size_t>(e);
    threads.emplace_back(run_endpoint, nodes_address, shares[at], std::cref(options), std::cref(timeline),
                         session_seed, std::ref(wakes[at]), std::ref(tally));
  }
  for (std::thread& thread : threads) thread.join();
  done = true;
  ticker.join();
  std::string error = tally.first_error;
  std::replace(error.begin(), error.end(), '\n', ' ');
  const std::string line = std::to_string(tally.ok.load()) + " " + std::to_string(tally.failed.load()) + " " +
                           std::to_string(quantile(tally.lateness, 0.99)) + "\n" + error + "\n";
  return ::write(out, line.data(), line.size()) == static_cast<ssize_t>(line.size()) ? 0 : 1;
}

// CPU time (utime + stime, clock ticks) and peak RSS (VmHWM, kB) of a process; -1 when gone.
long cpu_ticks(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const std::size_t paren = text.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int n = 3; n <= 15 && fields >> field; ++n) {  // fields 14 and 15, counted from pid = 1
    if (n == 14) utime = std::atol(field.c_str());
    if (n == 15) stime = std::atol(field.c_str());
  }
  return utime + stime;
}
long peak_rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// What the sampler learnt of the registry.
struct Registry {
  std::vector<Millis> last_sent, last_take;  // per node, of the last check seen (0: none)
  std::vector<bool> missed;
  std::vector<Millis> lags;  // of the checks taken in the window
};

gtype::Status sample(store::Database& db, const BenchNodesOptions& options, const Timeline& timeline,
                     Registry& registry) {
  store::Statement read;
  gtype::Status s = db.prepare(
      "SELECT n.id, n.lease_deadline_ms, m.value FROM nodes n JOIN node_metrics m ON m.node_id = n.id"
      " WHERE m.name = 'bench_sent_ms'",
      &read);
  if (!s.ok()) return s;
  const Millis now = wall_now();
  for (bool row = true;;) {
    if (s = read.step(&row); !s.ok() || !row) return s;
    const std::string id = read.column_text(0);
    if (id.rfind("sim-", 0) != 0) continue;
    const int i = std::atoi(id.c_str() + 4);
    if (i < 0 || i >= options.nodes) continue;
    const auto at = static_cast<std::size_t>(i);
    const Millis deadline = read.column_int(1);
    const Millis take = deadline - options.lease_ms;
    const auto sent = static_cast<Millis>(read.column_double(2));
    if (timeline.in_window(now) && deadline + kSlack <= now) registry.missed[at] = true;
    if (sent == registry.last_sent[at]) continue;
    if (timeline.in_window(take)) registry.lags.push_back(take - sent);
    if (registry.last_take[at] != 0 && take > timeline.window_start &&
        take - registry.last_take[at] > options.lease_ms)
      registry.missed[at] = true;
    registry.last_sent[at] = sent;
    registry.last_take[at] = take;
  }
}

struct Child {
  pid_t pid;
  int out;        // its counts come here
  int endpoints;  // HealthCheck endpoints it runs
};

// Forks the simulators (before this process touches ZeroMQ or SQLite).
std::vector<Child> start_simulators(const std::string& nodes_address, const BenchNodesOptions& options,
                                    const Timeline& timeline) {
  std::vector<Child> children;
  const int processes = std::min(options.processes, options.nodes);
  for (int p = 0; p < processes; ++p) {
    int pipe_ends[2];
    if (::pipe(pipe_ends) != 0) break;
    const int first = static_cast<int>(static_cast<long>(options.nodes) * p / processes);
    const int last = static_cast<int>(static_cast<long>(options.nodes) * (p + 1) / processes);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // no simulator outlives the bench
      if (::getppid() != parent) ::_exit(1);
      // They stand for daemons on other machines: on these cores, the services go first
      // (SCHED_IDLE, inherited by their threads: a niceness would still let a few hundred
      // simulator threads outweigh the services' few).
      const sched_param idle{};
      (void)::sched_setscheduler(0, SCHED_IDLE, &idle);
      ::close(pipe_ends[0]);
      ::_exit(simulate(nodes_address, first, last, p, options, timeline, pipe_ends[1]));
    }
    ::close(pipe_ends[1]);
    if (pid < 0) {
      ::close(pipe_ends[0]);
      break;
    }
    children.push_back({pid, pipe_ends[0], std::max(1, std::min(options.transports, last - first))});
  }
  return children;
}

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;)
    text.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return text;
}

// Waits for the simulators until `deadline` (then kills them); adds up what they say.
void collect(std::vector<Child>& children, Millis deadline, long* ok, long* failed, Millis* late_p99,
             std::string* error) {
  for (Child& child : children) {
    int status = 0;
    while (::waitpid(child.pid, &status, WNOHANG) == 0) {
      if (wall_now() > deadline) {
        ::kill(child.pid, SIGKILL);
        ::waitpid(child.pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::istringstream said(read_all(child.out));
    long child_ok = 0, child_failed = 0;
    Millis child_late = 0;
    if (!(said >> child_ok >> child_failed >> child_late)) {
      if (error->empty()) *error = "a simulator process ended without its counts";
      continue;
    }
    *ok += child_ok;
    *failed += child_failed;
    *late_p99 = std::max(*late_p99, child_late);
    std::string line;
    std::getline(said, line);
    std::getline(said, line);
    if (error->empty() && !line.empty()) *error = "first failed check: " + line;
  }
}

std::string percent(long ticks, Millis window_ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f",
                100.0 * static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK)) /
                    (static_cast<double>(window_ms) / 1000.0));
  return text;
}

// "NAME=PID" of --pid, or nullopt.
std::optional<std::pair<std::string, pid_t>> named_pid(const std::string& text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) return std::nullopt;
  const std::string number = text.substr(equals + 1);
  if (number.empty() || number.size() > 9 || !std::all_of(number.begin(), number.end(), ::isdigit))
    return std::nullopt;
  return std::pair{text.substr(0, equals), static_cast<pid_t>(std::atol(number.c_str()))};
}

// The --pid options as (name, pid); nullopt (after saying why) when one is not NAME=PID.
std::optional<std::vector<std::pair<std::string, pid_t>>> services_of(const BenchNodesOptions& options) {
  std::vector<std::pair<std::string, pid_t>> services;
  for (const std::string& text : options.pids) {
    std::optional<std::pair<std::string, pid_t>> pid = named_pid(text);
    if (!pid) {
      std::fprintf(stderr, "c12s bench-nodes: --pid takes NAME=PID (nodes=1234), not '%s'\n", text.c_str());
      return std::nullopt;
    }
    services.push_back(*pid);
  }
  return services;
}

// CPU ticks of each service and each simulator when the measured window opened.
struct CpuAtWindow {
  std::vector<long> services, simulators;
};

// Samples the registry until the timeline ends, noting the CPU ticks as the window opens.
gtype::Status watch(store::Database& db, const BenchNodesOptions& options, const Timeline& timeline,
                    const std::vector<std::pair<std::string, pid_t>>& services,
                    const std::vector<Child>& children, Registry& registry, CpuAtWindow* cpu) {
  cpu->services.assign(services.size(), 0);
  cpu->simulators.assign(children.size(), 0);
  bool window_open = false;
  while (wall_now() < timeline.end) {
    if (!window_open && wall_now() >= timeline.window_start) {
      window_open = true;
      for (std::size_t k = 0; k < services.size(); ++k) cpu->services[k] = cpu_ticks(services[k].second);
      for (std::size_t k = 0; k < children.size(); ++k) cpu->simulators[k] = cpu_ticks(children[k].pid);
    }
    if (gtype::Status sampled = sample(db, options, timeline, registry); !sampled.ok()) return sampled;
    std::this_thread::sleep_for(std::chrono::milliseconds(kSample));
  }
  return gtype::Status();
}

// " nodes_cpu_pct=… nodes_rss_mb=…" for each service, over the window.
std::string services_figures(const std::vector<std::pair<std::string, pid_t>>& services,
                             const CpuAtWindow& cpu, Millis window_ms) {
  std::string line;
  for (std::size_t k = 0; k < services.size(); ++k) {
    const auto& [name, pid] = services[k];
    line += " " + name + "_cpu_pct=" + percent(cpu_ticks(pid) - cpu.services[k], window_ms);
    line += " " + name + "_rss_mb=" + std::to_string(peak_rss_kb(pid) / 1024);
  }
  return line;
}

}  // namespace

int bench_nodes_command(const ClientOptions& client, const BenchNodesOptions& options) {
  const std::optional<std::vector<std::pair<std::string, pid_t>>> services = services_of(options);
  if (!services) return 2;
  std::optional<system::SystemMap> map = system_map_of(client);
  if (!map) return 2;
  model::Result<std::string> nodes_address = map->address("HealthCheck", "nodes");
  if (!nodes_address.ok()) return failure("bench-nodes", nodes_address.error());
  const Millis start = wall_now() + kStartDelay;
  const Timeline timeline{start, start + options.warmup_s * 1000L,
                          start + (options.warmup_s + options.window_s) * 1000L};
  std::vector<Child> children = start_simulators(*nodes_address, options, timeline);

  std::unique_ptr<store::Database> db;
  gtype::Status sampled = services::open_store(*map, "nodes", &db);
  Registry registry{std::vector<Millis>(static_cast<std::size_t>(options.nodes), 0),
                    std::vector<Millis>(static_cast<std::size_t>(options.nodes), 0),
                    std::vector<bool>(static_cast<std::size_t>(options.nodes), false),
                    {}};
  CpuAtWindow cpu;
  if (sampled.ok()) sampled = watch(*db, options, timeline, *services, children, registry, &cpu);
  const Millis window_ms = options.window_s * 1000L;
  const std::string services_line = services_figures(*services, cpu, window_ms);
  long sim_ticks = 0;
  for (std::size_t k = 0; k < children.size() && k < cpu.simulators.size(); ++k)
    sim_ticks += cpu_ticks(children[k].pid) - cpu.simulators[k];
  long ok = 0, failed = 0;
  Millis late_p99 = -1;
  std::string error;
  collect(children, timeline.end + 15000, &ok, &failed, &late_p99, &error);
  if (!sampled.ok()) return failure("bench-nodes", sampled);

  int endpoints = 0;
  for (const Child& child : children) endpoints += child.endpoints;
  long missed = 0;
  for (std::size_t i = 0; i < registry.missed.size(); ++i)
    missed += registry.missed[i] || registry.last_take[i] == 0 ? 1 : 0;
  const std::size_t samples = registry.lags.size();
  const Millis p50 = quantile(registry.lags, 0.5), p99 = quantile(registry.lags, 0.99);
  char checks[32];
  std::snprintf(checks, sizeof checks, "%.1f", static_cast<double>(ok) / options.window_s);
  std::printf(
      "nodes=%d processes=%zu endpoints=%d window_s=%d checks_per_s=%s failed_checks=%ld lag_samples=%zu "
      "lag_p50_ms=%" PRId64 " lag_p99_ms=%" PRId64
      " missed_leases=%ld%s sim_cpu_pct=%s sim_late_p99_ms=%" PRId64 "\n",
      options.nodes, children.size(), endpoints, options.window_s, checks, failed, samples, p50, p99, missed,
      services_line.c_str(), percent(sim_ticks, window_ms).c_str(), late_p99);
  if (!error.empty()) std::fprintf(stderr, "c12s bench-nodes: %s\n", error.c_str());
  return 0;
}

}  // namespace c12s::cli
