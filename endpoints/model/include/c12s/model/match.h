// The free-node lookup of Algorithm 2: which nodes a selector picks (rules 4.9 to 4.11).
//
// A node is in the result set R (4.11) iff
//   4.9   it has exactly as many labels as the selector has pairs, and
//   4.10  for every selector pair (k, v) it has a label (k, vj) with v <= vj.
// The thesis leaves "<=" undefined for text. We read it as: when v and vj are both quantities
// (quantity.h: "4GB", "2.5GHz", "4") in convertible units, v is at most vj in a common unit
// (a node with 4GB satisfies memory=2GB and memory=2048MB); when both are not quantities, v
// equals vj; a quantity against a non-quantity, or against an inconvertible unit, never
// matches. The subset mode drops rule 4.9, for callers that want "at least these labels"
// (the list operation of 5.2.4 keeps both rules, as 4.6.5 asks). Nothing here reads a clock or
// a store: callers pass the free nodes in.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "c12s/model/labels.h"
#include "c12s/model/selector.h"

namespace c12s::model {

enum class MatchMode {
  kExact,   // rules 4.9 and 4.10: Algorithm 2 as the thesis writes it
  kSubset,  // rule 4.10 only: the node may have labels the selector does not name
};

// Rule 4.10's "v <= vj" for one label: whether a node whose label is `offered` satisfies a
// selector asking for `wanted`.
bool value_satisfies(std::string_view wanted, std::string_view offered);

// Whether a node with these labels is in the result set.
bool matches(const Selector& selector, const Labels& labels, MatchMode mode);

// Why a node with these labels is not in the result set, naming the rule, e.g.
// "'memory' is 1GB, less than 2GB (rule 4.10)"; empty if it is. The first failing rule is
// given, checked in the order 4.9, then the selector's keys in order.
std::string mismatch_reason(const Selector& selector, const Labels& labels, MatchMode mode);

// The positions of the label sets that match, ascending (so the result keeps input order).
std::vector<std::size_t> matching_indices(const std::vector<Labels>& nodes, const Selector& selector,
                                          MatchMode mode);

// The records that match, in input order; labels_of(record) gives a record's Labels.
template <typename Node, typename LabelsOf>
std::vector<Node> filter_nodes(const std::vector<Node>& nodes, const Selector& selector, MatchMode mode,
                               LabelsOf labels_of) {
  std::vector<Node> out;
  for (const Node& node : nodes) {
    if (matches(selector, labels_of(node), mode)) out.push_back(node);
  }
  return out;
}

}  // namespace c12s::model
