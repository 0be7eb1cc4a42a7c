// The system map: the loopback layout, its YAML round trip, and every error of a wrong file.
#include "c12s/system/system_map.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>

namespace c12s::system {
namespace {

std::string write(const std::string& text) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("c12s_system_" + std::to_string(getpid()) + ".yaml"))
          .string();
  std::ofstream(path) << text;
  return path;
}

TEST(SystemMap, LoopbackGivesEveryServedEndpointAPortOfItsOwn) {
  const SystemMap map = SystemMap::loopback("/data", 7400);
  std::set<std::string> addresses;
  std::size_t served = 0;
  for (const std::string& service : service_names()) {
    for (const std::string& endpoint : served_endpoints(service)) {
      ++served;
      ASSERT_TRUE(map.endpoints.count(endpoint)) << endpoint;
      addresses.insert(map.endpoints.at(endpoint));
    }
  }
  EXPECT_EQ(addresses.size(), served);
  EXPECT_EQ(map.endpoints.at("LogsQuery/log"), "tcp://127.0.0.1:7406");
  EXPECT_EQ(*map.address("HealthCheck", "nodes"), "tcp://127.0.0.1:7407");
  EXPECT_EQ(map.directory("HealthCheck").address("state"), map.endpoints.at("HealthCheck/state"));
  EXPECT_FALSE(map.directory("HealthCheck").address("node"));
}

TEST(SystemMap, AnAddressNotInTheMapIsAnErrorWithNoPlace) {
  const model::Result<std::string> none = SystemMap::loopback("/data", 7400).address("HealthCheck", "node");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), gtype::StatusCode::kInvalidInput);
  EXPECT_EQ(none.error().message(), "error: the system map has no address for HealthCheck/node\n");
}

// c12s up's ports: the services', then three per daemon (formations, SWIM ping, SWIM
// ping-req), each once, all within first() ... last() and nothing of the range unused.
TEST(LoopbackPorts, EveryPortUpListensOnIsInTheRangeOnce) {
  const LoopbackPorts ports{7400, 5};
  const SystemMap map = SystemMap::loopback("/data", ports.base);
  std::vector<int> used;
  auto port_of = [](const std::string& address) {
    EXPECT_EQ(address.rfind("tcp://127.0.0.1:", 0), 0u) << address;
    return std::stoi(address.substr(address.rfind(':') + 1));
  };
  for (const auto& [endpoint, address] : map.endpoints) used.push_back(port_of(address));
  for (int node = 1; node <= ports.nodes; ++node) {
    const int formations = port_of(ports.daemon_address(node));
    for (int swim = 0; swim < LoopbackPorts::kPerNode; ++swim) used.push_back(formations + swim);
  }
  std::sort(used.begin(), used.end());
  std::vector<int> range(static_cast<std::size_t>(ports.last() - ports.first() + 1));
  std::iota(range.begin(), range.end(), ports.first());
  EXPECT_EQ(used, range);
  // Join/entry is the 24th (issue 12); NodeList and Deletion (issue 13) take four more.
  EXPECT_EQ(LoopbackPorts::service_ports(), 28);
  EXPECT_EQ(ports.last(), 7400 + 28 + 15 - 1);
  EXPECT_EQ(ports.daemon_address(1), "tcp://127.0.0.1:7428");
  EXPECT_EQ((LoopbackPorts{9000, 0}.last()), 9027);
}

TEST(SystemMap, RoundTripsThroughYaml) {
  const SystemMap map = SystemMap::loopback("/var/lib/c12s", 9000);
  const std::string path = write(map.to_yaml());
  model::Result<SystemMap> back = SystemMap::load(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->data_dir, map.data_dir);
  EXPECT_EQ(back->endpoints, map.endpoints);
}

TEST(SystemMap, ReportsEveryMistakeWithItsPlace) {
  const std::string path = write(
      "data: /d\n"
      "endpoints:\n"
      "  HealthCheck/nodes: tcp://127.0.0.1:1\n"
      "  HealthCheck/bogus: tcp://127.0.0.1:2\n"
      "  LogsQuery/log: \"\"\n"
      "colour: blue\n");
  model::Result<SystemMap> map = SystemMap::load(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(map.ok());
  EXPECT_EQ(map.error().message(), path + ":4:3: error: unknown endpoint 'HealthCheck/bogus'\n" +
                                       "  HealthCheck/bogus: tcp://127.0.0.1:2\n"
                                       "  ^\n"
                                       "note: endpoints are named Protocol/role, e.g. HealthCheck/nodes\n" +
                                       path + ":5:18: error: endpoint 'LogsQuery/log' needs an address\n" +
                                       "  LogsQuery/log: \"\"\n"
                                       "                 ^\n" +
                                       path + ":6:1: error: unknown key 'colour'\n" +
                                       "colour: blue\n"
                                       "^\n"
                                       "note: the keys are 'data' and 'endpoints'\n");
}

TEST(SystemMap, MissingFileAndMissingDataAreErrors) {
  model::Result<SystemMap> missing = SystemMap::load("/nonexistent/system.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(), "/nonexistent/system.yaml: error: cannot read the system file\n");
  const std::string path = write("endpoints: {}\n");
  model::Result<SystemMap> no_data = SystemMap::load(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(no_data.ok());
  EXPECT_EQ(no_data.error().message(), path + ":1:1: error: 'data' is missing\nendpoints: {}\n^\n");
  const std::string bad = write("data: [\n");
  model::Result<SystemMap> broken = SystemMap::load(bad);
  std::filesystem::remove(bad);
  EXPECT_FALSE(broken.ok());
}

// A FIFO blocked the reader until someone wrote, /dev/zero filled the memory.
TEST(SystemMap, WhatIsNotAFileIsAnError) {
  const std::filesystem::path fifo =
      std::filesystem::temp_directory_path() / ("c12s-system-fifo-" + std::to_string(::getpid()));
  std::filesystem::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  model::Result<SystemMap> from_fifo = SystemMap::load(fifo.string());
  std::filesystem::remove(fifo);
  ASSERT_FALSE(from_fifo.ok());
  EXPECT_EQ(from_fifo.error().message(), fifo.string() + ": error: the system file is not a regular file\n");
  model::Result<SystemMap> from_device = SystemMap::load("/dev/zero");
  ASSERT_FALSE(from_device.ok());
  EXPECT_EQ(from_device.error().message(), "/dev/zero: error: the system file is not a regular file\n");
  const std::string folder = std::filesystem::temp_directory_path().string();
  model::Result<SystemMap> from_folder = SystemMap::load(folder);
  ASSERT_FALSE(from_folder.ok());
  EXPECT_EQ(from_folder.error().message(), folder + ": error: the system file is not a regular file\n");
}

TEST(SystemMap, HugeFileIsAnError) {
  const std::filesystem::path huge =
      std::filesystem::temp_directory_path() / ("c12s-system-huge-" + std::to_string(::getpid()));
  { std::ofstream create(huge); }
  std::filesystem::resize_file(huge, (16u << 20) + 1);  // sparse: no disk used
  model::Result<SystemMap> r = SystemMap::load(huge.string());
  std::filesystem::remove(huge);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message().substr(0, 300),
            huge.string() + ": error: the system file is larger than 16 MiB\n");
}

}  // namespace
}  // namespace c12s::system
