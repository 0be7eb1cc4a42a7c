// Rules 4.9 and 4.10 over one node's labels. mismatch_reason() is the one implementation;
// matches() asks it whether it has anything to say.
#include "c12s/model/match.h"

#include "c12s/model/quantity.h"
#include "c12s/model/quote.h"

namespace c12s::model {
namespace {

enum class Comparison { kSatisfied, kLess, kDifferent, kIncomparable };

Comparison compare_label(std::string_view wanted, std::string_view offered) {
  const std::optional<Quantity> w = parse_quantity(wanted);
  const std::optional<Quantity> o = parse_quantity(offered);
  if (!w && !o) return wanted == offered ? Comparison::kSatisfied : Comparison::kDifferent;
  if (!w || !o) return Comparison::kIncomparable;
  const std::optional<std::strong_ordering> order = compare_quantities(*w, *o);
  if (!order) return Comparison::kIncomparable;
  return *order == std::strong_ordering::greater ? Comparison::kLess : Comparison::kSatisfied;
}

}  // namespace

bool value_satisfies(std::string_view wanted, std::string_view offered) {
  return compare_label(wanted, offered) == Comparison::kSatisfied;
}

std::string mismatch_reason(const Selector& selector, const Labels& labels, MatchMode mode) {
  if (mode == MatchMode::kExact && labels.size() != selector.labels.size()) {
    return "the node has " + std::to_string(labels.size()) + " labels, the selector " +
           std::to_string(selector.labels.size()) + " (rule 4.9)";
  }
  for (const auto& [key, wanted] : selector.labels) {
    const auto found = labels.find(key);
    if (found == labels.end()) return "no label " + quote(key) + " (rule 4.10)";
    const std::string& offered = found->second;
    switch (compare_label(wanted, offered)) {
      case Comparison::kSatisfied:
        break;
      case Comparison::kLess:
        return quote(key) + " is " + offered + ", less than " + wanted + " (rule 4.10)";
      case Comparison::kDifferent:
        return quote(key) + " is " + quote(offered) + ", not " + quote(wanted) + " (rule 4.10)";
      case Comparison::kIncomparable:
        return quote(key) + " is " + quote(offered) + ", which does not compare with " + quote(wanted) +
               " (rule 4.10)";
    }
  }
  return {};
}

bool matches(const Selector& selector, const Labels& labels, MatchMode mode) {
  return mismatch_reason(selector, labels, mode).empty();
}

std::vector<std::size_t> matching_indices(const std::vector<Labels>& nodes, const Selector& selector,
                                          MatchMode mode) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (matches(selector, nodes[i], mode)) out.push_back(i);
  }
  return out;
}

}  // namespace c12s::model
