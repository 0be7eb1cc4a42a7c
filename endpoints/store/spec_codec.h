// TopologySpec <-> bytes, for the state store's columns topologies.spec and staged.spec.
// Private to the store.
//
// The bytes are the generated msgpack of the sort TopologySpec (protocols/sorts.gtype: a map
// from field names to values, as IdempotencyCheck carries it), after its schema version: the
// msgpack array [2, spec]. Version 1, the hand-made array encoding of earlier versions (["c12s-
// topology", 1, version, kind, taskName, queue, name, labels, regions]), is still read, so a
// store written before keeps its topologies; every write is version 2.
#pragma once

#include <string>
#include <string_view>

#include "c12s/model/topology.h"

namespace c12s::store {

std::string encode_topology(const model::TopologySpec& spec);

// False, with *error saying why, for bytes that are not an encoded topology. Never throws.
bool decode_topology(std::string_view bytes, model::TopologySpec* out, std::string* error);

}  // namespace c12s::store
