// The msgpack form of a TopologySpec (spec_codec.h). Decoding checks every type and count and
// turns any msgpack exception into an error: stored bytes are trusted no more than input.
#include "spec_codec.h"

#include <msgpack.hpp>

#include <cstdint>
#include <exception>
#include <limits>

namespace c12s::store {
namespace {

constexpr std::string_view kTag = "c12s-topology";
constexpr std::uint64_t kVersion = 1;

using Packer = msgpack::packer<msgpack::sbuffer>;

void pack_labels(Packer& pk, const model::Labels& labels) {
  pk.pack_map(static_cast<std::uint32_t>(labels.size()));
  for (const auto& [key, value] : labels) {
    pk.pack(key);
    pk.pack(value);
  }
}

bool as_string(const msgpack::object& o, std::string* out) {
  if (o.type != msgpack::type::STR) return false;
  out->assign(o.via.str.ptr, o.via.str.size);
  return true;
}

// The fields of an array of exactly `size` items, or nullptr.
const msgpack::object* fields(const msgpack::object& o, std::uint32_t size) {
  if (o.type != msgpack::type::ARRAY || o.via.array.size != size) return nullptr;
  return o.via.array.ptr;
}

bool as_labels(const msgpack::object& o, model::Labels* out) {
  if (o.type != msgpack::type::MAP) return false;
  for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
    std::string key;
    std::string value;
    if (!as_string(o.via.map.ptr[i].key, &key) || !as_string(o.via.map.ptr[i].val, &value)) return false;
    if (!out->emplace(std::move(key), std::move(value)).second) return false;  // a key twice
  }
  return true;
}

bool as_node(const msgpack::object& o, model::NodeSpec* out, std::string* error) {
  const msgpack::object* f = fields(o, 3);
  if (f == nullptr || !as_string(f[0], &out->id) || !as_string(f[1], &out->name) ||
      !as_labels(f[2], &out->labels)) {
    *error = "is not [id, name, labels]";
    return false;
  }
  return true;
}

bool as_cluster(const msgpack::object& o, model::ClusterSpec* out, std::string* error) {
  const msgpack::object* f = fields(o, 4);
  if (f == nullptr || !as_string(f[0], &out->name) || !as_labels(f[2], &out->labels) ||
      f[3].type != msgpack::type::ARRAY) {
    *error = "is not [name, retention, labels, nodes]";
    return false;
  }
  if (f[1].type == msgpack::type::POSITIVE_INTEGER &&
      f[1].via.u64 <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    out->retention = std::chrono::milliseconds(static_cast<std::int64_t>(f[1].via.u64));
  } else if (f[1].type != msgpack::type::NIL) {
    *error = "has a retention that is neither milliseconds nor nil";
    return false;
  }
  for (std::uint32_t i = 0; i < f[3].via.array.size; ++i) {
    model::NodeSpec node;
    if (!as_node(f[3].via.array.ptr[i], &node, error)) {
      *error = "node " + std::to_string(i) + " " + *error;
      return false;
    }
    out->nodes.push_back(std::move(node));
  }
  return true;
}

bool as_region(const msgpack::object& o, model::RegionSpec* out, std::string* error) {
  const msgpack::object* f = fields(o, 3);
  if (f == nullptr || !as_string(f[0], &out->name) || !as_labels(f[1], &out->labels) ||
      f[2].type != msgpack::type::ARRAY) {
    *error = "is not [name, labels, clusters]";
    return false;
  }
  for (std::uint32_t i = 0; i < f[2].via.array.size; ++i) {
    model::ClusterSpec cluster;
    if (!as_cluster(f[2].via.array.ptr[i], &cluster, error)) {
      *error = "cluster " + std::to_string(i) + " " + *error;
      return false;
    }
    out->clusters.push_back(std::move(cluster));
  }
  return true;
}

}  // namespace

std::string encode_topology(const model::TopologySpec& spec) {
  msgpack::sbuffer buffer;
  Packer pk(buffer);
  pk.pack_array(9);
  pk.pack(kTag);
  pk.pack(kVersion);
  pk.pack(spec.version);
  pk.pack(spec.kind);
  pk.pack(spec.meta.task_name);
  pk.pack(spec.meta.queue);
  pk.pack(spec.name);
  pack_labels(pk, spec.labels);
  pk.pack_array(static_cast<std::uint32_t>(spec.regions.size()));
  for (const model::RegionSpec& region : spec.regions) {
    pk.pack_array(3);
    pk.pack(region.name);
    pack_labels(pk, region.labels);
    pk.pack_array(static_cast<std::uint32_t>(region.clusters.size()));
    for (const model::ClusterSpec& cluster : region.clusters) {
      pk.pack_array(4);
      pk.pack(cluster.name);
      if (cluster.retention) {
        pk.pack(static_cast<std::uint64_t>(cluster.retention->count()));
      } else {
        pk.pack_nil();
      }
      pack_labels(pk, cluster.labels);
      pk.pack_array(static_cast<std::uint32_t>(cluster.nodes.size()));
      for (const model::NodeSpec& node : cluster.nodes) {
        pk.pack_array(3);
        pk.pack(node.id);
        pk.pack(node.name);
        pack_labels(pk, node.labels);
      }
    }
  }
  return std::string(buffer.data(), buffer.size());
}

bool decode_topology(std::string_view bytes, model::TopologySpec* out, std::string* error) {
  *out = model::TopologySpec();
  msgpack::object_handle handle;
  std::size_t offset = 0;
  try {
    // Every item takes at least one byte, so no honest count exceeds the input's size: the
    // limits keep a damaged count from allocating memory for items that are not there.
    const std::size_t n = bytes.size();
    const msgpack::unpack_limit limit(/*array=*/n, /*map=*/n, /*str=*/n, /*bin=*/n, /*ext=*/n, /*depth=*/16);
    handle = msgpack::unpack(bytes.data(), bytes.size(), offset, nullptr, nullptr, limit);
  } catch (const std::exception& e) {
    *error = std::string("not msgpack (") + e.what() + ")";
    return false;
  }
  if (offset != bytes.size()) {
    *error = std::to_string(bytes.size() - offset) + " bytes after the topology";
    return false;
  }
  const msgpack::object* f = fields(handle.get(), 9);
  std::string tag;
  if (f == nullptr || !as_string(f[0], &tag) || tag != kTag) {
    *error = "not an encoded topology";
    return false;
  }
  if (f[1].type != msgpack::type::POSITIVE_INTEGER || f[1].via.u64 != kVersion) {
    *error = "an encoding this program does not know";
    return false;
  }
  if (!as_string(f[2], &out->version) || !as_string(f[3], &out->kind) ||
      !as_string(f[4], &out->meta.task_name) || !as_string(f[5], &out->meta.queue) ||
      !as_string(f[6], &out->name) || !as_labels(f[7], &out->labels) || f[8].type != msgpack::type::ARRAY) {
    *error = "the topology's fields have the wrong types";
    return false;
  }
  for (std::uint32_t i = 0; i < f[8].via.array.size; ++i) {
    model::RegionSpec region;
    if (!as_region(f[8].via.array.ptr[i], &region, error)) {
      *error = "region " + std::to_string(i) + " " + *error;
      return false;
    }
    out->regions.push_back(std::move(region));
  }
  return true;
}

}  // namespace c12s::store
