// The c12s command's conventions (issue 13), end to end: --version, exit codes 0/1/2, "did you
// mean", defaults in --help, the bash completion; a system that is down reported at once; the
// example topology `c12s up` writes, which `c12s mutate -f` forms as it is.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "c12s/system/system_map.h"
#include "process.h"

namespace {

using namespace c12s_test;

// An empty folder `name` under the temporary folder, whatever was there before.
fs::path fresh_folder(const std::string& name) {
  const fs::path path = fs::temp_directory_path() / name;
  fs::remove_all(path);
  fs::create_directories(path);
  return path;
}

// Each test runs the command in a folder of its own, removed after it.
class C12sCli : public ::testing::Test {
 protected:
  ~C12sCli() override { fs::remove_all(dir_); }
  Output run(const std::vector<std::string>& args) {
    return Process(args, dir_).finish(std::chrono::seconds(30));
  }

  const fs::path dir_ = fresh_folder("c12s_cli_" + std::to_string(getpid()));
};

constexpr const char* kHint = "Run 'c12s --help' for more information.\n";

TEST_F(C12sCli, VersionAndHelpSucceed) {
  Output version = run({"--version"});
  EXPECT_EQ(version.exit, 0) << version.err;
  EXPECT_EQ(version.out.rfind("c12s ", 0), 0u) << version.out;
  Output help = run({"list", "--help"});
  EXPECT_EQ(help.exit, 0) << help.err;
  EXPECT_NE(help.out.find("=5000"), std::string::npos) << help.out;  // --timeout's default
  Output up_help = run({"up", "--help"});
  EXPECT_NE(up_help.out.find("--nodes INT=3"), std::string::npos) << up_help.out;
}

TEST_F(C12sCli, MisspellingsGetASuggestionAndExitTwo) {
  Output command = run({"lsit"});
  EXPECT_EQ(command.exit, 2);
  EXPECT_EQ(command.err, "c12s: unknown command 'lsit'; did you mean 'list'?\n" + std::string(kHint));
  Output option = run({"list", "--detial"});
  EXPECT_EQ(option.exit, 2);
  EXPECT_EQ(option.err,
            "c12s: unknown option '--detial' for 'list'; did you mean '--detail'?\n" + std::string(kHint));
  Output nested = run({"logs", "lsit"});
  EXPECT_EQ(nested.err,
            "c12s: unknown command 'logs lsit'; did you mean 'logs list'?\n" + std::string(kHint));
}

TEST_F(C12sCli, UsageErrorsExitTwoNeverCli11Codes) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{},
                                             {"list", "--bogus"},
                                             {"frobnicate"},
                                             {"logs"},
                                             {"query"},
                                             {"list", "--timeout", "x"},
                                             {"--bogus"}}) {
    Output out = run(args);
    EXPECT_EQ(out.exit, 2) << out.err;
    EXPECT_EQ(out.err.rfind("c12s: ", 0), 0u) << out.err;
    EXPECT_NE(out.err.find(kHint), std::string::npos) << out.err;
  }
  EXPECT_EQ(run({"list", "--bogus"}).err, "c12s: unknown option '--bogus' for 'list'\n" + std::string(kHint));
}

TEST_F(C12sCli, CompletionScriptCompletesCommandsAndOptions) {
  Output script = run({"completion", "bash"});
  ASSERT_EQ(script.exit, 0) << script.err;
  std::ofstream(dir_ / "c12s.bash") << script.out;
  std::ofstream(dir_ / "check.sh")
      << "source c12s.bash && complete -p c12s\n"
      << "COMP_WORDS=(c12s li); COMP_CWORD=1; _c12s; echo \"${COMPREPLY[*]}\"\n"
      << "COMP_WORDS=(c12s list --de); COMP_CWORD=2; _c12s; echo \"${COMPREPLY[*]}\"\n";
  const std::string command = "cd '" + dir_.string() + "' && bash check.sh > check.out 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(dir_ / "check.out");
  const std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(out, "complete -o default -F _c12s c12s\nlist\n--detail\n");
}

// bench-nodes (bench/nodes.sh's): a count out of range, a --pid that is not NAME=PID and a missing
// system map are usage errors, said before anything is started.
TEST_F(C12sCli, BenchNodesArgumentErrorsExitTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"bench-nodes", "--nodes", "0"},
                                             {"bench-nodes", "--nodes", "20001"},
                                             {"bench-nodes", "--window", "0"},
                                             {"bench-nodes", "--interval-ms", "x"},
                                             {"bench-nodes", "--processes", "0"}}) {
    Output out = run(args);
    EXPECT_EQ(out.exit, 2) << out.err;
    EXPECT_NE(out.err.find(kHint), std::string::npos) << out.err;
  }
  for (const char* pid : {"nodes", "=12", "nodes=", "nodes=12x", "nodes=-1"}) {
    Output out = run({"bench-nodes", "--pid", pid});
    EXPECT_EQ(out.exit, 2) << out.err;
    EXPECT_EQ(out.err,
              "c12s bench-nodes: --pid takes NAME=PID (nodes=1234), not '" + std::string(pid) + "'\n");
  }
  Output no_map = run({"bench-nodes", "--system", "none.yaml"});
  EXPECT_EQ(no_map.exit, 2) << no_map.err;
  EXPECT_NE(no_map.err.find("none.yaml"), std::string::npos) << no_map.err;
}

// Nothing listens at the map's addresses: said within a second, not after the 5 s connect timeout.
TEST_F(C12sCli, ASystemThatIsDownIsReportedAtOnce) {
  const int port = base_port(29);
  std::ofstream(dir_ / "system.yaml")
      << c12s::system::SystemMap::loopback((dir_ / "data").string(), port).to_yaml();
  const std::string address = "tcp://127.0.0.1:" + std::to_string(port);
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"list"}, {"logs", "get", "t1"}, {"query", "--selector", "os=linux"}}) {
    std::vector<std::string> with_map = args;
    with_map.insert(with_map.end(), {"--system", "system.yaml"});
    const auto start = Clock::now();
    Output out = run(with_map);
    const auto took = Clock::now() - start;
    std::string command = args[0] == "logs" ? "logs get" : args[0];
    EXPECT_EQ(out.exit, 1);
    EXPECT_EQ(out.err,
              "c12s " + command + ": no c12s system answers at " + address + ": is c12s up running?\n");
    EXPECT_LT(took, std::chrono::seconds(3));
  }
}

// The hint of `up` names a topology file that exists, and it forms as it is.
TEST_F(C12sCli, UpWritesAnExampleTopologyThatForms) {
  Process up({"up", "--nodes", "4", "--plaintext", "--port", std::to_string(base_port(31))}, dir_);
  Output up_output = wait_until_up(up);
  ASSERT_NE(up_output.out.find("Ctrl-C stops everything"), std::string::npos)
      << up_output.out << up_output.err;
  const fs::path example = fs::canonical(dir_) / "c12s-data" / "topology.example.yaml";
  EXPECT_NE(up_output.out.find(" mutate -f " + example.string() + "\n"), std::string::npos) << up_output.out;
  ASSERT_TRUE(fs::exists(example));
  Output formed = run({"mutate", "-f", example.string()});
  EXPECT_EQ(formed.exit, 0) << formed.out << formed.err;
  EXPECT_NE(formed.out.find("topology example formed"), std::string::npos) << formed.out;
  Output listed = run({"list"});
  EXPECT_EQ(listed.exit, 0) << listed.err;
  EXPECT_NE(listed.out.find("example"), std::string::npos) << listed.out;
  ASSERT_EQ(kill(up.pid, SIGTERM), 0);
  EXPECT_EQ(up.finish(std::chrono::seconds(20), up_output).exit, 0);
}

}  // namespace
