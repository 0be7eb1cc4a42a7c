// The stored form of a TopologySpec (spec_codec.h): its sort's generated msgpack, with a schema
// version. Decoding is the generated, strict one (every field once, of its sort), which turns
// anything else into nullopt: stored bytes are trusted no more than input.
#include "spec_codec.h"

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include <gtype/gen/support.h>

#include "c12s/model/quantity.h"

namespace c12s::store {
namespace {

constexpr std::uint64_t kSchema = 2;

// Version 1, read only: nested arrays, read with msgpack's own tuple adaptors.
using Labels = std::map<std::string, std::string>;
using NodeV1 = std::tuple<std::string, std::string, Labels>;
using ClusterV1 = std::tuple<std::string, std::optional<std::uint64_t>, Labels, std::vector<NodeV1>>;
using RegionV1 = std::tuple<std::string, Labels, std::vector<ClusterV1>>;
using TopologyV1 = std::tuple<std::string, std::uint64_t, std::string, std::string, std::string, std::string,
                              std::string, Labels, std::vector<RegionV1>>;

std::optional<model::TopologySpec> decode_v1(std::string_view bytes) {
  // A version 1 spec is one array, not a payload around it: wrap it in a msgpack array of one.
  std::string wrapped(1, static_cast<char>(0x91));
  wrapped += bytes;
  const std::optional<std::tuple<TopologyV1>> read = gtype::gen::unpack_payload<TopologyV1>(wrapped);
  if (!read) return std::nullopt;
  const auto& [tag, version, spec_version, kind, task_name, queue, name, labels, regions] =
      std::get<0>(*read);
  if (tag != "c12s-topology" || version != 1) return std::nullopt;
  model::TopologySpec spec{spec_version, kind, model::TaskMeta{task_name, queue}, name, labels, {}};
  for (const auto& [region_name, region_labels, clusters] : regions) {
    model::RegionSpec& region = spec.regions.emplace_back();
    region = model::RegionSpec{region_name, region_labels, {}};
    for (const auto& [cluster_name, retention, cluster_labels, nodes] : clusters) {
      model::ClusterSpec& cluster = region.clusters.emplace_back();
      cluster = model::ClusterSpec{cluster_name, std::nullopt, cluster_labels, {}};
      if (retention) {
        cluster.retention =
            model::format_duration(std::chrono::milliseconds(static_cast<std::int64_t>(*retention)));
      }
      for (const auto& [id, node_name, node_labels] : nodes)
        cluster.nodes.push_back(model::NodeSpec{id, node_name, node_labels});
    }
  }
  return spec;
}

}  // namespace

std::string encode_topology(const model::TopologySpec& spec) {
  return gtype::gen::pack_payload(kSchema, spec);
}

bool decode_topology(std::string_view bytes, model::TopologySpec* out, std::string* error) {
  // [version, spec], the version a positive fixint: a later one is not misread as damage.
  if (bytes.size() >= 2 && bytes[0] == '\x92' && static_cast<unsigned char>(bytes[1]) < 0x80 &&
      static_cast<unsigned char>(bytes[1]) > kSchema) {
    *error = "schema version " + std::to_string(static_cast<unsigned char>(bytes[1])) +
             ", which this program does not know";
    return false;
  }
  if (auto read = gtype::gen::unpack_payload<std::uint64_t, model::TopologySpec>(bytes);
      read && std::get<0>(*read) == kSchema) {
    *out = std::move(std::get<1>(*read));
    return true;
  }
  if (std::optional<model::TopologySpec> old = decode_v1(bytes)) {
    *out = std::move(*old);
    return true;
  }
  *error = "not a topology of schema 2 (nor of the earlier encoding 1)";
  return false;
}

}  // namespace c12s::store
