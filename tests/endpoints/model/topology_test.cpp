// Topology files: the thesis's listing 5.4, defaults, labels, loading. Every error message is
// pinned by the golden files of data/topology/ (golden_test.cpp); a few are repeated here
// where the test is about reporting itself.
#include "c12s/model/topology.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "test_data.h"

namespace c12s::model {
namespace {

using namespace std::chrono_literals;
using testing::data_path;
using testing::read_data;

TopologySpec parse_ok(std::string_view text) {
  Result<TopologySpec> r = parse_topology(text, "topology.yaml");
  EXPECT_TRUE(r.ok()) << r.error().message();
  return r.ok() ? std::move(r).value() : TopologySpec{};
}

TEST(Topology, ParsesListing54) {
  const TopologySpec t = parse_ok(read_data("thesis/listing_5_4.yaml"));
  TopologySpec expected;
  expected.version = "v1";
  expected.kind = "Topology";
  expected.meta = TaskMeta{"default", "default"};
  expected.name = "MyTopology";
  expected.labels = {{"l1", "v1"}, {"l2", "v2"}, {"l3", "v3"}};
  ClusterSpec cluster{"cluster1", "24h", {}, {}};
  cluster.nodes = {
      NodeSpec{"machineid1", "node1", {}}, NodeSpec{"machineid2", "node2", {}},
      NodeSpec{
          "machineid3",
          "node3",
          {{"os", "linux"}, {"arch", "arm"}, {"model", "rpi"}, {"storage", "100GB"}, {"memory", "1GB"}}}};
  expected.regions = {RegionSpec{"region1", {}, {cluster}}};
  EXPECT_EQ(t, expected);
}

TEST(Topology, LoadsListing54FromItsFile) {
  const Result<TopologySpec> r = load_topology_file(data_path("thesis/listing_5_4.yaml"));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->name, "MyTopology");
}

TEST(Topology, ListingLabelsOverrideAsTheThesisSays) {
  const TopologySpec t = parse_ok(read_data("thesis/listing_5_4.yaml"));
  const RegionSpec& region = t.regions[0];
  const ClusterSpec& cluster = region.clusters[0];
  EXPECT_EQ(effective_labels(t, region, cluster, cluster.nodes[0]), t.labels);
  EXPECT_EQ(effective_labels(t, region, cluster, cluster.nodes[2]).at("model"), "rpi");
  EXPECT_EQ(effective_labels(t, region, cluster, cluster.nodes[2]).count("l1"), 0u);  // replaced, not merged
}

constexpr std::string_view kMinimal = R"(constellations:
  version: v1
  kind: Topology
  payload:
    name: edge
    topology:
      eu-west:
        selector:
          labels: {zone: eu}
        rack_1:
          selector:
            labels: {rack: "1"}
          pi1:
          pi2: {}
      us:
        c1:
          pi3: {name: three}
)";

TEST(Topology, DefaultsAndRegionAndClusterLabels) {
  const TopologySpec t = parse_ok(kMinimal);
  EXPECT_EQ(t.meta, (TaskMeta{"", "default"}));
  EXPECT_TRUE(t.labels.empty());
  ASSERT_EQ(t.regions.size(), 2u);
  const RegionSpec& eu = t.regions[0];
  EXPECT_EQ(eu.name, "eu-west");  // file order
  EXPECT_EQ(eu.labels, (Labels{{"zone", "eu"}}));
  ASSERT_EQ(eu.clusters.size(), 1u);
  const ClusterSpec& rack = eu.clusters[0];
  EXPECT_EQ(rack.name, "rack_1");
  EXPECT_FALSE(rack.retention);
  EXPECT_EQ(rack.labels, (Labels{{"rack", "1"}}));
  EXPECT_EQ(rack.nodes, (std::vector<NodeSpec>{{"pi1", "", {}}, {"pi2", "", {}}}));
  EXPECT_EQ(effective_labels(t, eu, rack, rack.nodes[0]), rack.labels);
  const RegionSpec& us = t.regions[1];
  EXPECT_EQ(us.clusters[0].nodes[0].name, "three");
  EXPECT_TRUE(effective_labels(t, us, us.clusters[0], us.clusters[0].nodes[0]).empty());
}

TEST(Topology, SameClusterNameInTwoRegionsIsFine) {
  const TopologySpec t = parse_ok(R"(constellations:
  version: v1
  kind: Topology
  payload:
    name: t
    topology:
      r1: {c1: {m1: }}
      r2: {c1: {m2: }}
)");
  EXPECT_EQ(t.regions[1].clusters[0].name, "c1");
}

TEST(Topology, ReportsEveryErrorNotJustTheFirst) {
  const Result<TopologySpec> r = parse_topology(R"(constellations:
  version: v1
  kind: Topology
  payload:
    name: t
    topology:
      r1:
        c1:
          m1: {name: a b}
        c2:
          m1:
)",
                                                "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "t.yaml:9:22: error: 'name' must be a name of letters, digits, '_' and '-', not 'a b'\n"
            "          m1: {name: a b}\n"
            "                     ^\n"
            "t.yaml:11:11: error: node 'm1' is already in cluster 'c1' of region 'r1'\n"
            "          m1:\n"
            "          ^\n"
            "t.yaml:9:11: note: 'm1' first used here\n"
            "          m1: {name: a b}\n"
            "          ^\n");
}

TEST(Topology, FailureIsInvalidInputWithItsDiagnostics) {
  const Result<TopologySpec> r = parse_topology("constellations: [1]\n", "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), gtype::StatusCode::kInvalidInput);
  const gtype::DiagnosticReport* report = r.error().diagnostics();
  ASSERT_NE(report, nullptr);
  ASSERT_EQ(report->errors.size(), 1u);
  EXPECT_EQ(report->errors[0].location, (gtype::SourceLocation{0, 1, 17}));
  EXPECT_EQ(report->sources.path(0), "t.yaml");
  EXPECT_EQ(report->render(), r.error().message());

  const Result<TopologySpec> missing = load_topology_file(data_path("no_such_file.yaml"));
  ASSERT_FALSE(missing.ok());
  ASSERT_NE(missing.error().diagnostics(), nullptr);
  EXPECT_EQ(missing.error().diagnostics()->errors.at(0).location, gtype::SourceLocation::whole(0));
}

TEST(Topology, UnreadableFileIsADiagnostic) {
  const std::string missing = data_path("no_such_file.yaml");
  Result<TopologySpec> r = load_topology_file(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), missing + ": error: cannot read the file: no such file\n");
  r = load_topology_file(data_path("thesis"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), data_path("thesis") + ": error: cannot read the file: it is a directory\n");
}

TEST(Topology, UnopenableFileIsADiagnostic) {
  // A bound Unix socket exists and is no directory, but nobody, root included, reads it.
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("c12s_model_socket_" + std::to_string(::getpid()) + ".yaml");
  std::filesystem::remove(path);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  const Result<TopologySpec> r = load_topology_file(path.string());
  ::close(fd);
  std::filesystem::remove(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), path.string() + ": error: cannot read the file: it is not a regular file\n");
}

// A FIFO would block the reader until someone writes, /dev/zero would fill the memory: both
// are refused before they are opened.
TEST(Topology, FifoOrDeviceIsADiagnostic) {
  const std::filesystem::path fifo =
      std::filesystem::temp_directory_path() / ("c12s_model_fifo_" + std::to_string(::getpid()) + ".yaml");
  std::filesystem::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const Result<TopologySpec> from_fifo = load_topology_file(fifo.string());
  std::filesystem::remove(fifo);
  ASSERT_FALSE(from_fifo.ok());
  EXPECT_EQ(from_fifo.error().message(),
            fifo.string() + ": error: cannot read the file: it is not a regular file\n");

  const Result<TopologySpec> from_device = load_topology_file("/dev/zero");
  ASSERT_FALSE(from_device.ok());
  EXPECT_EQ(from_device.error().message(),
            "/dev/zero: error: cannot read the file: it is not a regular file\n");
}

TEST(Topology, HugeFileIsADiagnostic) {
  const std::filesystem::path huge =
      std::filesystem::temp_directory_path() / ("c12s_model_huge_" + std::to_string(::getpid()) + ".yaml");
  { std::ofstream create(huge); }
  std::filesystem::resize_file(huge, (16u << 20) + 1);  // sparse: no disk used
  const Result<TopologySpec> r = load_topology_file(huge.string());
  std::filesystem::remove(huge);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), huge.string() + ": error: cannot read the file: it is larger than 16 MiB\n");
}

// Aliases repeat what they name without costing text: nested, a few KiB of them stood for
// millions of nodes and labels (found by tests/fuzz, corpus/yaml/alias_bomb.yaml), so they are
// refused, where the first one is.
TEST(Topology, AliasesAreRefused) {
  const std::string text =
      "constellations:\n"
      "  version: v1\n"
      "  kind: Topology\n"
      "  payload:\n"
      "    name: T\n"
      "    selector: {labels: &L {os: linux}}\n"
      "    topology:\n"
      "      r1:\n"
      "        c1:\n"
      "          m1: {selector: {labels: *L}}\n";
  const Result<TopologySpec> r = parse_topology(text, "alias.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "alias.yaml:10:35: error: YAML aliases (*name) are not taken here; write the value out\n"
            "          m1: {selector: {labels: *L}}\n"
            "                                  ^\n");
}

TEST(Topology, DeepNestingIsADiagnosticNotACrash) {
  const std::string deep = "constellations: " + std::string(100000, '[');
  const Result<TopologySpec> r = parse_topology(deep, "deep.yaml");
  ASSERT_FALSE(r.ok());
  ASSERT_NE(r.error().diagnostics(), nullptr);
  EXPECT_EQ(r.error().diagnostics()->errors.size(), 1u);
  EXPECT_NE(r.error().message().find("deep.yaml:1:"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace c12s::model
