// The c12s command end to end: `c12s up` starts real processes (three services, node daemons)
// over loopback TCP; the user commands run as processes of their own against them; SIGTERM
// stops everything. Also the command's errors (a wrong selector, no running system).
#include <gtest/gtest.h>

#include "output_check.h"
#include "process.h"

namespace {

using namespace c12s_test;

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
