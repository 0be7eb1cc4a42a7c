// The idempotency check of a mutation (thesis 4.6.4, Algorithm 5): is this topology one that
// was already formed?
//
// The thesis's idempotent structure is IS = (Name, DataSet): the name for the lookup, and a
// hierarchy of sets (regions, their clusters, their nodes, each with labels) for the compare.
// Sets have no order, so the canonical form sorts every level; two files that differ only in
// the order of regions, clusters, nodes or labels have the same canonical form, and any
// change of a name, id, label, retention or count changes it. The task metadata (taskName,
// queue), version and kind are not part of the desired state and are left out: the same
// topology sent to another queue is still the same topology. Labels are taken as written,
// not as effective_labels() resolves them.
//
// The fingerprint is the SHA-256 of the canonical form, in lowercase hex: the same on every
// machine and run, so it can be stored and compared across processes. Storage is the caller's.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "c12s/model/topology.h"

namespace c12s::model {

// One line per element in depth-first order, children sorted, every name written as
// <length>:<bytes> so that no name can fake the structure, e.g.
//   topology 10:MyTopology
//   label 2:l1 2:v1
//   region 7:region1
//   cluster 8:cluster1
//   retention 86400000ms
//   node 10:machineid1 5:node1
std::string canonical_form(const TopologySpec& topology);

// SHA-256 of canonical_form(topology), 64 lowercase hex digits.
std::string fingerprint(const TopologySpec& topology);

// Algorithm 5's equals(): the same name and the same sets at every level.
bool same_topology(const TopologySpec& a, const TopologySpec& b);

// SHA-256 (FIPS 180-4) of any bytes, 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

enum class MutationCheck {
  kNew,            // no topology of this name was formed: run cluster formation
  kAlreadyFormed,  // this very topology was formed: confirm, form nothing (4.6.4)
  kReplaces,       // a different topology of this name was formed: the new one replaces it
};

const char* mutation_check_name(MutationCheck check);  // "new", "already formed", "replaces"

// The idempotency store's content, in memory: topology name -> fingerprint of what was
// formed. The services persist it; this class is the decision.
class IdempotencyIndex {
 public:
  MutationCheck check(const TopologySpec& topology) const;
  // Remembers the topology as formed, replacing any earlier one of the same name.
  void record(const TopologySpec& topology);
  std::optional<std::string> fingerprint_of(std::string_view name) const;
  std::size_t size() const { return formed_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> formed_;
};

}  // namespace c12s::model
