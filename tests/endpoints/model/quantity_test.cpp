// Quantities ("4GB", "2.5GHz") and durations ("1m", "1h30m").
#include "c12s/model/quantity.h"

#include <gtest/gtest.h>

namespace c12s::model {
namespace {

std::optional<std::strong_ordering> compare(std::string_view a, std::string_view b) {
  const std::optional<Quantity> qa = parse_quantity(a);
  const std::optional<Quantity> qb = parse_quantity(b);
  EXPECT_TRUE(qa && qb) << a << " " << b;
  return compare_quantities(*qa, *qb);
}

TEST(Quantity, ParsesNumberAndUnit) {
  const std::optional<Quantity> q = parse_quantity("2.5GHz");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->number, "2.5");
  EXPECT_EQ(q->unit, "GHz");
  EXPECT_EQ(parse_quantity("4")->unit, "");
  EXPECT_EQ(parse_quantity("512MB")->number, "512");
  EXPECT_EQ(parse_quantity("4cores")->unit, "cores");
}

TEST(Quantity, RejectsWhatIsNotANumberWithAUnit) {
  for (const char* text : {"", "GB", "linux", "4 GB", "-4GB", "+4", "4.", ".5GB", "4.GB", "1e9", "4GB2",
                           "1.2.3", "v1", "4_GB", "4GB "}) {
    EXPECT_FALSE(parse_quantity(text)) << text;
  }
}

TEST(Quantity, BytesAreBinary) {
  EXPECT_EQ(compare("1GB", "1024MB"), std::strong_ordering::equal);
  EXPECT_EQ(compare("1GiB", "1GB"), std::strong_ordering::equal);
  EXPECT_EQ(compare("1KB", "1024B"), std::strong_ordering::equal);
  EXPECT_EQ(compare("1kB", "1KiB"), std::strong_ordering::equal);
  EXPECT_EQ(compare("1TB", "1024GB"), std::strong_ordering::equal);
  EXPECT_EQ(compare("1PB", "1024TB"), std::strong_ordering::equal);
  EXPECT_EQ(compare("1000MB", "1GB"), std::strong_ordering::less);
  EXPECT_EQ(compare("512MB", "0.5GB"), std::strong_ordering::equal);
  EXPECT_EQ(compare("4GB", "120GB"), std::strong_ordering::less);
}

TEST(Quantity, HertzAreDecimal) {
  EXPECT_EQ(compare("1GHz", "1000MHz"), std::strong_ordering::equal);
  EXPECT_EQ(compare("1.4GHz", "1400MHz"), std::strong_ordering::equal);
  EXPECT_EQ(compare("1kHz", "1KHz"), std::strong_ordering::equal);
  EXPECT_EQ(compare("2.5GHz", "1.4GHz"), std::strong_ordering::greater);
  EXPECT_EQ(compare("1THz", "1000GHz"), std::strong_ordering::equal);
  EXPECT_EQ(compare("1PHz", "1000THz"), std::strong_ordering::equal);
  EXPECT_EQ(compare("999Hz", "1kHz"), std::strong_ordering::less);
}

TEST(Quantity, ComparesExactlyWhereFloatingPointWouldRound) {
  EXPECT_EQ(compare("1.1GB", "1126.4MB"), std::strong_ordering::equal);
  EXPECT_EQ(compare("0.1GHz", "100MHz"), std::strong_ordering::equal);
  EXPECT_EQ(compare("12345678901234567890123", "12345678901234567890124"), std::strong_ordering::less);
  EXPECT_EQ(compare("007", "7"), std::strong_ordering::equal);
  EXPECT_EQ(compare("7.50", "7.5"), std::strong_ordering::equal);
}

TEST(Quantity, PlainNumbersAndOtherUnitsCompareOnlyWithTheirLike) {
  EXPECT_EQ(compare("2", "4"), std::strong_ordering::less);
  EXPECT_EQ(compare("4cores", "8cores"), std::strong_ordering::less);
  EXPECT_FALSE(compare("4", "4GB"));
  EXPECT_FALSE(compare("4GB", "4GHz"));
  EXPECT_FALSE(compare("4cores", "4cpus"));
  EXPECT_FALSE(compare("4cores", "4GB"));
  EXPECT_FALSE(compare("4gb", "4GB"));  // units are case-sensitive: "gb" is not a byte unit
}

TEST(Duration, Parses) {
  using namespace std::chrono_literals;
  EXPECT_EQ(parse_duration("1m"), 1min);
  EXPECT_EQ(parse_duration("24h"), 24h);
  EXPECT_EQ(parse_duration("1h30m"), 90min);
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("1d"), 24h);
  EXPECT_EQ(parse_duration("0s"), 0ms);
  EXPECT_EQ(parse_duration("1s1s"), 2s);
}

TEST(Duration, RejectsMalformedAndOverflowing) {
  for (const char* text : {"", "1", "m", "1 m", "1.5h", "-1s", "1y", "1mss", "1h 30m",
                           "99999999999999999999ms", "9223372036854775807s", "106751991168d"}) {
    EXPECT_FALSE(parse_duration(text)) << text;
  }
  EXPECT_TRUE(parse_duration("9223372036854775807ms"));
}

TEST(Duration, Formats) {
  using namespace std::chrono_literals;
  EXPECT_EQ(format_duration(24h), "24h");
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(1500ms), "1s500ms");
  EXPECT_EQ(format_duration(48h), "48h");
}

}  // namespace
}  // namespace c12s::model
