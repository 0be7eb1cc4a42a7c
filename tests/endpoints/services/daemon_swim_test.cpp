// Whole node daemons (run_daemon) and the log service (run_log) in one process, over ipc://:
// the test pushes each daemon its formation as the push service does (FormationPush, with the
// members' addresses), and reads the membership changes the daemons log back through
// LogsQuery, as `c12s logs list --selector swim=...` does. A daemon is killed by stopping it.
// No nodes service runs: the daemons' health checks fail, which must not disturb SWIM.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <formation_push/push.h>
#include <logs_query/user.h>

#include "c12s/services/services.h"
#include "c12s/system/system_map.h"

namespace {

namespace fs = std::filesystem;
namespace rt = gtype::rt;
namespace services = c12s::services;
namespace sorts = gtype_gen::sorts::c12s::sorts;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A service or daemon on a thread of its own, until stopped.
struct Running {
  std::atomic<bool> stop{false};
  std::thread thread;
  gtype::Status status;

  template <typename Run>
  explicit Running(Run run) : thread([this, run] { status = run(stop); }) {}
  void halt() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
  ~Running() { halt(); }
};

class DaemonSwim : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("c12s_daemon_swim_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    map_.data_dir = (dir_ / "data").string();
    for (const std::string& endpoint : c12s::system::served_endpoints("log")) {
      std::string file = endpoint;
      file.replace(file.find('/'), 1, "-");
      map_.endpoints[endpoint] = address_of(file);
    }
    log_ = std::make_unique<Running>([this](const std::atomic<bool>& stop) {
      return services::run_log(map_, c12s::system::Network{}, stop);
    });
  }
  void TearDown() override {
    for (auto& [id, daemon] : daemons_) daemon->stop = true;  // all at once: none sees the others die
    daemons_.clear();
    log_.reset();
    fs::remove_all(dir_);
  }

  std::string address_of(const std::string& name) const { return "ipc://" + (dir_ / name).string(); }

  void start_daemon(const std::string& id) {
    services::DaemonOptions options;
    options.config.version = "v1";
    options.config.node_id = options.config.name = id;
    options.config.flusher = "x";
    options.config.healthcheck = {"x", "health", std::chrono::minutes(10)};
    options.config.labels = {{"os", "linux"}};
    options.nodes_address = address_of("no-nodes-service");
    options.listen = address_of(id);
    options.log_address = *map_.address("TaskLog", "log");
    options.swim.protocol_period = milliseconds(400);
    options.swim.ack_timeout = milliseconds(100);
    options.swim.suspicion_timeout = milliseconds(1200);
    daemons_[id] = std::make_unique<Running>(
        [options](const std::atomic<bool>& stop) { return services::run_daemon(options, stop); });
  }

  // FormationPush as the push service runs it; "" when the daemon took the formation.
  std::string push(const std::string& id, const std::vector<std::string>& members) {
    namespace fp = gtype_gen::formation_push::push;
    sorts::NodeFormation formation;
    formation.node = formation.new_id = formation.name = id;
    formation.topology = "t";
    formation.region = "r";
    formation.cluster = "c";
    formation.members = members;
    for (const std::string& member : members) formation.member_addresses[member] = address_of(member);
    rt::Directory directory;
    directory.set("node", address_of(id));
    rt::EndpointOptions options;
    options.connect_timeout = options.receive_timeout = milliseconds(3000);
    gtype::Result<fp::Role> role = fp::Role::bind(address_of("push-to-" + id), directory, options);
    if (!role.ok()) return role.error().message();
    gtype::Result<fp::Start> start = role->start();
    if (!start.ok()) return start.error().message();
    gtype::Result<fp::AfterForm> formed = std::move(*start).connect_form(formation);
    if (!formed.ok()) return formed.error().message();
    gtype::Result<fp::AfterForm::Branch> answer = std::move(*formed).receive();
    if (!answer.ok()) return answer.error().message();
    if (auto* refused = std::get_if<fp::AfterForm::Refuse>(&*answer)) return refused->value;
    return "";
  }

  // The records whose labels include `selector`, from the log service.
  std::vector<sorts::LogRecord> logs(const std::map<std::string, std::string>& selector) {
    namespace lq = gtype_gen::logs_query::user;
    rt::EndpointOptions options;
    options.connect_timeout = options.receive_timeout = milliseconds(3000);
    gtype::Result<lq::Role> role =
        lq::Role::bind(address_of("logs-user"), map_.directory("LogsQuery"), options);
    EXPECT_TRUE(role.ok());
    if (!role.ok()) return {};
    gtype::Result<lq::Start> start = role->start();
    if (!start.ok()) return {};
    sorts::LogsFilter filter;
    filter.selector.labels = selector;
    gtype::Result<lq::AfterList> listed = std::move(*start).connect_list(filter);
    if (!listed.ok()) return {};
    gtype::Result<lq::AfterList::Records> records = std::move(*listed).receive();
    EXPECT_TRUE(records.ok()) << records.error().message();
    return records.ok() ? records->value.records : std::vector<sorts::LogRecord>();
  }

  // The nodes that logged `swim` about `member`.
  std::set<std::string> reporters(const std::string& member, const std::string& swim) {
    std::set<std::string> nodes;
    for (const sorts::LogRecord& record : logs({{"service", "daemon"}, {"member", member}, {"swim", swim}}))
      nodes.insert(record.labels.at("node"));
    return nodes;
  }

  fs::path dir_;
  c12s::system::SystemMap map_;
  std::unique_ptr<Running> log_;
  std::map<std::string, std::unique_ptr<Running>> daemons_;
};

TEST_F(DaemonSwim, TheDeathOfADaemonIsLoggedByEachOfItsClusterPeers) {
  const std::vector<std::string> ids{"node-1", "node-2", "node-3"};
  for (const std::string& id : ids) start_daemon(id);
  for (const std::string& id : ids) {
    std::string taken = "not yet";
    for (int attempt = 0; attempt < 50 && !taken.empty(); ++attempt) {  // until the daemon listens
      taken = push(id, ids);
      if (!taken.empty()) std::this_thread::sleep_for(milliseconds(100));
    }
    ASSERT_EQ(taken, "") << id;
  }

  // Four periods with everyone up: nobody dies (on a loaded machine a late ack may make a
  // member suspected for a moment, which it refutes).
  std::this_thread::sleep_for(milliseconds(1600));
  for (const sorts::LogRecord& record : logs({{"service", "daemon"}, {"swim", "dead"}}))
    ADD_FAILURE() << "logged with everyone up: " << record.message;

  const auto killed = Clock::now();
  daemons_.at("node-3")->halt();
  EXPECT_TRUE(daemons_.at("node-3")->status.ok()) << daemons_.at("node-3")->status.message();
  // (2n - 2)·T + S = 2.8 s for n = 3, plus a period for the log's round trip and two seconds
  // for a loaded machine's scheduling.
  const milliseconds bound(5200);
  std::set<std::string> declared;
  while (declared != std::set<std::string>{"node-1", "node-2"} &&
         Clock::now() - killed < bound + milliseconds(3000)) {
    std::this_thread::sleep_for(milliseconds(100));
    declared = reporters("node-3", "dead");
  }
  EXPECT_EQ(declared, (std::set<std::string>{"node-1", "node-2"}));
  EXPECT_LE(Clock::now() - killed, bound);
  for (const sorts::LogRecord& record : logs({{"swim", "dead"}})) {
    EXPECT_EQ(record.labels.at("member"), "node-3") << record.message;
    EXPECT_EQ(record.level, "warning");
    EXPECT_NE(record.message.find("node-3 is dead, as declared by node-"), std::string::npos)
        << record.message;
  }
  // The survivors never declared each other dead.
  EXPECT_TRUE(reporters("node-1", "dead").empty());
  EXPECT_TRUE(reporters("node-2", "dead").empty());
}

TEST_F(DaemonSwim, ADaemonInAnotherTopologyRefusesAndKeepsItsCluster) {
  const std::vector<std::string> ids{"node-1", "node-2"};
  for (const std::string& id : ids) start_daemon(id);
  for (const std::string& id : ids) {
    std::string taken = "not yet";
    for (int attempt = 0; attempt < 50 && !taken.empty(); ++attempt) {
      taken = push(id, ids);
      if (!taken.empty()) std::this_thread::sleep_for(milliseconds(100));
    }
    ASSERT_EQ(taken, "") << id;
  }
  // A formation of another topology is refused, and SWIM goes on with the cluster it has.
  namespace fp = gtype_gen::formation_push::push;
  sorts::NodeFormation other;
  other.node = other.new_id = "node-1";
  other.topology = "elsewhere";
  other.members = {"node-1", "node-9"};
  rt::Directory directory;
  directory.set("node", address_of("node-1"));
  gtype::Result<fp::Role> role = fp::Role::bind(address_of("push-other"), directory);
  ASSERT_TRUE(role.ok());
  gtype::Result<fp::Start> start = role->start();
  ASSERT_TRUE(start.ok());
  gtype::Result<fp::AfterForm> formed = std::move(*start).connect_form(other);
  ASSERT_TRUE(formed.ok());
  gtype::Result<fp::AfterForm::Branch> answer = std::move(*formed).receive();
  ASSERT_TRUE(answer.ok());
  ASSERT_TRUE(std::holds_alternative<fp::AfterForm::Refuse>(*answer));
  std::this_thread::sleep_for(milliseconds(2000));
  EXPECT_TRUE(logs({{"service", "daemon"}, {"swim", "dead"}}).empty());
}

}  // namespace
