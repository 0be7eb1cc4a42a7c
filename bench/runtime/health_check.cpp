// Complete HealthCheck sessions per second (protocols/health_check.gtype), every role in its own
// process over TCP on 127.0.0.1, through the generated API.
//
//   runtime_bench health-check [--nodes K] [--sessions N]
//
// nodes, state and log are services: serve() gives each of their sessions its own session
// object (a Handler). K node processes each open ceil(N / K) sessions back to back with the
// state-channel API (start, then connect_health_check, which returns once nodes has accepted),
// as node daemons pinging the service would. Every other ping of a node reports a cluster, so
// nodes chooses `active` (nodes ->> state, then nodes ->> log : used) for half the sessions and
// `free` (nodes ->> log) for the others, as Algorithm 1 does.
//
// The clock starts when every process is bound and the nodes are told to go, and stops when the
// last role has reached the end of its last session: each process reports (over a pipe) when it
// has seen the number of sessions it expects end (node: its own; nodes and log: all; state: the
// active ones), and no session may fail. sessions_per_s = sessions / (last end - start).
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <thread>
#include <unordered_map>

#include <health_check/log.h>
#include <health_check/node.h>
#include <health_check/nodes.h>
#include <health_check/state.h>

#include "bench.h"

namespace bench {
namespace {

namespace rt = gtype::rt;
namespace hc = gtype_gen::health_check;

constexpr int kStartupMs = 20000;
constexpr int kRunMs = 120000;

hc::NodeReport report(long node, long ping) {
  hc::NodeReport r;
  r.id = "node-" + std::to_string(node);
  r.name = "edge-" + std::to_string(node);
  r.version = "v1";
  r.address = "10.0.0." + std::to_string(node + 1);
  r.labels = {{"arch", "arm64"}, {"os", "linux"}, {"cores", "4"}, {"memory", "4GB"}};
  r.metrics = {{"cpu", 0.25 + static_cast<double>(ping % 50) / 100}, {"ram_free", 1.5}, {"disk_free", 20.5}};
  r.resources = {{"memory", "GB", 1.5, 2.5, 4}, {"disk", "GB", 20.5, 11.5, 32}};
  if (ping % 2 == 0) {
    r.topology = "edge";
    r.region = "eu";
    r.cluster = "c1";
  }
  r.sent_at = 1700000000 + ping;
  return r;
}

// Counts the sessions of a service that are over; says "done <time> <ended> <failed>" on `out`
// once `expected` are.
class Tally {
 public:
  Tally(long expected, int out) : expected_(expected), out_(out) {}
  void ended() {
    ++ended_;
    over();
  }
  void failed(const char* role, const gtype::Status& error) {
    if (failed_++ < 3) std::fprintf(stderr, "%s: %s\n", role, error.message().c_str());
    over();
  }

 private:
  void over() {
    if (ended_ + failed_ != expected_) return;
    write_line(out_, "done " + std::to_string(now_ns()) + " " + std::to_string(ended_) + " " +
                         std::to_string(failed_));
  }
  long expected_;
  int out_;
  long ended_ = 0;
  long failed_ = 0;
};

// The services' session objects, one per session. Each has a Shared: what its service's
// sessions share, owned by the service and touched only by the thread that runs serve().

class Nodes final : public hc::nodes::Handler {
 public:
  struct Shared {};
  Nodes(Tally& tally, Shared&) : tally_(tally) {}
  // Algorithm 1: the node's status is renewed on every ping; used when it is in a cluster.
  void on_health_check(const hc::NodeReport& r) override {
    hc::NodeStatus& s = status_;
    s.id = r.id;
    s.name = r.name;
    s.labels = r.labels;
    s.metrics = r.metrics;
    s.status = r.cluster ? "used" : "free";
    s.lease = 30;
    s.topology = r.topology;
    s.region = r.region;
    s.cluster = r.cluster;
    s.last_seen = r.sent_at;
  }
  gtype::Result<hc::nodes::AfterHealthCheck::Choice> choose_active_or_free() override {
    using Checked = hc::nodes::AfterHealthCheck;
    if (status_.cluster) return Checked::Choice(Checked::Active{status_});
    return Checked::Choice(Checked::Free{status_});
  }
  gtype::Result<hc::NodeStatus> choose_used() override { return status_; }
  void ended() override { tally_.ended(); }
  void failed(const gtype::Status& error) override { tally_.failed("nodes", error); }

 private:
  Tally& tally_;
  hc::NodeStatus status_;
};

class State final : public hc::state::Handler {
 public:
  struct Shared {
    std::unordered_map<std::string, std::int64_t> watched;  // node id -> last seen
  };
  State(Tally& tally, Shared& shared) : tally_(tally), shared_(shared) {}
  void on_active(const hc::NodeStatus& status) override { shared_.watched[status.id] = status.last_seen; }
  void ended() override { tally_.ended(); }
  void failed(const gtype::Status& error) override { tally_.failed("state", error); }

 private:
  Tally& tally_;
  Shared& shared_;
};

class Log final : public hc::log::Handler {
 public:
  struct Shared {
    std::unordered_map<std::string, long> used;
    std::unordered_map<std::string, long> free;
  };
  Log(Tally& tally, Shared& shared) : tally_(tally), shared_(shared) {}
  void on_used(const hc::NodeStatus& status) override { ++shared_.used[status.id]; }
  void on_free(const hc::NodeStatus& status) override { ++shared_.free[status.id]; }
  void ended() override { tally_.ended(); }
  void failed(const gtype::Status& error) override { tally_.failed("log", error); }

 private:
  Tally& tally_;
  Shared& shared_;
};

// A service process: binds, says its address, serves until the parent says "exit", with a
// Session object per session.
template <typename Role, typename Session>
int service(const char* name, const rt::Directory& directory, long expected, int in, int out) {
  auto role = Role::bind("tcp://127.0.0.1:0", directory);
  if (!role) {
    std::fprintf(stderr, "%s: %s\n", name, role.error().message().c_str());
    return 1;
  }
  write_line(out, role->address());
  std::atomic<bool> stop{false};
  std::thread watcher([&] {
    (void)read_line(in, 24 * 3600 * 1000);  // "exit", or the parent is gone
    stop = true;
  });
  Tally tally(expected, out);
  typename Session::Shared shared;
  gtype::Status served =
      role->serve([&](const rt::SessionInfo&) { return std::make_unique<Session>(tally, shared); }, stop);
  watcher.join();
  if (!served) {
    std::fprintf(stderr, "%s: %s\n", name, served.message().c_str());
    return 1;
  }
  return 0;
}

int node(long index, long sessions, const std::string& nodes, int in, int out) {
  rt::Directory directory;
  directory.set("nodes", nodes);
  auto role = hc::node::Role::bind("tcp://127.0.0.1:0", directory);
  if (!role) {
    std::fprintf(stderr, "node %ld: %s\n", index, role.error().message().c_str());
    return 1;
  }
  std::vector<hc::NodeReport> reports;
  for (long i = 0; i < sessions; ++i) reports.push_back(report(index, i));
  write_line(out, "ready");
  if (read_line(in, kStartupMs) != "go") return 1;
  long ended = 0;
  long failed = 0;
  for (const hc::NodeReport& r : reports) {
    auto s0 = role->start();
    auto end = s0 ? std::move(*s0).connect_health_check(r) : gtype::Result<hc::node::End>(s0.error());
    if (end) {
      ++ended;
    } else if (failed++ < 3) {
      std::fprintf(stderr, "node %ld: %s\n", index, end.error().message().c_str());
    }
  }
  write_line(out,
             "done " + std::to_string(now_ns()) + " " + std::to_string(ended) + " " + std::to_string(failed));
  (void)read_line(in, kRunMs);  // "exit": the endpoint stays until every role is done
  return 0;
}

}  // namespace

int health_check(const std::vector<std::string>& args) {
  const long node_count = option(args, "--nodes", 4L);
  const long requested = option(args, "--sessions", 4000L);
  if (node_count < 1 || requested < 1) {
    std::fprintf(stderr, "runtime_bench health-check: --nodes and --sessions must be positive\n");
    return 2;
  }
  const long per_node = (requested + node_count - 1) / node_count;
  const long sessions = per_node * node_count;
  const long active = node_count * ((per_node + 1) / 2);  // pings 0, 2, 4... report a cluster

  std::vector<Child> children;
  const auto give_up = [&](const std::string& why) {
    std::fprintf(stderr, "runtime_bench health-check: %s\n", why.c_str());
    for (Child& child : children) kill_child(child);
    return 1;
  };
  const auto address_of = [&](Child& child) { return read_line(child.from, kStartupMs).value_or(""); };

  children.push_back(spawn([&](int in, int out) {
    return service<hc::state::Role, State>("state", rt::Directory(), active, in, out);
  }));
  const std::string state = address_of(children.back());
  children.push_back(spawn([&](int in, int out) {
    return service<hc::log::Role, Log>("log", rt::Directory(), sessions, in, out);
  }));
  const std::string log = address_of(children.back());
  if (state.empty() || log.empty()) return give_up("state or log did not start");
  children.push_back(spawn([&](int in, int out) {
    rt::Directory directory;
    directory.set("state", state);
    directory.set("log", log);
    return service<hc::nodes::Role, Nodes>("nodes", directory, sessions, in, out);
  }));
  const std::string nodes = address_of(children.back());
  if (nodes.empty()) return give_up("nodes did not start");
  for (long k = 0; k < node_count; ++k) {
    children.push_back(spawn([&](int in, int out) { return node(k, per_node, nodes, in, out); }));
  }
  for (std::size_t i = 3; i < children.size(); ++i) {
    if (read_line(children[i].from, kStartupMs) != "ready") return give_up("a node did not start");
  }

  const std::int64_t start = now_ns();
  for (std::size_t i = 3; i < children.size(); ++i) write_line(children[i].to, "go");
  std::int64_t last = start;
  long failed = 0;
  for (Child& child : children) {
    const std::optional<std::string> done = read_line(child.from, kRunMs);
    std::int64_t at = 0;
    long ended = 0;
    long failures = 0;
    if (!done || std::sscanf(done->c_str(), "done %" SCNd64 " %ld %ld", &at, &ended, &failures) != 3) {
      return give_up("a role did not finish its sessions in time");
    }
    last = std::max(last, at);
    failed += failures;
  }
  for (Child& child : children) write_line(child.to, "exit");
  for (Child& child : children) {
    if (int code = wait_child(child); code != 0) return give_up("a role exited with " + std::to_string(code));
  }
  if (failed != 0) return give_up(std::to_string(failed) + " sessions failed");
  const double seconds = static_cast<double>(last - start) / 1e9;
  std::printf("nodes=%ld sessions=%ld active=%ld seconds=%.3f sessions_per_s=%.0f\n", node_count, sessions,
              active, seconds, static_cast<double>(sessions) / seconds);
  return 0;
}

}  // namespace bench
