// The processes' log lines (system/log.h): text and JSON, escaping, fields, levels.
#include "c12s/system/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace c12s::system {
namespace {

constexpr long long kWhen = 1796681781123;  // 2026-12-07T22:16:21.123Z

class Log : public ::testing::Test {
 protected:
  void TearDown() override { configure_log(LogOptions{}); }
};

TEST_F(Log, TextKeepsTheMessageThenFields) {
  configure_log(LogOptions{"c12s service nodes", LogLevel::kInfo, false});
  EXPECT_EQ(log_line(LogLevel::kWarn, "refused node:node-6: a health check for node node-5",
                     {{"who", "node:node-6"}, {"what", "a health check"}}, kWhen),
            "2026-12-07T22:16:21.123Z WARN c12s service nodes: refused node:node-6: a health check for node "
            "node-5 who=node:node-6 what=\"a health check\"\n");
}

TEST_F(Log, TextEscapesControlCharactersSoALineStaysOne) {
  configure_log(LogOptions{"c12s daemon n", LogLevel::kInfo, false});
  EXPECT_EQ(
      log_line(LogLevel::kError, "peer said \x1b[31mhi\nthere", {{"k", "a\"b"}, {"e", ""}}, kWhen),
      "2026-12-07T22:16:21.123Z ERROR c12s daemon n: peer said \\x1b[31mhi\\nthere k=\"a\\\"b\" e=\"\"\n");
}

TEST_F(Log, JsonIsOneObjectPerLine) {
  configure_log(LogOptions{"c12s service state", LogLevel::kInfo, true});
  const std::string line = log_line(LogLevel::kInfo, "task 1: done\nreally", {{"task", "1"}}, kWhen);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["time"], "2026-12-07T22:16:21.123Z");
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["process"], "c12s service state");
  EXPECT_EQ(parsed["msg"], "task 1: done\nreally");
  EXPECT_EQ(parsed["task"], "1");
}

TEST_F(Log, LevelsByName) {
  LogLevel level = LogLevel::kInfo;
  EXPECT_TRUE(parse_log_level("debug", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  EXPECT_TRUE(parse_log_level("error", &level));
  EXPECT_EQ(level, LogLevel::kError);
  EXPECT_FALSE(parse_log_level("loud", &level));
  EXPECT_EQ(level, LogLevel::kError);
}

// Below the level nothing is written: standard error is a pipe here, read back.
TEST_F(Log, LinesBelowTheLevelAreDropped) {
  int pipe_ends[2];
  ASSERT_EQ(pipe(pipe_ends), 0);
  const int saved = dup(STDERR_FILENO);
  dup2(pipe_ends[1], STDERR_FILENO);
  configure_log(LogOptions{"t", LogLevel::kWarn, false});
  log_info("not this");
  log_warn("this");
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(pipe_ends[1]);
  char buffer[512];
  const ssize_t n = read(pipe_ends[0], buffer, sizeof buffer);
  close(pipe_ends[0]);
  const std::string written(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
  EXPECT_EQ(written.find("not this"), std::string::npos) << written;
  EXPECT_NE(written.find("WARN t: this"), std::string::npos) << written;
}

}  // namespace
}  // namespace c12s::system
