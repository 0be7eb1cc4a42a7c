// What `c12s dashboard` decides without a network (endpoints/c12s/dashboard_model.h): the
// listen addresses it takes, the Host headers it answers, the tasks it shows running.
#include "dashboard_model.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

using namespace c12s::cli;

TEST(DashboardListen, TakesHostAndPort) {
  gtype::Result<ListenAddress> v4 = parse_listen("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  EXPECT_TRUE(v4->loopback());
  EXPECT_EQ(v4->url(), "http://127.0.0.1:8080/");
  gtype::Result<ListenAddress> v6 = parse_listen("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->loopback());
  EXPECT_EQ(v6->url(), "http://[::1]:0/");
  EXPECT_TRUE(parse_listen("localhost:1")->loopback());
  EXPECT_FALSE(parse_listen("0.0.0.0:8080")->loopback());
  EXPECT_FALSE(parse_listen("10.1.2.3:8080")->loopback());
}

TEST(DashboardListen, NamesTheMistake) {
  EXPECT_EQ(parse_listen("8080").error().message(),
            "--listen 8080: expected HOST:PORT, e.g. 127.0.0.1:8080\n");
  EXPECT_EQ(parse_listen("127.0.0.1:http").error().message(),
            "--listen 127.0.0.1:http: the port must be a number from 0 to 65535\n");
  EXPECT_EQ(parse_listen("127.0.0.1:65536").error().message(),
            "--listen 127.0.0.1:65536: the port must be a number from 0 to 65535\n");
  EXPECT_EQ(parse_listen("127.0.0.1:").error().message(),
            "--listen 127.0.0.1:: the port must be a number from 0 to 65535\n");
  // A name could resolve anywhere, 127.evil.example included.
  EXPECT_EQ(parse_listen("127.evil.example:80").error().message(),
            "--listen 127.evil.example:80: HOST must be an IP address or localhost\n");
  EXPECT_EQ(parse_listen("[nope]:80").error().message(), "--listen [nope]:80: not an IPv6 address\n");
}

TEST(DashboardHost, AnswersLoopbackNamesOfItsPortOnly) {
  const ListenAddress listen = *parse_listen("127.0.0.1:8080");
  for (const char* host : {"127.0.0.1:8080", "localhost:8080", "[::1]:8080"})
    EXPECT_TRUE(host_allowed(host, listen)) << host;
  for (const char* host : {"evil.example:8080", "127.0.0.1:8081", "127.0.0.1", "", "localhost:8080x",
                           "127.0.0.1.evil.example:8080"})
    EXPECT_FALSE(host_allowed(host, listen)) << host;
  EXPECT_TRUE(host_allowed("127.0.0.2:9", *parse_listen("127.0.0.2:9")));
  EXPECT_TRUE(host_allowed("anything:1", *parse_listen("0.0.0.0:8080")));  // --allow-remote: its risk
}

sorts::LogRecord record(const std::string& task, std::int64_t time, const std::string& state) {
  std::map<std::string, std::string> labels{{"service", "state"}, {"topology", "t"}};
  if (!state.empty()) labels["state"] = state;
  return sorts::LogRecord{task, time, "info", labels, state};
}

TEST(DashboardRunning, KeepsEachTasksNewestStateWhenUnfinished) {
  const out::LogsOutput records{
      1,
      {record("a", 1, "PENDING"), record("b", 2, "PENDING"), record("a", 3, "IN_PROGRESS"),
       record("c", 4, "PENDING"), record("b", 5, "IN_PROGRESS"), record("b", 6, "CREATED"),
       record("d", 7, "EXISTS"), record("", 8, "PENDING"), record("e", 9, ""), record("f", 10, "FAILED")}};
  const out::LogsOutput running = running_tasks(records);
  EXPECT_EQ(running.schema, 1u);
  ASSERT_EQ(running.records.size(), 2u);
  EXPECT_EQ(running.records[0].task, "a");  // oldest first, by its newest record
  EXPECT_EQ(running.records[0].labels.at("state"), "IN_PROGRESS");
  EXPECT_EQ(running.records[1].task, "c");
  EXPECT_EQ(running.records[1].labels.at("state"), "PENDING");
  EXPECT_TRUE(running_tasks(out::LogsOutput{1, {}}).records.empty());
}

TEST(DashboardErrors, AreJsonWhateverTheMessage) {
  const std::string json = error_json("bad \"quote\" \x01 and \xff byte");
  const nlohmann::json read = nlohmann::json::parse(json);
  EXPECT_EQ(read.at("error").get<std::string>(), "bad \"quote\" \x01 and \xef\xbf\xbd byte");
}

}  // namespace
