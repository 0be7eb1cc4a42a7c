// Quantities compared exactly, and durations. A quantity's number is turned into an integer of
// any size (its digits, scaled by its unit and by the decimal places the other number has
// more of), so comparisons never round, whatever the digits.
#include "c12s/model/quantity.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <limits>
#include <vector>

namespace c12s::model {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// An unsigned integer of any size: just enough arithmetic to compare two quantities.
// Invariant: little-endian base-2^32 limbs, no zero limb at the top (zero has no limbs).
class Natural {
 public:
  // *this = *this * factor + addend; factor > 0.
  void multiply_add(std::uint32_t factor, std::uint32_t addend) {
    assert(factor > 0);
    std::uint64_t carry = addend;
    for (std::uint32_t& limb : limbs_) {
      const std::uint64_t v = std::uint64_t{limb} * factor + carry;
      limb = static_cast<std::uint32_t>(v);
      carry = v >> 32;
    }
    if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
  }

  friend std::strong_ordering operator<=>(const Natural& a, const Natural& b) {
    if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() <=> b.limbs_.size();
    for (std::size_t i = a.limbs_.size(); i-- > 0;) {
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] <=> b.limbs_[i];
    }
    return std::strong_ordering::equal;
  }

 private:
  std::vector<std::uint32_t> limbs_;
};

enum class Dimension { kBytes, kHertz };

struct KnownUnit {
  std::string_view name;
  Dimension dimension;
  std::uint32_t base;  // the unit is base^power of the dimension's smallest unit
  int power;
};

constexpr std::array<KnownUnit, 19> kKnownUnits{{
    {"B", Dimension::kBytes, 1024, 0},   {"KB", Dimension::kBytes, 1024, 1},
    {"kB", Dimension::kBytes, 1024, 1},  {"KiB", Dimension::kBytes, 1024, 1},
    {"MB", Dimension::kBytes, 1024, 2},  {"MiB", Dimension::kBytes, 1024, 2},
    {"GB", Dimension::kBytes, 1024, 3},  {"GiB", Dimension::kBytes, 1024, 3},
    {"TB", Dimension::kBytes, 1024, 4},  {"TiB", Dimension::kBytes, 1024, 4},
    {"PB", Dimension::kBytes, 1024, 5},  {"PiB", Dimension::kBytes, 1024, 5},
    {"Hz", Dimension::kHertz, 1000, 0},  {"kHz", Dimension::kHertz, 1000, 1},
    {"KHz", Dimension::kHertz, 1000, 1}, {"MHz", Dimension::kHertz, 1000, 2},
    {"GHz", Dimension::kHertz, 1000, 3}, {"THz", Dimension::kHertz, 1000, 4},
    {"PHz", Dimension::kHertz, 1000, 5},
}};

const KnownUnit* find_unit(std::string_view name) {
  for (const KnownUnit& unit : kKnownUnits) {
    if (unit.name == name) return &unit;
  }
  return nullptr;
}

// The number's digits without the '.', times 10^extra_places, times base^power.
Natural scaled(const Quantity& q, std::size_t extra_places, std::uint32_t base, int power) {
  Natural n;
  for (char c : q.number) {
    if (c != '.') n.multiply_add(10, static_cast<std::uint32_t>(c - '0'));
  }
  for (std::size_t i = 0; i < extra_places; ++i) n.multiply_add(10, 0);
  for (int i = 0; i < power; ++i) n.multiply_add(base, 0);
  return n;
}

std::size_t decimal_places(const Quantity& q) {
  const std::size_t dot = q.number.find('.');
  return dot == std::string::npos ? 0 : q.number.size() - dot - 1;
}

}  // namespace

std::optional<Quantity> parse_quantity(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == 0) return std::nullopt;
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == fraction) return std::nullopt;  // "4." or "4.GB"
  }
  const std::size_t unit = i;
  while (i < text.size() && is_letter(text[i])) ++i;
  if (i != text.size()) return std::nullopt;
  return Quantity{std::string(text.substr(0, unit)), std::string(text.substr(unit))};
}

std::optional<std::strong_ordering> compare_quantities(const Quantity& a, const Quantity& b) {
  const KnownUnit* ua = find_unit(a.unit);
  const KnownUnit* ub = find_unit(b.unit);
  std::uint32_t base = 1;
  int power_a = 0;
  int power_b = 0;
  if (ua != nullptr || ub != nullptr) {
    if (ua == nullptr || ub == nullptr || ua->dimension != ub->dimension) return std::nullopt;
    base = ua->base;
    power_a = ua->power;
    power_b = ub->power;
  } else if (a.unit != b.unit) {
    return std::nullopt;
  }
  const std::size_t places_a = decimal_places(a);
  const std::size_t places_b = decimal_places(b);
  const std::size_t places = std::max(places_a, places_b);
  return scaled(a, places - places_a, base, power_a) <=> scaled(b, places - places_b, base, power_b);
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t digits = i;
    std::int64_t amount = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
      const int digit = text[i] - '0';
      if (amount > (kMax - digit) / 10) return std::nullopt;
      amount = amount * 10 + digit;
    }
    if (i == digits) return std::nullopt;
    const std::size_t unit_begin = i;
    while (i < text.size() && is_letter(text[i])) ++i;
    const std::string_view unit = text.substr(unit_begin, i - unit_begin);
    std::int64_t per_unit = 0;
    if (unit == "ms") {
      per_unit = 1;
    } else if (unit == "s") {
      per_unit = 1000;
    } else if (unit == "m") {
      per_unit = 60 * 1000;
    } else if (unit == "h") {
      per_unit = 60 * 60 * 1000;
    } else if (unit == "d") {
      per_unit = 24 * 60 * 60 * 1000;
    } else {
      return std::nullopt;
    }
    if (amount > kMax / per_unit || total > kMax - amount * per_unit) return std::nullopt;
    total += amount * per_unit;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds duration) {
  assert(duration.count() >= 0);
  std::int64_t rest = duration.count();
  if (rest == 0) return "0s";
  std::string out;
  constexpr std::array<std::pair<std::int64_t, const char*>, 4> kUnits{
      {{60 * 60 * 1000, "h"}, {60 * 1000, "m"}, {1000, "s"}, {1, "ms"}}};
  for (const auto& [size, name] : kUnits) {
    if (rest >= size) {
      out += std::to_string(rest / size) + name;
      rest %= size;
    }
  }
  return out;
}

}  // namespace c12s::model
