// Numbers with units, as label values carry them ("4GB", "2.5GHz", "512MB", "4"), and
// durations, as configuration files write them ("1m", "24h", "1h30m").
//
// Quantities are compared exactly (no floating point): "1.1GB" equals "1126.4MB". Byte units
// are binary, as the thesis's hardware sizes are (a Raspberry Pi's 1GB of RAM is 1024MB):
// KB, MB, GB, TB, PB are powers of 1024, and KiB..PiB are accepted as the same units. Hz
// units (kHz/KHz, MHz, GHz, THz) are powers of 1000. Any other unit ("4cores") compares only
// with the same unit spelled the same way; a plain number has no unit and compares only with
// plain numbers. Spelling is strict, so that a typo is a string, not a silently odd number:
// digits, an optional '.' and digits, then an optional unit of ASCII letters; no sign, no
// exponent, no space.
#pragma once

#include <chrono>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace c12s::model {

struct Quantity {
  std::string number;  // as written: "2.5", "4", "007"
  std::string unit;    // as written: "GHz", "GB", ""; letters only
};

// "4GB" -> {"4", "GB"}; nothing if `text` is not a number followed by an optional unit.
std::optional<Quantity> parse_quantity(std::string_view text);

// How a compares with b in a common unit; nothing if their units cannot be converted into
// each other (bytes against hertz, "4" against "4GB", "4cores" against "4cpus").
std::optional<std::strong_ordering> compare_quantities(const Quantity& a, const Quantity& b);

// A duration written as one or more <digits><unit> parts, units ms, s, m, h, d, e.g. "500ms",
// "1m", "24h", "1h30m". Nothing if it is not one, or does not fit in 64-bit milliseconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// The shortest such text for a duration >= 0, in h, m, s and ms: 24h -> "24h", 90s -> "1m30s",
// 0 -> "0s". parse_duration(format_duration(d)) == d.
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace c12s::model
