// c12s dashboard --listen HOST:PORT [--allow-remote]: one web page (dashboard/) and the JSON it
// polls, served by cpp-httplib. Every answer comes from the sessions the commands run
// (sessions.h: ListDetail, LogsQuery, IdempotencyCheck) with the user's key, map and timeout,
// and is the JSON of the command's output sort, so the page, `--json` and the text show one
// schema. GET changes nothing; the two changes, POST /api/mutate (a topology file, as `c12s
// mutate`) and POST /api/delete/NAME (as `c12s delete`), need the header the page sends after
// its confirmation.
//
// HTTP here has no authentication of its own: whoever reaches the port acts as the dashboard's
// user. So it listens on loopback unless --allow-remote, answers there only requests whose
// Host header names loopback (DNS rebinding), and needs a header for POST that a page of
// another site cannot send without this server's leave (CORS preflight, never granted).
//
// Not here: the sessions (sessions.h), the decisions without network (dashboard_model.h).
#include "dashboard.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <thread>

#include "c12s/model/selector.h"
#include "c12s/model/topology.h"
#include "dashboard_assets.h"
#include "dashboard_model.h"
#include "sessions.h"

namespace c12s::cli {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";
constexpr std::size_t kMaxBody = 1 << 20;  // a topology file: 1 MiB is plenty
constexpr unsigned kRunningWindow = 1000;  // the state service's newest records read for /api/running
constexpr unsigned kMaxLimit = 10'000;     // /api/logs?limit=
// POST /api/mutate needs it ("mutate"), POST /api/delete/NAME too ("delete").
constexpr char kConfirmHeader[] = "X-C12S-Confirm";

void fail(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(error_json(message), kJson);
}

// The address of a served role without its key, for messages.
std::string address_of(const system::SystemMap& map, const char* protocol, const char* role) {
  model::Result<std::string> address = map.address(protocol, role);
  return address.ok() ? address->substr(0, address->find('#')) : std::string(protocol) + "/" + role;
}

// Whether the session failed because nobody answered (as opposed to a refusal said by a peer).
bool unanswered(const gtype::Status& error) {
  using gtype::StatusCode;
  const StatusCode code = error.code();
  return code == StatusCode::kTimeout || code == StatusCode::kPeerLost || code == StatusCode::kTransport ||
         code == StatusCode::kClosed;
}

class Dashboard {
 public:
  Dashboard(Client client, ListenAddress listen) : client_(std::move(client)), listen_(std::move(listen)) {}

  void set_port(int port) { listen_.port = port; }
  const ListenAddress& listen() const { return listen_; }

  void route(httplib::Server& server) {
    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    server.set_pre_routing_handler([this](Req req, Res res) { return screen(req, res); });
    for (const dashboard::Asset& asset : dashboard::assets())
      server.Get(std::string(asset.path), [&asset](Req, Res res) {
        res.set_content(std::string(asset.body), std::string(asset.media_type) + "; charset=utf-8");
      });
    server.Get("/api/topologies", [this](Req req, Res res) { topologies(req, res); });
    server.Get("/api/clusters", [this](Req req, Res res) { clusters(req, res); });
    server.Get("/api/logs", [this](Req req, Res res) { logs(req, res); });
    server.Get("/api/running", [this](Req, Res res) { running(res); });
    server.Get("/api/protocols", [](Req, Res res) { protocols(res); });
    server.Get(R"(/api/protocols/([A-Za-z0-9_]+)\.svg)", [](Req req, Res res) { diagram(req, res); });
    server.Post("/api/mutate", [this](Req req, Res res) { mutate(req, res); });
    server.Post(R"(/api/delete/([A-Za-z0-9_-]+))", [this](Req req, Res res) { remove(req, res); });
    server.set_error_handler([](Req req, Res res) {
      if (res.body.empty()) fail(res, res.status, "no such page: " + req.method + " " + req.path);
    });
    server.set_exception_handler([](Req, Res res, std::exception_ptr) { fail(res, 500, "internal error"); });
  }

 private:
  // Every request: from a page of this dashboard's own address, and never cached.
  httplib::Server::HandlerResponse screen(const httplib::Request& req, httplib::Response& res) const {
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; img-src 'self'; object-src 'none'; frame-ancestors 'none'; "
                   "base-uri 'none'; form-action 'none'");
    const std::string host = req.get_header_value("Host");
    if (host_allowed(host, listen_)) return httplib::Server::HandlerResponse::Unhandled;
    fail(res, 403,
         "this dashboard answers requests for " + listen_.url() + " only, not for host '" + host + "'");
    return httplib::Server::HandlerResponse::Handled;
  }

  // The output's JSON, or why its session failed: 503 when no service answered (the page's
  // banner), 502 when the system answered with a refusal.
  template <typename Output>
  void answer(httplib::Response& res, const gtype::Result<Output>& output, const char* protocol,
              const char* role) const {
    if (output.ok()) return res.set_content(gtype::gen::to_json_text(*output), kJson);
    if (unanswered(output.error()))
      return fail(res, 503,
                  "no c12s system answers at " + address_of(client_.map, protocol, role) + " (" + protocol +
                      "/" + role + "): " + output.error().message() + ". Is `c12s up` running?");
    fail(res, 502, "the system refused: " + output.error().message());
  }

  // The request's `selector` parameter (empty: everything), or nullopt once it answered 400.
  static std::optional<model::Selector> selector_param(const httplib::Request& req, httplib::Response& res) {
    model::Result<model::Selector> selector =
        model::parse_selector(req.get_param_value("selector"), "selector");
    if (selector.ok()) return *selector;
    fail(res, 400, selector.error().message());
    return std::nullopt;
  }

  void topologies(const httplib::Request& req, httplib::Response& res) const {
    if (std::optional<model::Selector> selector = selector_param(req, res))
      answer(res, list_brief(client_, *selector), "ListDetail", "state");
  }

  void clusters(const httplib::Request& req, httplib::Response& res) const {
    if (std::optional<model::Selector> selector = selector_param(req, res))
      answer(res, list_detail(client_, *selector), "ListDetail", "state");
  }

  // ?task=ID: the task's records (its timeline); ?selector=k=v,...[&limit=N]: the newest N
  // (default 100) records whose labels include the selector's.
  void logs(const httplib::Request& req, httplib::Response& res) const {
    if (req.has_param("task")) {
      if (req.get_param_value("task").empty()) return fail(res, 400, "task: empty; give a task id");
      return answer(res, logs_get(client_, req.get_param_value("task")), "LogsQuery", "log");
    }
    if (!req.has_param("selector")) return fail(res, 400, "give task=ID or selector=k=v,... (and limit=N)");
    std::optional<model::Selector> selector = selector_param(req, res);
    if (!selector) return;
    unsigned limit = 100;
    if (req.has_param("limit")) {
      const std::string text = req.get_param_value("limit");
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
      if (text.empty() || error != std::errc() || end != text.data() + text.size() || limit > kMaxLimit)
        return fail(res, 400, "limit: '" + text + "' is not a number from 0 to " + std::to_string(kMaxLimit));
    }
    answer(res, logs_list(client_, sorts::LogsFilter{*selector, limit}), "LogsQuery", "log");
  }

  // The tasks the log shows unfinished (dashboard_model.h, running_tasks): each one's newest
  // state record, among the state service's newest kRunningWindow records.
  void running(httplib::Response& res) const {
    sorts::LogsFilter filter{{}, kRunningWindow};
    filter.selector.labels["service"] = "state";
    gtype::Result<out::LogsOutput> records = logs_list(client_, filter);
    if (records.ok()) records = running_tasks(*records);
    answer(res, records, "LogsQuery", "log");
  }

  static void protocols(httplib::Response& res) {
    nlohmann::json list = nlohmann::json::array();
    for (const dashboard::Diagram& diagram : dashboard::diagrams())
      list.push_back({{"protocol", diagram.protocol}, {"file", diagram.file}});
    res.set_content(nlohmann::json{{"protocols", list}}.dump(), kJson);
  }

  static void diagram(const httplib::Request& req, httplib::Response& res) {
    for (const dashboard::Diagram& diagram : dashboard::diagrams())
      if (diagram.protocol == req.matches[1].str())
        return res.set_content(std::string(diagram.svg), "image/svg+xml; charset=utf-8");
    fail(res, 404, "no protocol named '" + req.matches[1].str() + "'");
  }

  // The body is a topology file: checked as `c12s mutate -f` checks it, then submitted. The
  // answer is its task, PENDING; the page follows it with /api/logs?task=.
  void mutate(const httplib::Request& req, httplib::Response& res) const {
    if (req.get_header_value(kConfirmHeader) != "mutate")
      return fail(res, 403,
                  std::string("a mutation needs the header ") + kConfirmHeader +
                      ": mutate (the page sends it once you confirm)");
    model::Result<model::TopologySpec> topology = model::parse_topology(req.body, "topology.yaml");
    if (!topology.ok()) return fail(res, 400, topology.error().message());
    answer(res, mutate_submit(client_, *topology), "IdempotencyCheck", "service");
  }

  // Deletes the topology the path names, as `c12s delete` does; DELETED or ABSENT.
  void remove(const httplib::Request& req, httplib::Response& res) const {
    if (req.get_header_value(kConfirmHeader) != "delete")
      return fail(res, 403,
                  std::string("a deletion needs the header ") + kConfirmHeader +
                      ": delete (the page sends it once you confirm)");
    answer(res, delete_topology(client_, req.matches[1].str()), "Deletion", "state");
  }

  const Client client_;
  ListenAddress listen_;
};

// Blocks SIGINT and SIGTERM in this thread and the threads it starts; a thread of its own
// waits for them and stops `server` (a signal handler may not call stop()), once it runs: a
// signal that comes while it binds stops it as soon as it listens.
class StopOnSignal {
 public:
  explicit StopOnSignal(httplib::Server& server) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    waiter_ = std::thread([this, &server] {
      int signal = 0;
      sigwait(&signals_, &signal);
      for (int i = 0; i < 500 && !server.is_running() && !leaving_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      server.stop();
    });
  }
  ~StopOnSignal() {
    leaving_ = true;
    kill(getpid(), SIGTERM);  // for sigwait, if it still waits (the server ended by itself)
    waiter_.join();
  }

 private:
  sigset_t signals_;
  std::atomic<bool> leaving_ = false;
  std::thread waiter_;
};

}  // namespace

int dashboard_command(const ClientOptions& options, const DashboardOptions& dashboard_options) {
  gtype::Result<ListenAddress> listen = parse_listen(dashboard_options.listen);
  if (!listen.ok()) {
    std::fprintf(stderr, "c12s dashboard: %s", listen.error().message().c_str());
    return 2;
  }
  if (!listen->loopback() && !dashboard_options.allow_remote) {
    std::fprintf(stderr,
                 "c12s dashboard: --listen %s is beyond loopback, and the dashboard has no authentication "
                 "of its own: whoever reaches the port acts as you on the system. Listen on 127.0.0.1 "
                 "(reach it through an SSH tunnel), or add --allow-remote to take that risk.\n",
                 dashboard_options.listen.c_str());
    return 2;
  }
  ClientOptions client_options = options;
  client_options.first_look = false;  // a system that is down is the page's banner, until it answers
  std::optional<Client> client = client_of(client_options);
  if (!client) return 1;
  Dashboard dashboard(std::move(*client), *listen);
  httplib::Server server;
  server.set_payload_max_length(kMaxBody);
  dashboard.route(server);
  StopOnSignal stop(server);
  const int port = listen->port == 0 ? server.bind_to_any_port(listen->host)
                                     : (server.bind_to_port(listen->host, listen->port) ? listen->port : -1);
  if (port <= 0) {
    std::fprintf(stderr, "c12s dashboard: cannot listen on %s (in use, or not an address of this machine)\n",
                 dashboard_options.listen.c_str());
    return 1;
  }
  dashboard.set_port(port);
  std::printf("c12s dashboard: serving %s (as your c12s user); Ctrl-C stops it\n",
              dashboard.listen().url().c_str());
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 1;
}

}  // namespace c12s::cli
