// The ports of `c12s up` (issue 9, item 10): every port the system listens on is in the range
// --port gives (LoopbackPorts), a port of it that another socket holds stops `up` at once,
// naming the address and what it was for, and a process that exits while `up` waits for the
// nodes to register stops it at once too, quoting the process. Real processes over loopback.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../c12s/process.h"
#include "c12s/system/system_map.h"

namespace {

using namespace c12s_test;
using c12s::system::LoopbackPorts;

// `c12s up` must give up well before its 30 s wait for registrations would end.
constexpr std::chrono::seconds kFast{20};
constexpr int kNodes = 2;

class UpPorts : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("c12s_up_ports_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Below the ephemeral range; 30 ports a system (23 + 3 per node).
  int base_port() const { return c12s_test::base_port(23); }
  std::vector<std::string> up_args() const {
    return {"up", "--nodes", std::to_string(kNodes), "--port", std::to_string(base_port()), "--data",
            (dir_ / "data").string()};
  }

  fs::path dir_;
};

// A socket listening on 127.0.0.1:`port` (without SO_REUSEADDR: nobody else may bind it).
class Squatter {
 public:
  explicit Squatter(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0) << "port " << port;
    EXPECT_EQ(listen(fd_, 4), 0);
  }
  ~Squatter() { close(fd_); }

 private:
  int fd_ = -1;
};

struct TakenPort {
  int offset;       // from the base port
  std::string for_;  // what `up` says the port is for
};

void PrintTo(const TakenPort& taken, std::ostream* out) { *out << "base+" << taken.offset << " (" << taken.for_ << ")"; }

class UpWithATakenPort : public UpPorts, public ::testing::WithParamInterface<TakenPort> {};

INSTANTIATE_TEST_SUITE_P(Ports, UpWithATakenPort,
                         ::testing::Values(TakenPort{7, "HealthCheck/nodes"},
                                           TakenPort{LoopbackPorts::service_ports() + 3, "node-2 (formations)"},
                                           TakenPort{LoopbackPorts::service_ports() + 1, "node-1 (SWIM)"}));

TEST_P(UpWithATakenPort, StopsAtOnceNamingTheAddress) {
  const int port = base_port() + GetParam().offset;
  Squatter squatter(port);
  Process up(up_args(), dir_);
  const Output output = up.finish(kFast);
  EXPECT_EQ(output.exit, 1) << output.out << output.err;
  EXPECT_NE(output.err.find("cannot listen on tcp://127.0.0.1:" + std::to_string(port) + " (for " +
                            GetParam().for_ + "): Address already in use"),
            std::string::npos)
      << output.err;
}

TEST_F(UpPorts, AProcessThatExitsWhileUpWaitsStopsUpAtOnce) {
  // The log service, which the nodes register with, cannot make its data directory (a file is
  // in the way) and exits with status 1 as it starts.
  const fs::path in_the_way = dir_ / "data" / "log";
  fs::create_directories(in_the_way.parent_path());
  std::ofstream(in_the_way) << "not a directory\n";
  Process up(up_args(), dir_);
  const Output output = up.finish(kFast);
  EXPECT_EQ(output.exit, 1) << output.out << output.err;
  EXPECT_NE(output.err.find("c12s up: log exited (status 1) before the system was up; stopping everything"),
            std::string::npos)
      << output.err;
  EXPECT_NE(output.err.find("c12s up: log said: "), std::string::npos) << output.err;
  // Its last words are a log line (system/log.h): time, level, the process, the message.
  EXPECT_NE(output.err.find(" ERROR c12s service log: cannot create " + in_the_way.string()),
            std::string::npos)
      << output.err;
}

TEST_F(UpPorts, ADaemonThatCannotBindSaysWhereAndExitsAtOnce) {
  const int port = base_port();
  Squatter squatter(port + 2);  // SWIM's ping-req port of a daemon listening at `port`
  const fs::path system_file = dir_ / "system.yaml";
  std::ofstream(system_file) << c12s::system::SystemMap::loopback(dir_.string(), base_port() + 3).to_yaml();
  const fs::path config = dir_ / "node.yaml";
  std::ofstream(config) << "star:\n  version: v1\n  nodeid: node-1\n  name: node-1\n  flusher: tcp://127.0.0.1:1\n"
                           "  healthcheck:\n    address: tcp://127.0.0.1:1\n    topic: health\n    interval: 1s\n"
                           "  labels:\n    os: linux\n";
  Process daemon({"daemon", "--config", config.string(), "--system", system_file.string(), "--listen",
                  "tcp://127.0.0.1:" + std::to_string(port)},
                 dir_);
  const Output output = daemon.finish(kFast);
  EXPECT_EQ(output.exit, 1) << output.out << output.err;
  EXPECT_NE(output.err.find("cannot bind tcp://127.0.0.1:" + std::to_string(port + 2)), std::string::npos)
      << output.err;
}

// The processes whose parent is `parent`.
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    char state = 0;
    pid_t ppid = 0;
    if (rest >> state >> ppid && ppid == parent) out.push_back(std::stoi(name));
  }
  return out;
}

// The socket inodes a process holds.
std::set<std::string> socket_inodes(pid_t pid) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    const std::string target = fs::read_symlink(entry.path(), ec).string();
    if (target.rfind("socket:[", 0) == 0) out.insert(target.substr(8, target.size() - 9));
  }
  return out;
}

// Listening IPv4 TCP sockets by inode: their ports.
std::map<std::string, int> listening_ports() {
  std::map<std::string, int> out;
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // the header
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
    if (state == "0A") out[inode] = std::stoi(local.substr(local.find(':') + 1), nullptr, 16);
  }
  return out;
}

TEST_F(UpPorts, EveryPortTheSystemListensOnIsInTheRange) {
  Process up(up_args(), dir_);
  Output output = wait_until_up(up);
  ASSERT_NE(output.out.find("Ctrl-C stops everything"), std::string::npos) << output.out << output.err;
  const LoopbackPorts ports{base_port(), kNodes};
  std::ifstream range_file("/proc/sys/net/ipv4/ip_local_port_range");
  int ephemeral_low = 0, ephemeral_high = 0;
  ASSERT_TRUE(range_file >> ephemeral_low >> ephemeral_high);
  ASSERT_LT(ports.last(), ephemeral_low);  // else the two kinds below could not be told apart

  const std::map<std::string, int> listening = listening_ports();
  std::set<int> in_range;
  const std::vector<pid_t> processes = children_of(up.pid);
  EXPECT_EQ(processes.size(), 6u + kNodes);
  for (pid_t process : processes) {
    for (const std::string& inode : socket_inodes(process)) {
      auto it = listening.find(inode);
      if (it == listening.end()) continue;
      const int port = it->second;
      if (port >= ports.first() && port <= ports.last()) {
        in_range.insert(port);
      } else {
        // A role that only starts sessions binds port 0: the kernel picks a free one.
        EXPECT_TRUE(port >= ephemeral_low && port <= ephemeral_high)
            << "process " << process << " listens on " << port << ", outside " << ports.first() << "-"
            << ports.last() << " and not a port the kernel picked";
      }
    }
  }
  EXPECT_EQ(in_range.size(), static_cast<std::size_t>(ports.last() - ports.first() + 1))
      << "ports of " << ports.first() << "-" << ports.last() << " that nothing listens on";
  kill(up.pid, SIGTERM);
  output = up.finish(std::chrono::seconds(30), output);
  EXPECT_EQ(output.exit, 0) << output.err;
}

}  // namespace
