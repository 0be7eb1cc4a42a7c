// Where every served endpoint of the control plane listens, and where the services keep data.
//
// Each role a service plays in a protocol is an endpoint of its own (a generated Role bound to
// an address); the map names them "Protocol/role" (e.g. "HealthCheck/nodes"). Roles that only
// start sessions (the command's `user`, the daemon's `node` in HealthCheck) bind an ephemeral
// port and are not in the map: their peers learn their address from their frames. `c12s up`
// writes the map to <data>/system.yaml and passes its path to every process it starts.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "c12s/model/result.h"
#include "gtype/rt/directory.h"

namespace c12s::system {

// The endpoints a service process serves, "Protocol/role", in a fixed order (the order of
// ports `loopback` gives them).
const std::vector<std::string>& served_endpoints(std::string_view service);
// Every service process of the system, in start order (each after those it calls).
const std::vector<std::string>& service_names();

struct SystemMap {
  std::string data_dir;                          // one subdirectory per service
  std::map<std::string, std::string> endpoints;  // "Protocol/role" -> address

  // Every served endpoint of every service on 127.0.0.1, ports from `base_port` on.
  static SystemMap loopback(std::string data_dir, int base_port);
  static model::Result<SystemMap> load(const std::string& path);
  std::string to_yaml() const;

  // The address of a served endpoint; fails naming it if the map has none.
  model::Result<std::string> address(std::string_view protocol, std::string_view role) const;
  // A directory of every role of `protocol` that the map has an address for.
  gtype::rt::Directory directory(std::string_view protocol) const;
};

}  // namespace c12s::system
