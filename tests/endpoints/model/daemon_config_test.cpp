// The node daemon's configuration (listing 5.2). Error messages: data/daemon/*.expected.
#include "c12s/model/daemon_config.h"

#include <gtest/gtest.h>

#include "test_data.h"

namespace c12s::model {
namespace {

using namespace std::chrono_literals;
using testing::data_path;
using testing::read_data;

TEST(DaemonConfig, ParsesListing52) {
  const Result<DaemonConfig> r =
      parse_daemon_config(read_data("thesis/listing_5_2.yaml"), "listing_5_2.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message();
  const DaemonConfig expected{
      "v1",
      "node1",
      "noname",
      "address",
      HealthCheckConfig{"address", "health", 1min},
      {{"os", "linux"},
       {"disk", "flash"},
       {"arch", "arm"},
       {"model", "rpi"},
       {"memory", "4GB"},
       {"storage", "120GB"},
       {"cpu", "1"},
       {"cores", "4"}},
  };
  EXPECT_EQ(*r, expected);
}

TEST(DaemonConfig, LoadsListing52FromItsFile) {
  const Result<DaemonConfig> r = load_daemon_config(data_path("thesis/listing_5_2.yaml"));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->healthcheck.interval, 1min);
}

TEST(DaemonConfig, NameDefaultsToTheNodeId) {
  const Result<DaemonConfig> r = parse_daemon_config(R"(star:
  version: v2
  nodeid: pi-7
  flusher: nats://system:4222
  healthcheck: {address: "nats://system:4222", topic: health, interval: 15s}
  labels: {os: linux}
)",
                                                     "daemon.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->name, "pi-7");
  EXPECT_EQ(r->version, "v2");  // the API version is the system's business, not the parser's
  EXPECT_EQ(r->healthcheck.address, "nats://system:4222");
  EXPECT_EQ(r->healthcheck.interval, 15s);
}

TEST(DaemonConfig, UnreadableFileIsADiagnostic) {
  const std::string missing = data_path("daemon/none.yaml");
  const Result<DaemonConfig> r = load_daemon_config(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), missing + ": error: cannot read the file: no such file\n");
}

}  // namespace
}  // namespace c12s::model
