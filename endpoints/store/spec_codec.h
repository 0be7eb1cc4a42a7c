// TopologySpec <-> bytes, for the state store's column topologies.spec. Private to the store.
//
// The encoding is msgpack: the array ["c12s-topology", 1, version, kind, taskName, queue,
// name, labels, regions], labels a map of strings, a region [name, labels, clusters], a
// cluster [name, retention in ms or nil, labels, nodes], a node [id, name, labels]. Lists keep
// the spec's order, so decode(encode(spec)) == spec. The tag and the version number let a
// later program tell an old encoding from damage.
#pragma once

#include <string>
#include <string_view>

#include "c12s/model/topology.h"

namespace c12s::store {

std::string encode_topology(const model::TopologySpec& spec);

// False, with *error saying where, for bytes that are not an encoded topology. Never throws.
bool decode_topology(std::string_view bytes, model::TopologySpec* out, std::string* error);

}  // namespace c12s::store
