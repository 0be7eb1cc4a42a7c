// The four thesis protocols (protocols/*.gtype) end to end: generated code, every role in its
// own process, over ZeroMQ TCP on 127.0.0.1, every branch of every choice taken by some case.
//
// Each case forks one process per role that takes part (a role a branch leaves idle is not
// started: nobody would contact it); each process runs its role to End and exits 0 at once, or
// prints what went wrong and exits 1. A role's process may be gone while its peers still read
// what it sent last: the runtime flushes a closing endpoint's frames, and a peer is seen lost
// only after its last frames. Choices follow the case's script; every payload received is
// checked against the value its sender was given. Most roles use the state-channel API; some
// (noted) serve their one session with a session object (a Handler), as a server would. Ports
// come from the test's process id; a case whose ports are taken is run again on others.
#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "thesis_code.h"

namespace rt = gtype::rt;
namespace hc = gtype_gen::health_check;
namespace cf = gtype_gen::cluster_formation;
namespace ic = gtype_gen::idempotency_check;
namespace ld = gtype_gen::list_detail;
namespace sorts = gtype_gen::sorts::c12s::sorts;
using namespace std::chrono_literals;

namespace {

constexpr int kPortTaken = 77;

// What one role process is given.
struct Context {
  std::string role;
  std::string address;  // where this role binds
  rt::Directory directory;
  std::map<std::string, std::string> script;  // the case's choices

  bool is(const std::string& key, const std::string& value) const {
    auto it = script.find(key);
    return it != script.end() && it->second == value;
  }
  int count(const std::string& key) const {
    auto it = script.find(key);
    return it == script.end() ? 0 : std::stoi(it->second);
  }
};

int fail(const Context& context, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", context.role.c_str(), what.c_str());
  return 1;
}

int fail(const Context& context, const std::string& what, const gtype::Status& status) {
  return fail(context, what + ": " + status.to_string());
}

template <typename T>
int fail(const Context& context, const std::string& what, const gtype::Result<T>& result) {
  return fail(context, what, result.error());
}

// `auto name = expression;` that returns from the role with the error when it has one.
#define STEP(name, expression) \
  auto name = (expression);    \
  if (!name) return fail(context, #expression, name);
#define CHECK_VALUE(condition) \
  if (!(condition)) return fail(context, "unexpected value: " #condition);

rt::EndpointOptions options() {
  rt::EndpointOptions out;
  out.receive_timeout = 10s;
  out.connect_timeout = 10s;
  return out;
}

[[noreturn]] void report_and_exit(int code);

// Binds the role; a port already in use makes the whole case start again elsewhere. The role
// function owns the Role: it is destroyed (flushing what it sent last) when the function returns,
// and the process exits right after.
template <typename Role>
Role bind(const Context& context) {
  auto role = Role::bind(context.address, context.directory, options());
  if (!role) {
    std::fprintf(stderr, "%s: bind %s: %s\n", context.role.c_str(), context.address.c_str(),
                 role.error().message().c_str());
    report_and_exit(role.error().code() == gtype::StatusCode::kTransport ? kPortTaken : 1);
  }
  return std::move(*role);
}

// How the one session a role serves went, as its session object (gone once serve() returns)
// saw it.
struct Outcome {
  std::string error;
  bool done = false;
};

// Base of the session objects below: a wrong value is an error, and the end or failure of the
// session stops serve().
template <typename Handler>
class OneSession : public Handler {
 public:
  OneSession(const Context& context, Outcome& outcome, std::atomic<bool>& stop)
      : context_(context), outcome_(outcome), stop_(stop) {}
  void ended() override {
    outcome_.done = true;
    stop_ = true;
  }
  void failed(const gtype::Status& e) override {
    outcome_.error = std::string("failed: ") + e.message();
    stop_ = true;
  }

 protected:
  void wrong(const std::string& what) { outcome_.error = what; }
  const Context& context_;

 private:
  Outcome& outcome_;
  std::atomic<bool>& stop_;
};

// Serves the role's session with a session object of type Session until it ends or fails.
template <typename Session, typename Role>
int serve_one(const Context& context, Role& role) {
  Outcome outcome;
  std::atomic<bool> stop{false};
  gtype::Status served = role.serve(
      [&](const rt::SessionInfo&) { return std::make_unique<Session>(context, outcome, stop); }, stop);
  if (!served) return fail(context, "serve", served);
  if (!outcome.error.empty()) return fail(context, outcome.error);
  return outcome.done ? 0 : fail(context, "the session did not end");
}

// ---------------------------------------------------------------------------- payloads

sorts::NodeStatus node_status(const std::string& id) {
  sorts::NodeStatus status;
  status.id = id;
  status.name = "node-" + id;
  status.labels = {{"arch", "arm64"}, {"os", "linux"}};
  status.metrics = {{"cpu", 0.25}, {"ram_free", 1.5}};
  status.status = "free";
  status.lease = 30;
  status.region = "eu";
  status.last_seen = 1700000000;
  return status;
}

sorts::NodeReport node_report() {
  sorts::NodeReport report;
  report.id = "n1";
  report.name = "node-n1";
  report.version = "v1";
  report.address = "10.0.0.1";
  report.labels = {{"arch", "arm64"}};
  report.metrics = {{"cpu", 0.5}};
  report.resources = {{"memory", "GB", 1.5, 2.5, 4}};
  report.cluster = "c1";
  report.sent_at = 1700000001;
  return report;
}

sorts::Selector selector(int round) {
  return {{{"arch", "arm64"}, {"round", std::to_string(round)}}, round % 2 == 0};
}
sorts::NodeList node_list(int round) {
  return {{node_status("a" + std::to_string(round)), node_status("b")}};
}

sorts::TopologySpec topology() {
  sorts::TopologySpec spec;
  spec.version = "v1";
  spec.kind = "Topology";
  spec.meta = {"task-7", "default"};
  spec.name = "edge";
  spec.labels = {{"tier", "edge"}};
  spec.regions = {{"eu", {}, {{"c1", "24h", {}, {{"m1", "n1", {{"disk", "ssd"}}}}}}}};
  return spec;
}

sorts::NodeIds node_ids(const std::string& prefix) {
  return {{"task-7"}, {prefix + "1", prefix + "2"}, std::nullopt};
}
sorts::ScheduleSpec schedule() { return {{"task-7"}, topology(), {"n1", "n2"}}; }
sorts::FormationUpdate formation() {
  return {{"task-7"},
          {{"n1",
            "c1-n1",
            "node-n1",
            {{"arch", "arm64"}},
            "edge",
            "eu",
            "c1",
            {"c1-n1", "c1-n2"},
            {{"c1-n1", "tcp://10.0.0.1:7400"}, {"c1-n2", "tcp://10.0.0.2:7400"}},
            std::nullopt}}};
}
sorts::ListRequest list_request() { return {selector(0), "edge", std::nullopt, "c1"}; }
sorts::MetricsQuery metrics_query() { return {{"n1", "n2"}, {"cpu"}, 1700000000, 1700003600}; }
sorts::ListDetailView detail_view() {
  return {{{"edge", "eu", "c1", "24h", {node_status("n1")}, {{"n1", "cpu", {1, 2}, {0.5, 0.75}}}}}};
}
sorts::ListBriefView brief_view() { return {{{"edge", {{"tier", "edge"}}, 1, 1, 2, {{"cpu", 0.5}}}}}; }

// ---------------------------------------------------------------------------- HealthCheck

int health_node(const Context& context) {
  auto role = bind<hc::node::Role>(context);
  STEP(s0, role.start());
  STEP(end, std::move(*s0).connect_health_check(node_report()));
  return 0;
}

// nodes as a server: a session object (script: health=active|free).
class HealthNodes : public OneSession<hc::nodes::Handler> {
 public:
  using OneSession::OneSession;
  void on_health_check(const hc::NodeReport& report) override {
    if (!(report == node_report())) wrong("wrong report");
  }
  gtype::Result<hc::nodes::AfterHealthCheck::Choice> choose_active_or_free() override {
    using Checked = hc::nodes::AfterHealthCheck;
    if (context_.is("health", "active")) return Checked::Choice(Checked::Active{node_status("n1")});
    return Checked::Choice(Checked::Free{node_status("n1")});
  }
  gtype::Result<hc::NodeStatus> choose_used() override { return node_status("n1"); }
};

int health_nodes(const Context& context) {
  auto role = bind<hc::nodes::Role>(context);
  return serve_one<HealthNodes>(context, role);
}

int health_state(const Context& context) {
  auto role = bind<hc::state::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(active, std::move(*s0).receive());
  CHECK_VALUE(active->value == node_status("n1"));
  return 0;
}

int health_log(const Context& context) {
  auto role = bind<hc::log::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(branch, std::move(*s0).receive());
  const bool used = std::holds_alternative<hc::log::Start::Used>(*branch);
  CHECK_VALUE(used == context.is("health", "active"));
  const hc::NodeStatus& status =
      used ? std::get<hc::log::Start::Used>(*branch).value : std::get<hc::log::Start::Free>(*branch).value;
  CHECK_VALUE(status == node_status("n1"));
  return 0;
}

// ---------------------------------------------------------------------------- ClusterFormation

// user: script queries=N (extra rounds of the loop), then=mutate|quit.
int formation_user(const Context& context) {
  auto role = bind<cf::user::Role>(context);
  STEP(s0, role.start());
  STEP(s1, std::move(*s0).connect_query(selector(0)));
  for (int round = 0;; ++round) {
    STEP(resp, std::move(*s1).receive());
    CHECK_VALUE(resp->value == node_list(round));
    if (round < context.count("queries")) {
      STEP(again, std::move(resp->next).send_query(selector(round + 1)));
      s1 = std::move(again);
      continue;
    }
    if (context.is("then", "quit")) {
      STEP(end, std::move(resp->next).send_quit());
      return 0;
    }
    STEP(s3, std::move(resp->next).send_mutate());
    STEP(s5, std::move(*s3).send_create(topology()));
    STEP(ok, std::move(*s5).receive());
    return 0;
  }
}

int formation_state(const Context& context) {
  auto role = bind<cf::state::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(query, std::move(*s0).receive());
  CHECK_VALUE(query->value == selector(0));
  STEP(s2, std::move(query->next).connect_query(query->value));
  for (int round = 0;; ++round) {
    STEP(resp, std::move(*s2).receive());
    CHECK_VALUE(resp->value == node_list(round));
    STEP(s4, std::move(resp->next).send_resp(resp->value));
    STEP(choice, std::move(*s4).receive());
    if (auto* again = std::get_if<cf::state::AfterTRespResp::Query>(&*choice)) {
      CHECK_VALUE(again->value == selector(round + 1));
      STEP(looped, std::move(again->next).send_query(again->value));
      s2 = std::move(looped);
      continue;
    }
    if (auto* quit = std::get_if<cf::state::AfterTRespResp::Quit>(&*choice)) {
      STEP(end, std::move(quit->next).send_quit());
      return 0;
    }
    auto& mutate = std::get<cf::state::AfterTRespResp::Mutate>(*choice);
    STEP(create, std::move(mutate.next).receive());
    CHECK_VALUE(create->value == topology());
    STEP(s10, std::move(create->next).send_ok());
    STEP(s11, std::move(*s10).send_ids(node_ids("n")));
    STEP(reserved, std::move(*s11).receive());
    if (auto* err = std::get_if<cf::state::AfterTRespRespMutateCreateOkIds::Err>(&*reserved)) {
      CHECK_VALUE(err->value == "no capacity");
      STEP(end, std::move(err->next).connect_err(err->value));
      return 0;
    }
    auto& rsrvd = std::get<cf::state::AfterTRespRespMutateCreateOkIds::Rsrvd>(*reserved);
    STEP(s14, std::move(rsrvd.next).connect_ids(schedule()));
    STEP(succ, std::move(*s14).receive());
    STEP(end, std::move(succ->next).connect_succ());
    return 0;
  }
}

// nodes: script reserve=yes|no.
int formation_nodes(const Context& context) {
  auto role = bind<cf::nodes::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(query, std::move(*s0).receive());
  CHECK_VALUE(query->value == selector(0));
  cf::nodes::LoopT s1 = std::move(query->next);
  for (int round = 0;; ++round) {
    STEP(s2, std::move(s1).send_resp(node_list(round)));
    STEP(choice, std::move(*s2).receive());
    if (auto* again = std::get_if<cf::nodes::AfterTResp::Query>(&*choice)) {
      CHECK_VALUE(again->value == selector(round + 1));
      s1 = std::move(again->next);
      continue;
    }
    if (std::holds_alternative<cf::nodes::AfterTResp::Quit>(*choice)) return 0;
    auto& ids = std::get<cf::nodes::AfterTResp::Ids>(*choice);
    CHECK_VALUE(ids.value == node_ids("n"));
    if (context.is("reserve", "no")) {
      STEP(end, std::move(ids.next).send_err("no capacity"));
      return 0;
    }
    STEP(s5, std::move(ids.next).send_rsrvd());
    STEP(nids, std::move(*s5).receive());
    CHECK_VALUE(nids->value == node_ids("c1-n"));
    STEP(end, std::move(nids->next).send_succ());
    return 0;
  }
}

int formation_log(const Context& context) {
  auto role = bind<cf::log::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(logged, std::move(*s0).receive());
  if (context.is("reserve", "no")) {
    CHECK_VALUE(std::holds_alternative<cf::log::Start::Err>(*logged));
    CHECK_VALUE(std::get<cf::log::Start::Err>(*logged).value == "no capacity");
  } else {
    CHECK_VALUE(std::holds_alternative<cf::log::Start::Succ>(*logged));
  }
  return 0;
}

int formation_pool(const Context& context) {
  auto role = bind<cf::pool::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(update, std::move(*s0).receive());
  CHECK_VALUE(update->value == formation());
  STEP(s2, std::move(update->next).send_ok());
  STEP(end, std::move(*s2).connect_nids(node_ids("c1-n")));
  return 0;
}

int formation_sched(const Context& context) {
  auto role = bind<cf::sched::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(ids, std::move(*s0).receive());
  CHECK_VALUE(ids->value == schedule());
  STEP(s2, std::move(ids->next).connect_update(formation()));
  STEP(ok, std::move(*s2).receive());
  return 0;
}

// ---------------------------------------------------------------------------- IdempotencyCheck

// user: script request=quit|create.
int idempotency_user(const Context& context) {
  auto role = bind<ic::user::Role>(context);
  STEP(s0, role.start());
  if (context.is("request", "quit")) {
    STEP(end, std::move(*s0).connect_quit());
    return 0;
  }
  STEP(s2, std::move(*s0).connect_create(topology()));
  STEP(ok, std::move(*s2).receive());
  return 0;
}

int idempotency_service(const Context& context) {
  auto role = bind<ic::service::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(request, std::move(*s0).receive());
  if (std::holds_alternative<ic::service::Start::Quit>(*request)) {
    CHECK_VALUE(context.is("request", "quit"));
    return 0;
  }
  auto& create = std::get<ic::service::Start::Create>(*request);
  CHECK_VALUE(create.value == topology());
  STEP(s3, std::move(create.next).send_ok());
  STEP(s4, std::move(*s3).connect_try(create.value));
  STEP(resp, std::move(*s4).receive());
  if (resp->value) {  // seen before: log it and tell istorage
    STEP(s6, std::move(resp->next).connect_done("edge: already formed"));
    STEP(end, std::move(*s6).send_seen());
    return 0;
  }
  STEP(s7, std::move(resp->next).connect_ids(node_ids("n")));
  STEP(s8, std::move(*s7).send_not_seen());
  STEP(rsrvd, std::move(*s8).receive());
  STEP(s10, std::move(rsrvd->next).connect_store(topology()));
  STEP(stored, std::move(*s10).receive());
  STEP(end, std::move(stored->next).connect_ids(schedule()));
  return 0;
}

// istorage as a server: a session object (script: seen=yes|no).
class IdempotencyStorage : public OneSession<ic::istorage::Handler> {
 public:
  using OneSession::OneSession;
  void on_try(const ic::TopologySpec& spec) override {
    if (!(spec == topology())) wrong("wrong try");
  }
  gtype::Result<bool> choose_resp() override { return context_.is("seen", "yes"); }
  void on_seen() override {
    if (!context_.is("seen", "yes")) wrong("seen, though not seen before");
  }
  void on_not_seen() override {
    if (context_.is("seen", "yes")) wrong("not seen, though seen before");
  }
  void on_save(const ic::TopologySpec& spec) override {
    if (!(spec == topology())) wrong("wrong save");
  }
};

int idempotency_istorage(const Context& context) {
  auto role = bind<ic::istorage::Role>(context);
  return serve_one<IdempotencyStorage>(context, role);
}

int idempotency_mstorage(const Context& context) {
  auto role = bind<ic::mstorage::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(store, std::move(*s0).receive());
  CHECK_VALUE(store->value == topology());
  STEP(s2, std::move(store->next).connect_save(store->value));
  STEP(saved, std::move(*s2).receive());
  STEP(end, std::move(saved->next).send_stored());
  return 0;
}

int idempotency_log(const Context& context) {
  auto role = bind<ic::log::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(done, std::move(*s0).receive());
  CHECK_VALUE(done->value == "edge: already formed");
  return 0;
}

int idempotency_nodes(const Context& context) {
  auto role = bind<ic::nodes::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(ids, std::move(*s0).receive());
  CHECK_VALUE(ids->value == node_ids("n"));
  STEP(end, std::move(ids->next).send_rsrvd());
  return 0;
}

int idempotency_sched(const Context& context) {
  auto role = bind<ic::sched::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(ids, std::move(*s0).receive());
  CHECK_VALUE(ids->value == schedule());
  return 0;
}

// ---------------------------------------------------------------------------- ListDetail

// user: script list=detail|brief.
int list_user(const Context& context) {
  auto role = bind<ld::user::Role>(context);
  STEP(s0, role.start());
  if (context.is("list", "detail")) {
    STEP(s1, std::move(*s0).connect_list(list_request()));
    STEP(result, std::move(*s1).receive());
    CHECK_VALUE(result->value == detail_view());
  } else {
    STEP(s2, std::move(*s0).connect_list_brief(list_request()));
    STEP(result, std::move(*s2).receive());
    CHECK_VALUE(result->value == brief_view());
  }
  return 0;
}

// state as a server: a session object.
class ListState : public OneSession<ld::state::Handler> {
 public:
  using OneSession::OneSession;
  void on_list(const ld::ListRequest& request) override { check(request); }
  void on_list_brief(const ld::ListRequest& request) override { check(request); }
  gtype::Result<ld::MetricsQuery> choose_query() override { return metrics_query(); }
  gtype::Result<ld::ListBriefView> choose_brief() override { return brief_view(); }
  void on_result(const ld::ListDetailView& view) override { detail_ = view; }
  gtype::Result<ld::ListBriefView> choose_result_at_after_list_brief_brief() override { return brief_view(); }
  gtype::Result<ld::ListDetailView> choose_detail() override { return detail_; }
  gtype::Result<ld::ListDetailView> choose_result_at_after_list_query_result_detail() override {
    return detail_;
  }

 private:
  void check(const ld::ListRequest& request) {
    if (!(request == list_request())) wrong("wrong request");
  }
  ld::ListDetailView detail_;
};

int list_state(const Context& context) {
  auto role = bind<ld::state::Role>(context);
  return serve_one<ListState>(context, role);
}

int list_nodes(const Context& context) {
  auto role = bind<ld::nodes::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(query, std::move(*s0).receive());
  CHECK_VALUE(query->value == metrics_query());
  STEP(end, std::move(query->next).send_result(detail_view()));
  return 0;
}

int list_log(const Context& context) {
  auto role = bind<ld::log::Role>(context);
  STEP(s0, role.next_session(10s));
  STEP(logged, std::move(*s0).receive());
  if (context.is("list", "detail")) {
    CHECK_VALUE(std::holds_alternative<ld::log::Start::Detail>(*logged));
    CHECK_VALUE(std::get<ld::log::Start::Detail>(*logged).value == detail_view());
  } else {
    CHECK_VALUE(std::holds_alternative<ld::log::Start::Brief>(*logged));
    CHECK_VALUE(std::get<ld::log::Start::Brief>(*logged).value == brief_view());
  }
  return 0;
}

#undef STEP
#undef CHECK_VALUE

// ---------------------------------------------------------------------------- running a case

using RoleMain = std::function<int(const Context&)>;

struct Case {
  std::string name;
  std::vector<std::string> all_roles;                   // the protocol's roles, in order
  std::vector<std::pair<std::string, RoleMain>> roles;  // those that take part
  std::map<std::string, std::string> script;
};

// The pipe between the test and its role processes: each role writes its exit code there, then
// exits at once.
int status_pipe[2] = {-1, -1};
int role_number = 0;

void report_and_exit(int code) {
  std::fflush(stdout);
  std::fflush(stderr);
  const unsigned char message[2] = {static_cast<unsigned char>(role_number),
                                    static_cast<unsigned char>(code)};
  if (write(status_pipe[1], message, sizeof message) != static_cast<ssize_t>(sizeof message)) _exit(2);
  _exit(code);  // not exit(): the forked copy of the test must not run its atexit handlers
}

// Forks every role of `c` on ports base, base+1, ...; the exit code of each, or -1 when it did
// not finish within a minute.
std::map<std::string, int> run_once(const Case& c, int base) {
  rt::Directory directory;
  for (std::size_t i = 0; i < c.all_roles.size(); ++i) {
    directory.set(c.all_roles[i], "tcp://127.0.0.1:" + std::to_string(base + static_cast<int>(i)));
  }
  if (pipe(status_pipe) != 0) return {};
  std::vector<pid_t> children;
  for (std::size_t r = 0; r < c.roles.size(); ++r) {
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = fork();
    if (pid == 0) {
      close(status_pipe[0]);
      role_number = static_cast<int>(r);
      const auto& [role, main] = c.roles[r];
      Context context{role, *directory.address(role), directory, c.script};
      report_and_exit(main(context));
    }
    children.push_back(pid);
  }
  close(status_pipe[1]);

  std::map<std::string, int> status;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (status.size() < c.roles.size() && std::chrono::steady_clock::now() < deadline) {
    pollfd readable{status_pipe[0], POLLIN, 0};
    if (poll(&readable, 1, 100) <= 0) continue;
    unsigned char message[2];
    if (read(status_pipe[0], message, sizeof message) != static_cast<ssize_t>(sizeof message)) break;
    status[c.roles[message[0]].first] = message[1];
  }
  for (const auto& [role, main] : c.roles) {
    if (status.count(role) == 0) {
      status[role] = -1;
      std::fprintf(stderr, "%s: did not finish within a minute\n", role.c_str());
    }
  }
  close(status_pipe[0]);
  for (pid_t child : children) {
    for (int i = 0; i < 200 && waitpid(child, nullptr, WNOHANG) == 0; ++i) std::this_thread::sleep_for(10ms);
    if (waitpid(child, nullptr, WNOHANG) == 0) {
      kill(child, SIGKILL);
      waitpid(child, nullptr, 0);
    }
  }
  return status;
}

void run(const Case& c) {
  const int pid = static_cast<int>(getpid());
  for (int attempt = 0; attempt < 5; ++attempt) {
    // Below Linux's ephemeral range (32768-60999): an outgoing connection never holds one.
    const int base = 20000 + ((pid * 7 + attempt * 4099) % 1200) * 10;
    const std::map<std::string, int> status = run_once(c, base);
    bool port_taken = false;
    for (const auto& [role, code] : status) port_taken |= code == kPortTaken;
    if (port_taken) continue;
    for (const auto& [role, main] : c.roles) {
      auto it = status.find(role);
      ASSERT_NE(it, status.end()) << role;
      EXPECT_EQ(it->second, 0) << "role " << role << " of case " << c.name << " (see its output above)";
    }
    return;
  }
  FAIL() << "no free ports for " << c.name;
}

const std::vector<std::string> kHealthRoles = {"node", "nodes", "state", "log"};
const std::vector<std::string> kFormationRoles = {"user", "state", "nodes", "log", "pool", "sched"};
const std::vector<std::string> kIdempotencyRoles = {"user", "service", "istorage", "mstorage",
                                                    "log",  "nodes",   "sched"};
const std::vector<std::string> kListRoles = {"user", "state", "nodes", "log"};

TEST(HealthCheck, NodeInUse) {
  run({"active",
       kHealthRoles,
       {{"node", health_node}, {"nodes", health_nodes}, {"state", health_state}, {"log", health_log}},
       {{"health", "active"}}});
}

TEST(HealthCheck, FreeNode) {
  run({"free",
       kHealthRoles,
       {{"node", health_node}, {"nodes", health_nodes}, {"log", health_log}},
       {{"health", "free"}}});
}

TEST(ClusterFormation, QueriesThenMutationReserved) {
  run({"reserved",
       kFormationRoles,
       {{"user", formation_user},
        {"state", formation_state},
        {"nodes", formation_nodes},
        {"log", formation_log},
        {"pool", formation_pool},
        {"sched", formation_sched}},
       {{"queries", "2"}, {"then", "mutate"}, {"reserve", "yes"}}});
}

TEST(ClusterFormation, MutationNotReserved) {
  run({"not reserved",
       kFormationRoles,
       {{"user", formation_user},
        {"state", formation_state},
        {"nodes", formation_nodes},
        {"log", formation_log}},
       {{"queries", "0"}, {"then", "mutate"}, {"reserve", "no"}}});
}

TEST(ClusterFormation, QueryThenQuit) {
  run({"quit",
       kFormationRoles,
       {{"user", formation_user}, {"state", formation_state}, {"nodes", formation_nodes}},
       {{"queries", "1"}, {"then", "quit"}}});
}

TEST(IdempotencyCheck, Quit) {
  run({"quit",
       kIdempotencyRoles,
       {{"user", idempotency_user}, {"service", idempotency_service}},
       {{"request", "quit"}}});
}

TEST(IdempotencyCheck, CreateSeenBefore) {
  run({"seen",
       kIdempotencyRoles,
       {{"user", idempotency_user},
        {"service", idempotency_service},
        {"istorage", idempotency_istorage},
        {"log", idempotency_log}},
       {{"request", "create"}, {"seen", "yes"}}});
}

TEST(IdempotencyCheck, CreateNotSeenBefore) {
  run({"not seen",
       kIdempotencyRoles,
       {{"user", idempotency_user},
        {"service", idempotency_service},
        {"istorage", idempotency_istorage},
        {"mstorage", idempotency_mstorage},
        {"nodes", idempotency_nodes},
        {"sched", idempotency_sched}},
       {{"request", "create"}, {"seen", "no"}}});
}

TEST(ListDetail, Detailed) {
  run({"detail",
       kListRoles,
       {{"user", list_user}, {"state", list_state}, {"nodes", list_nodes}, {"log", list_log}},
       {{"list", "detail"}}});
}

TEST(ListDetail, Brief) {
  run({"brief",
       kListRoles,
       {{"user", list_user}, {"state", list_state}, {"log", list_log}},
       {{"list", "brief"}}});
}

}  // namespace
