// Command-line selectors: what parses, and the exact text of every error.
#include "c12s/model/selector.h"

#include <gtest/gtest.h>

#include <sstream>

namespace c12s::model {
namespace {

// The error and note lines of the diagnostics of `text`, without the quoted selector and the
// carets under it (QuotesTheSelectorUnderEachMessage checks those).
std::string errors_of(std::string_view text) {
  const Result<Selector> r = parse_selector(text);
  EXPECT_FALSE(r.ok()) << text;
  std::string headers;
  std::istringstream lines(r.ok() ? std::string() : r.error().message());
  for (std::string line; std::getline(lines, line);) {
    if (line.find(": error: ") != std::string::npos || line.find(": note: ") != std::string::npos)
      headers += line + "\n";
  }
  return headers;
}

TEST(Selector, ParsesPairs) {
  const Result<Selector> r = parse_selector("os=linux,memory=4GB,arch=arm");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->labels, (Labels{{"arch", "arm"}, {"memory", "4GB"}, {"os", "linux"}}));
}

TEST(Selector, TrimsBlanksAroundKeysAndValues) {
  const Result<Selector> r = parse_selector("  os = linux ,\tcpu=2.5GHz\t");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->labels, (Labels{{"cpu", "2.5GHz"}, {"os", "linux"}}));
}

TEST(Selector, EmptyTextIsTheEmptySelector) {
  EXPECT_TRUE(parse_selector("")->labels.empty());
  EXPECT_TRUE(parse_selector(" \t ")->labels.empty());
}

TEST(Selector, AcceptsLabelPunctuation) {
  const Result<Selector> r = parse_selector("kubernetes.io/arch=arm64,node-role=edge_1");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->labels.at("kubernetes.io/arch"), "arm64");
}

TEST(Selector, MissingEqualsNamesThePair) {
  EXPECT_EQ(errors_of("os=linux,arm"), "selector:1:10: error: 'arm' has no '=': expected key=value\n");
}

TEST(Selector, EmptyKeyNamesThePair) {
  EXPECT_EQ(errors_of("os=linux, =arm"), "selector:1:11: error: missing key before '=' in '=arm'\n");
}

TEST(Selector, EmptyKeyAndEmptyValueIsOneError) {
  EXPECT_EQ(errors_of("="), "selector:1:1: error: missing key before '=' in '='\n");
}

TEST(Selector, EmptyValueNamesTheKey) {
  EXPECT_EQ(errors_of("os=,arch=arm"), "selector:1:4: error: key 'os' has an empty value\n");
}

TEST(Selector, DuplicateKeyNamesTheKeyAndTheFirstPlace) {
  EXPECT_EQ(errors_of("os=linux,arch=arm, os=linux"),
            "selector:1:20: error: duplicate key 'os'\n"
            "selector:1:1: note: 'os' first given here\n");
}

TEST(Selector, EmptyPairs) {
  EXPECT_EQ(errors_of("os=linux,,arch=arm"),
            "selector:1:10: error: expected key=value, found nothing (a ',' too many?)\n");
  EXPECT_EQ(errors_of("os=linux,"),
            "selector:1:10: error: expected key=value, found nothing (a ',' too many?)\n");
  EXPECT_EQ(errors_of(",os=linux"),
            "selector:1:1: error: expected key=value, found nothing (a ',' too many?)\n");
}

TEST(Selector, BadCharacters) {
  EXPECT_EQ(errors_of("my os=linux"),
            "selector:1:1: error: key 'my os' may only hold letters, digits, '.', '_', '-' and '/'\n");
  EXPECT_EQ(errors_of("os=linux 5"),
            "selector:1:4: error: value 'linux 5' of key 'os' may only hold letters, digits, '.', '_', '-' "
            "and '/'\n");
  EXPECT_EQ(
      errors_of("a=b=c"),
      "selector:1:3: error: value 'b=c' of key 'a' may only hold letters, digits, '.', '_', '-' and '/'\n");
}

TEST(Selector, QuotesTheSelectorUnderEachMessage) {
  const Result<Selector> r = parse_selector("os=linux,arch=arm, os=linux", "--selector");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "--selector:1:20: error: duplicate key 'os'\n"
            "os=linux,arch=arm, os=linux\n"
            "                   ^\n"
            "--selector:1:1: note: 'os' first given here\n"
            "os=linux,arch=arm, os=linux\n"
            "^\n");
}

TEST(Selector, ReportsEveryErrorInOrderWithTheSourceName) {
  const Result<Selector> r = parse_selector("os,=x,cpu=,os=a,os=b", "--selector");
  ASSERT_FALSE(r.ok());
  std::istringstream lines(r.error().message());
  std::string headers;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("--selector:") == 0) headers += line + "\n";
  }
  EXPECT_EQ(headers,
            "--selector:1:1: error: 'os' has no '=': expected key=value\n"
            "--selector:1:4: error: missing key before '=' in '=x'\n"
            "--selector:1:11: error: key 'cpu' has an empty value\n"
            "--selector:1:17: error: duplicate key 'os'\n"
            "--selector:1:12: note: 'os' first given here\n");
}

TEST(Selector, Formats) {
  EXPECT_EQ(format_selector(Selector{{{"os", "linux"}, {"arch", "arm"}}, std::nullopt}), "arch=arm,os=linux");
  EXPECT_EQ(format_selector(Selector{}), "");
}

}  // namespace
}  // namespace c12s::model
