// The c12s command end to end: `c12s up` starts real processes (three services, node daemons)
// over loopback TCP; the user commands run as processes of their own against them; SIGTERM
// stops everything. Also the command's errors (a wrong selector, no running system), its data
// kept private (0700/0600), and what it prints of hostile text from a service.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <logs_query/log.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "c12s/system/system_map.h"
#include "output_check.h"
#include "process.h"

namespace {

using namespace c12s_test;

// The permission bits of `path`.
int mode_of(const fs::path& path) {
  struct stat status {};
  return stat(path.c_str(), &status) == 0 ? static_cast<int>(status.st_mode & 07777) : -1;
}

// Every folder of `data` is 0700 and every file 0600 (issue 12): the stores with their -wal and
// -shm, the system map, the daemons' configurations, the processes' logs.
void expect_private(const fs::path& data) {
  EXPECT_EQ(mode_of(data), 0700);
  std::size_t files = 0;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(data)) {
    EXPECT_EQ(mode_of(entry.path()), entry.is_directory() ? 0700 : 0600) << entry.path();
    files += entry.is_regular_file() ? 1 : 0;
  }
  EXPECT_TRUE(fs::exists(data / "log" / "log.db-wal")) << "no store was checked";
  EXPECT_GT(files, 10u);
}

class C12s : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("c12s_e2e_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Output run(const std::vector<std::string>& args) {
    return Process(args, dir_).finish(std::chrono::seconds(30));
  }

  // Below the ephemeral range; 30 ports a system.
  int base_port() const { return c12s_test::base_port(13); }

  fs::path dir_;
};

TEST_F(C12s, UpThenQueryListLogsAndStop) {
  Process up({"up", "--nodes", "4", "--port", std::to_string(base_port())}, dir_);
  Output up_output = wait_until_up(up);
  ASSERT_NE(
      up_output.out.find("c12s is up: services log, nodes, state, queue, push and scheduler, and 4 nodes"),
      std::string::npos)
      << up_output.out << up_output.err;
  expect_private(dir_ / "c12s-data");

  // Three Raspberry Pis match (rules 4.9-4.11: same count, values at most theirs); node-4 is a
  // BeagleBone, with 512MB.
  Output query =
      run({"query", "--selector", "os=linux,arch=arm,model=rpi,memory=2GB,storage=16GB,cpu=1GHz,cores=2"});
  EXPECT_EQ(query.exit, 0) << query.err;
  EXPECT_EQ(
      query.out,
      "ID      NAME    STATUS  LABELS\n"
      "node-1  node-1  free    arch=arm,cores=4,cpu=1.5GHz,memory=4GB,model=rpi,os=linux,storage=32GB\n"
      "node-2  node-2  free    arch=arm,cores=4,cpu=1.5GHz,memory=4GB,model=rpi,os=linux,storage=32GB\n"
      "node-3  node-3  free    arch=arm,cores=4,cpu=1.5GHz,memory=4GB,model=rpi,os=linux,storage=32GB\n");
  // --json: the same answer as the sort QueryOutput (protocols/cli.gtype), read back with its
  // generated from_json; the text shows its fields, a column each.
  Output query_json = run({"query", "--json", "--selector",
                           "os=linux,arch=arm,model=rpi,memory=2GB,storage=16GB,cpu=1GHz,cores=2"});
  EXPECT_EQ(query_json.exit, 0) << query_json.err;
  const out::QueryOutput rpis = read_output<out::QueryOutput>(query_json.out);
  ASSERT_EQ(rpis.nodes.size(), 3u) << query_json.out;
  expect_table_of(query.out, rpis.nodes);
  Output bigger = run({"query", "--json", "--selector",
                       "os=linux,arch=arm,model=beaglebone,memory=256MB,storage=2GB,cpu=1GHz,cores=1"});
  EXPECT_EQ(bigger.exit, 0) << bigger.err;
  EXPECT_EQ(
      bigger.out,
      R"({"schema":1,"nodes":[{"id":"node-4","name":"node-4","status":"free","labels":{"arch":"arm",)"
      R"("cores":"1","cpu":"1GHz","memory":"512MB","model":"beaglebone","os":"linux","storage":"4GB"}}]})"
      "\n");
  EXPECT_EQ(read_output<out::QueryOutput>(bigger.out).nodes.at(0).labels.at("memory"), "512MB");

  // Rule 4.9 wants as many labels as the node has; --subset drops it.
  Output exact = run({"query", "--selector", "os=linux"});
  EXPECT_EQ(exact.out, "no free node matches os=linux\n");
  Output subset = run({"query", "--subset", "--json", "--selector", "os=linux,cores=1"});
  EXPECT_EQ(subset.exit, 0) << subset.err;
  for (const char* node : {"node-1", "node-2", "node-3", "node-4"})
    EXPECT_NE(subset.out.find(std::string("\"id\":\"") + node + "\""), std::string::npos) << subset.out;

  Output logs = run({"logs", "list", "--selector", "service=nodes,status=free"});
  EXPECT_EQ(logs.exit, 0) << logs.err;
  for (const char* node : {"node-1", "node-2", "node-3", "node-4"}) {
    EXPECT_NE(logs.out.find(std::string("node ") + node + " (" + node + ") is free"), std::string::npos)
        << logs.out;
  }
  // The same records as LogsOutput; each text line shows every field of its record.
  Output logs_json = run({"logs", "list", "--json", "--selector", "service=nodes,status=free"});
  const out::LogsOutput records = read_output<out::LogsOutput>(logs_json.out);
  std::vector<std::string> lines;
  std::istringstream text(logs.out);
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  ASSERT_EQ(records.records.size(), lines.size()) << logs.out << logs_json.out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& record = records.records[i];
    const std::string& line = lines[i];
    for (const std::string& field :
         {record.level, record.task.empty() ? "-" : record.task, shown(record.labels), record.message})
      EXPECT_NE(line.find(field), std::string::npos) << field << " not in " << line;
  }
  Output list = run({"list"});
  EXPECT_EQ(list.exit, 0) << list.err;
  EXPECT_EQ(list.out, "no topology\n");
  Output list_json = run({"list", "--json"});
  EXPECT_EQ(list_json.out, "{\"schema\":1,\"topologies\":[]}\n");
  EXPECT_TRUE(read_output<out::ListOutput>(list_json.out).topologies.empty());

  ASSERT_EQ(kill(up.pid, SIGTERM), 0);
  Output stopped = up.finish(std::chrono::seconds(20), up_output);
  EXPECT_EQ(stopped.exit, 0) << stopped.err;
  EXPECT_NE(stopped.out.find("c12s: stopped"), std::string::npos) << stopped.out;
  // Nothing of the system is left: a query now finds no one to answer.
  Output after = run({"query", "--timeout", "1000", "--selector", "os=linux"});
  EXPECT_EQ(after.exit, 1);
  EXPECT_NE(after.err.find("c12s query: "), std::string::npos) << after.err;
}

// A data directory from before that others could read is made private, and `up` says so.
TEST_F(C12s, UpTightensAnOpenDataDirectory) {
  fs::create_directories(dir_ / "old");
  fs::permissions(dir_ / "old", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                    fs::perms::others_read | fs::perms::others_exec);
  Process up({"up", "--nodes", "0", "--data", "old", "--port", std::to_string(base_port())}, dir_);
  Output up_output = wait_until_up(up);
  EXPECT_NE(up_output.err.find("c12s up: " + (dir_ / "old").string() +
                               " could be read by its group or others (mode 0755): made 0700"),
            std::string::npos)
      << up_output.err;
  expect_private(dir_ / "old");
  ASSERT_EQ(kill(up.pid, SIGTERM), 0);
  EXPECT_EQ(up.finish(std::chrono::seconds(20), up_output).exit, 0);
}

namespace sorts = gtype_gen::sorts::c12s::sorts;

// LogsQuery's log role played by the test: every session is answered with `records`.
class AnswerWith final : public gtype_gen::logs_query::log::Handler {
 public:
  explicit AnswerWith(sorts::LogRecords records) : records_(std::move(records)) {}
  void on_get(const sorts::TaskId&) override {}
  void on_list(const sorts::LogsFilter&) override {}
  gtype::Result<sorts::LogRecords> choose_records() override { return records_; }

 private:
  sorts::LogRecords records_;
};

// What a process that can write to the log may put in a record: escape sequences that clear the
// screen or hide text, CR/LF that forge a line, a C1 CSI, DEL, a byte that is not UTF-8.
sorts::LogRecord forged_record() {
  return sorts::LogRecord{"t1\r\n2023-11-14T22:13:21.000Z info    t2 service=state",
                          1700000000123,
                          "info",
                          {{"service", "state\x1b[8m"}},
                          "node-3 is dead\x1b[2J\r\u009b31m\x7f\xff caf\u00e9"};
}

TEST_F(C12s, LogsPrintControlCharactersEscaped) {
  const c12s::system::SystemMap map =
      c12s::system::SystemMap::loopback((dir_ / "data").string(), base_port());
  std::ofstream(dir_ / "system.yaml") << map.to_yaml();
  auto log =
      gtype_gen::logs_query::log::Role::bind(*map.address("LogsQuery", "log"), map.directory("LogsQuery"));
  ASSERT_TRUE(log.ok()) << log.error().message();
  std::atomic<bool> stop{false};
  gtype::Status served;
  std::thread serving([&] {
    served = log->serve(
        [](const gtype::rt::SessionInfo&) {
          return std::make_unique<AnswerWith>(sorts::LogRecords{{forged_record()}});
        },
        stop);
  });
  Output text = run({"logs", "get", "t1", "--system", "system.yaml"});
  Output json = run({"logs", "list", "--json", "--selector", "service=state", "--system", "system.yaml"});
  stop = true;
  serving.join();
  EXPECT_TRUE(served.ok()) << served.message();

  EXPECT_EQ(text.exit, 0) << text.err;
  EXPECT_EQ(text.out,
            "2023-11-14T22:13:20.123Z info    t1\\r\\n2023-11-14T22:13:21.000Z info    t2 service=state "
            "service=state\\e[8m node-3 is dead\\e[2J\\r\\u{9b}31m\\x7f\\xff caf\u00e9\n");
  EXPECT_EQ(json.exit, 0) << json.err;
  // The byte that is not UTF-8 becomes U+FFFD, as the JSON writer replaces it.
  EXPECT_NE(json.out.find(R"("message":"node-3 is dead\u001b[2J\r\u009b31m\u007f)"
                          "\xef\xbf\xbd"
                          " caf"),
            std::string::npos)
      << json.out;
  const out::LogsOutput read = read_output<out::LogsOutput>(json.out);
  ASSERT_EQ(read.records.size(), 1u);
  EXPECT_EQ(read.records[0].task, forged_record().task);
  EXPECT_EQ(read.records[0].labels, forged_record().labels);
}

TEST_F(C12s, AWrongSelectorNamesTheKey) {
  Output duplicate = run({"query", "--selector", "os=linux,os=bsd"});
  EXPECT_EQ(duplicate.exit, 2);
  EXPECT_EQ(duplicate.err,
            "--selector:1:10: error: duplicate key 'os'\n"
            "os=linux,os=bsd\n"
            "         ^\n"
            "--selector:1:1: note: 'os' first given here\n"
            "os=linux,os=bsd\n"
            "^\n");
  Output no_equals = run({"logs", "list", "--selector", "service"});
  EXPECT_EQ(no_equals.exit, 2);
  EXPECT_EQ(no_equals.err, "--selector:1:1: error: 'service' has no '=': expected key=value\nservice\n^\n");
}

TEST_F(C12s, WithoutARunningSystemItSaysHowToStartOne) {
  Output query = run({"query", "--selector", "os=linux"});
  EXPECT_EQ(query.exit, 1);
  EXPECT_EQ(query.err,
            "c12s-data/system.yaml: error: cannot read the system file\n"
            "is the system up? `c12s up` writes c12s-data/system.yaml (or name the file with --system, or "
            "C12S_SYSTEM)\n");
}

}  // namespace
