// Addresses as the system writes them: tcp://HOST:PORT split once, for every user of it.
#include <gtest/gtest.h>

#include "c12s/system/network.h"
#include "gtype/rt/curve.h"

namespace c12s::system {
namespace {

TEST(TcpAddress, SplitsHostAndPortKeepingIpv6Brackets) {
  const std::optional<TcpAddress> v4 = split_tcp_address("tcp://10.0.0.5:7400");
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->host, "10.0.0.5");
  EXPECT_EQ(v4->bare_host(), "10.0.0.5");
  EXPECT_EQ(v4->port, "7400");
  const std::optional<TcpAddress> v6 = split_tcp_address("tcp://[::1]:7401");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "[::1]");
  EXPECT_EQ(v6->bare_host(), "::1");
  EXPECT_EQ(v6->port, "7401");
  EXPECT_EQ(split_tcp_address("tcp://node-1.example:9")->host, "node-1.example");
}

TEST(TcpAddress, ReadsTheEndpointOfAKeyedAddress) {
  const std::string key(40, 'k');  // a CURVE key's length in Z85
  const std::optional<TcpAddress> keyed =
      split_tcp_address(gtype::rt::keyed_address("tcp://127.0.0.1:7402", key));
  ASSERT_TRUE(keyed.has_value());
  EXPECT_EQ(keyed->host, "127.0.0.1");
  EXPECT_EQ(keyed->port, "7402");
}

TEST(TcpAddress, RefusesWhatIsNotTcpHostPort) {
  for (const char* wrong :
       {"ipc:///tmp/x", "tcp://", "tcp://:7400", "tcp://host", "tcp://host:", "udp://h:1", ""})
    EXPECT_FALSE(split_tcp_address(wrong).has_value()) << wrong;
}

}  // namespace
}  // namespace c12s::system
