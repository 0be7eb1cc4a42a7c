// gtype::Status and Result<T>: the one error type of gtype and c12s.
#include "gtype/status.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>

namespace gtype {
namespace {

TEST(Status, SaysItsCodeAndMessage) {
  EXPECT_EQ(Status().to_string(), "ok");
  EXPECT_TRUE(Status::success().ok());
  EXPECT_EQ(Status::not_found("x").to_string(), "not-found: x");
  EXPECT_EQ(Status::rejected("x").to_string(), "rejected: x");
  EXPECT_EQ(Status::storage("x").to_string(), "storage: x");
  EXPECT_EQ(Status::corruption("x").to_string(), "corruption: x");
  EXPECT_EQ(Status::io_error("x").to_string(), "io: x");
  EXPECT_EQ(Status::config("x").to_string(), "config: x");
  EXPECT_EQ(Status(StatusCode::kPeerLost, "gone").to_string(), "peer-lost: gone");
  EXPECT_TRUE(Status::not_found("x").is_not_found());
  EXPECT_FALSE(Status::rejected("x").ok());
  EXPECT_FALSE(static_cast<bool>(Status::rejected("x")));
  EXPECT_EQ(Status::rejected("x").diagnostics(), nullptr);
}

TEST(Status, EveryCodeHasItsOwnName) {
  std::set<std::string> names;
  for (int code = 0; code <= static_cast<int>(StatusCode::kClosed); ++code)
    EXPECT_TRUE(names.insert(status_code_name(static_cast<StatusCode>(code))).second) << code;
}

DiagnosticReport report_on(const std::string& text) {
  DiagnosticReport report;
  const std::uint32_t file = report.sources.add("--selector", text);
  Diagnostic& error = report.errors.emplace_back(Diagnostic{SourceLocation{file, 1, 5}, "expected '='", {}});
  error.notes.push_back(Note{SourceLocation{}, "a selector is key=value, ..."});
  report.errors.push_back(Diagnostic{SourceLocation{file, 1, 1}, "first", {}});
  return report;
}

TEST(Status, InvalidInputRendersItsDiagnosticsSortedWithTheirSource) {
  const Status status = Status::invalid_input(report_on("zone eu"));
  EXPECT_EQ(status.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(status.message(),
            "--selector:1:1: error: first\n"
            "zone eu\n"
            "^\n"
            "--selector:1:5: error: expected '='\n"
            "zone eu\n"
            "    ^\n"
            "note: a selector is key=value, ...\n");
  ASSERT_NE(status.diagnostics(), nullptr);
  EXPECT_EQ(status.diagnostics()->errors.size(), 2u);
}

TEST(Status, OutlivesTheInputItQuotes) {
  Status copy;
  {
    const Status original = Status::invalid_input(report_on("zone eu"));
    copy = original;
  }
  EXPECT_EQ(copy.diagnostics()->sources.line(0, 1), "zone eu");
  EXPECT_EQ(copy.diagnostics()->render(), copy.message());
}

TEST(Result, HoldsAValueOrAFailure) {
  Result<std::unique_ptr<int>> value = std::make_unique<int>(7);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(**value, 7);
  EXPECT_TRUE(value.status().ok());
  std::unique_ptr<int> moved = std::move(value).value();
  EXPECT_EQ(*moved, 7);

  const Result<int> failure = Status(StatusCode::kTimeout, "no frame");
  ASSERT_FALSE(failure);
  EXPECT_EQ(failure.error().code(), StatusCode::kTimeout);
  EXPECT_EQ(failure.status().to_string(), "timeout: no frame");
}

}  // namespace
}  // namespace gtype
