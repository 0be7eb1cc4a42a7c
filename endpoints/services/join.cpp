// A node daemon's Join, as `node`: the system's endpoints from its entry (protocols/join.gtype).
#include <join/node.h>

#include "c12s/services/services.h"

namespace c12s::services {
namespace {

namespace rt = gtype::rt;
namespace jn = gtype_gen::join::node;
namespace sorts = gtype_gen::sorts::c12s::sorts;

}  // namespace

gtype::Result<Joined> join_system(const system::Network& network, const std::string& entry,
                                  const model::DaemonConfig& config, std::chrono::milliseconds timeout) {
  rt::Directory directory;
  directory.set("entry", entry);
  rt::EndpointOptions options;
  options.connect_timeout = options.receive_timeout = timeout;
  gtype::Result<jn::Role> role = network.bind<jn::Role>("Join", 0, directory, options);
  if (!role.ok()) return role.error();
  gtype::Result<jn::Start> start = role->start();
  if (!start.ok()) return start.error();
  gtype::Result<jn::AfterJoin> asked =
      std::move(*start).connect_join(sorts::JoinRequest{config.node_id, config.version});
  if (!asked.ok()) return asked.error();
  gtype::Result<jn::AfterJoin::Branch> answer = std::move(*asked).receive();
  if (!answer.ok()) return answer.error();
  if (auto* refused = std::get_if<jn::AfterJoin::Refused>(&*answer)) {
    return gtype::Status{gtype::StatusCode::kRejected,
                         "the entry at " + entry + " refused: " + refused->value};
  }
  const auto& welcome = std::get<jn::AfterJoin::Welcome>(*answer);
  model::Result<system::SystemMap> map =
      system::SystemMap::from_endpoints(welcome.value.endpoints, "the entry at " + entry);
  if (!map.ok()) return map.error();
  return Joined{std::move(*map), welcome.value.held_by};
}

}  // namespace c12s::services
