// `c12s dashboard` over HTTP, against a real `c12s up` (CURVE, three nodes): its page and
// diagrams, its JSON (the output sorts `c12s ... --json` prints, read back with from_json), a
// mutation from a topology file behind its confirmation header, the requests it refuses (4xx
// with a message), a system that does not answer (503 and the banner's message), and the
// listen addresses it refuses. The page in a browser is tests/browser/dashboard_test.sh.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <regex>
#include <thread>

#include "c12s/system/system_map.h"
#include "output_check.h"
#include "process.h"

namespace {

using namespace c12s_test;

// Three nodes in one cluster, as `c12s up --nodes 3` labels them.
constexpr char kTopology[] = R"(constellations:
  version: v1
  kind: Topology
  metadata: {taskName: dashboard, queue: default}
  payload:
    name: dashboard
    selector: {labels: {os: linux}}
    topology:
      region1:
        cluster1: {node-1: , node-2: , node-3: }
)";

// A `c12s dashboard` process on a free port of 127.0.0.1, and a client for it.
struct Dashboard {
  Process process;
  int port = -1;
  Output output;

  Dashboard(const fs::path& dir, std::vector<std::string> args)
      : process(
            [&] {
              args.insert(args.begin(), {"dashboard", "--listen", "127.0.0.1:0"});
              return args;
            }(),
            dir) {
    const std::regex serving("serving http://127\\.0\\.0\\.1:([0-9]+)/");
    std::smatch match;
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!std::regex_search(output.out, match, serving) && Clock::now() < deadline &&
           process.read_some(output, std::chrono::milliseconds(100))) {
    }
    if (std::regex_search(output.out, match, serving)) port = std::stoi(match[1]);
  }

  httplib::Client client() const {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(5);
    client.set_read_timeout(20);
    return client;
  }
  // SIGINT, then its exit status (-1 if it did not end within 10 s).
  int stop() {
    kill(process.pid, SIGINT);
    return process.finish(std::chrono::seconds(10), output).exit;
  }
};

std::string error_of(const httplib::Result& result) {
  if (!result) return "no answer";
  return nlohmann::json::parse(result->body, nullptr, false).value("error", "not JSON: " + result->body);
}

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("c12s_dashboard_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Output run(const std::vector<std::string>& args) {
    return Process(args, dir_).finish(std::chrono::seconds(60));
  }
  std::string system() const { return (dir_ / "data" / "system.yaml").string(); }

  fs::path dir_;
};

TEST_F(DashboardTest, ServesThePageAndTheCommandsOutputs) {
  Process up({"up", "--nodes", "3", "--data", "data", "--port", std::to_string(base_port(29))}, dir_);
  const Output started = wait_until_up(up);
  ASSERT_NE(started.out.find("Ctrl-C stops everything"), std::string::npos) << started.out << started.err;
  Dashboard dashboard(dir_, {"--system", system()});
  ASSERT_GT(dashboard.port, 0) << dashboard.output.out << dashboard.output.err;
  httplib::Client http = dashboard.client();

  // The page, and the diagram of every protocol, drawn at build time.
  httplib::Result page = http.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<title>c12s dashboard</title>"), std::string::npos);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(http.Get("/app.js")->status, 200);
  const std::string protocols = http.Get("/api/protocols")->body;
  for (const char* name : {"ClusterFormation", "IdempotencyCheck", "ListDetail", "LogsQuery", "SwimPing"})
    EXPECT_NE(protocols.find(std::string("\"protocol\":\"") + name + "\""), std::string::npos) << protocols;
  httplib::Result svg = http.Get("/api/protocols/ListDetail.svg");
  EXPECT_EQ(svg->status, 200);
  EXPECT_EQ(svg->get_header_value("Content-Type"), "image/svg+xml; charset=utf-8");
  EXPECT_NE(svg->body.find("<title>explicit global protocol ListDetail</title>"), std::string::npos);

  // What it refuses, each with a message.
  EXPECT_EQ(error_of(http.Get("/api/protocols/Nope.svg")), "no protocol named 'Nope'");
  EXPECT_EQ(http.Get("/nope")->status, 404);
  EXPECT_EQ(error_of(http.Get("/api/logs")), "give task=ID or selector=k=v,... (and limit=N)");
  EXPECT_EQ(http.Get("/api/logs?selector=service%3Dstate&limit=many")->status, 400);
  EXPECT_EQ(http.Get("/api/clusters?selector=%3D%3D")->status, 400);
  httplib::Result rebound =
      http.Get("/api/clusters", {{"Host", "evil.example:" + std::to_string(dashboard.port)}});
  EXPECT_EQ(rebound->status, 403);
  EXPECT_NE(error_of(rebound).find("not for host 'evil.example:"), std::string::npos);
  httplib::Result unconfirmed = http.Post("/api/mutate", kTopology, "text/plain");
  EXPECT_EQ(unconfirmed->status, 403);
  EXPECT_NE(error_of(unconfirmed).find("X-C12S-Confirm: mutate"), std::string::npos);
  const httplib::Headers confirmed{{"X-C12S-Confirm", "mutate"}};
  httplib::Result wrong = http.Post("/api/mutate", confirmed, "constellations: [", "text/plain");
  EXPECT_EQ(wrong->status, 400);
  EXPECT_NE(error_of(wrong).find("topology.yaml:"), std::string::npos) << error_of(wrong);
  EXPECT_TRUE(read_output<out::ListOutput>(http.Get("/api/topologies")->body).topologies.empty());

  // A mutation, as `c12s mutate` submits it, followed in the log until formed.
  httplib::Result submitted = http.Post("/api/mutate", confirmed, kTopology, "text/plain");
  ASSERT_EQ(submitted->status, 200) << submitted->body;
  const out::MutateOutput task = read_output<out::MutateOutput>(submitted->body);
  EXPECT_EQ(task.state, "PENDING");
  EXPECT_EQ(task.topology, "dashboard");
  std::string states;
  for (int i = 0; i < 100 && states.find("CREATED") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    states.clear();
    for (const auto& record :
         read_output<out::LogsOutput>(http.Get("/api/logs?task=" + task.task)->body).records)
      states += record.labels.count("state") ? record.labels.at("state") + " " : "";
  }
  EXPECT_EQ(states.rfind("PENDING IN_PROGRESS CREATED ", 0), 0u) << states;
  EXPECT_EQ(http.Get("/api/running")->status, 200);

  // The same schema as the command's --json: the same clusters and nodes.
  const out::ListDetailOutput served = read_output<out::ListDetailOutput>(http.Get("/api/clusters")->body);
  const Output printed = run({"list", "--detail", "--json", "--system", system()});
  const out::ListDetailOutput listed = read_output<out::ListDetailOutput>(printed.out);
  ASSERT_EQ(served.clusters.size(), 1u);
  ASSERT_EQ(listed.clusters.size(), 1u);
  EXPECT_EQ(served.clusters[0].cluster, listed.clusters[0].cluster);
  ASSERT_EQ(served.clusters[0].nodes.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(served.clusters[0].nodes[i].id, listed.clusters[0].nodes[i].id);
  const out::LogsOutput logs =
      read_output<out::LogsOutput>(http.Get("/api/logs?selector=topology%3Ddashboard&limit=2")->body);
  EXPECT_EQ(logs.records.size(), 2u);

  // Deleting, as `c12s delete` does, only once confirmed; again: nothing to delete.
  httplib::Result unconfirmed_delete = http.Post("/api/delete/dashboard", "", "text/plain");
  EXPECT_EQ(unconfirmed_delete->status, 403);
  EXPECT_NE(error_of(unconfirmed_delete).find("X-C12S-Confirm: delete"), std::string::npos);
  const httplib::Headers delete_confirmed{{"X-C12S-Confirm", "delete"}};
  httplib::Result deleted = http.Post("/api/delete/dashboard", delete_confirmed, "", "text/plain");
  ASSERT_EQ(deleted->status, 200) << deleted->body;
  EXPECT_EQ(read_output<out::DeleteOutput>(deleted->body).state, "DELETED");
  EXPECT_TRUE(read_output<out::ListOutput>(http.Get("/api/topologies")->body).topologies.empty());
  httplib::Result absent = http.Post("/api/delete/dashboard", delete_confirmed, "", "text/plain");
  ASSERT_EQ(absent->status, 200) << absent->body;
  EXPECT_EQ(read_output<out::DeleteOutput>(absent->body).state, "ABSENT");
  EXPECT_EQ(http.Post("/api/delete/no%20such", delete_confirmed, "", "text/plain")->status, 404);

  EXPECT_EQ(dashboard.stop(), 0) << dashboard.output.err;
  kill(up.pid, SIGINT);
  EXPECT_EQ(up.finish(std::chrono::seconds(30)).exit, 0);
}

// Nobody listens at the map's addresses: every answer that needs the system is 503 with the
// message the page's banner shows, and the page itself is still served.
TEST_F(DashboardTest, SaysWhenNoSystemAnswers) {
  const int port = base_port(31);
  std::ofstream(dir_ / "system.yaml")
      << c12s::system::SystemMap::loopback((dir_ / "data").string(), port).to_yaml();
  Dashboard dashboard(dir_, {"--system", (dir_ / "system.yaml").string(), "--timeout", "500"});
  ASSERT_GT(dashboard.port, 0) << dashboard.output.out << dashboard.output.err;
  httplib::Client http = dashboard.client();
  EXPECT_EQ(http.Get("/")->status, 200);
  const auto start = Clock::now();
  httplib::Result clusters = http.Get("/api/clusters");
  EXPECT_EQ(clusters->status, 503);
  EXPECT_EQ(error_of(clusters).rfind("no c12s system answers at tcp://127.0.0.1:", 0), 0u)
      << error_of(clusters);
  EXPECT_NE(error_of(clusters).find("Is `c12s up` running?"), std::string::npos);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(http.Get("/api/running")->status, 503);
  EXPECT_EQ(dashboard.stop(), 0);
}

TEST_F(DashboardTest, ListensOnLoopbackUnlessTold) {
  const Output remote = run({"dashboard", "--listen", "0.0.0.0:0", "--system", "none.yaml"});
  EXPECT_EQ(remote.exit, 2);
  EXPECT_NE(remote.err.find("beyond loopback"), std::string::npos) << remote.err;
  EXPECT_NE(remote.err.find("--allow-remote"), std::string::npos) << remote.err;
  const Output wrong = run({"dashboard", "--listen", "localhost", "--system", "none.yaml"});
  EXPECT_EQ(wrong.exit, 2);
  EXPECT_EQ(wrong.err, "c12s dashboard: --listen localhost: expected HOST:PORT, e.g. 127.0.0.1:8080\n");
  const Output no_system = run({"dashboard", "--listen", "127.0.0.1:0", "--system", "none.yaml"});
  EXPECT_EQ(no_system.exit, 1);
  EXPECT_NE(no_system.err.find("is the system up?"), std::string::npos) << no_system.err;
}

}  // namespace
