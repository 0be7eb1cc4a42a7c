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

// The ports `c12s up` listens on, all on 127.0.0.1 and all from `base` on: one per served
// endpoint (`loopback`), then three per node daemon (its FormationPush address, and SWIM's two,
// which SWIM derives as the next two ports). Nothing else `up` starts listens on a port of its
// own choosing: roles that only start sessions bind port 0, which the kernel picks free.
struct LoopbackPorts {
  static constexpr int kPerNode = 3;
  int base = 0;
  int nodes = 0;

  // How many ports the services take (ports base ... base + service_ports() - 1).
  static int service_ports();
  int first() const { return base; }
  int last() const { return base + service_ports() + kPerNode * nodes - 1; }
  // Where node daemon `node` (1 ... nodes) takes formations (its --listen).
  std::string daemon_address(int node) const;
};

struct SystemMap {
  std::string data_dir;                          // one subdirectory per service
  std::map<std::string, std::string> endpoints;  // "Protocol/role" -> address

  // Every served endpoint of every service on 127.0.0.1, ports from `base_port` on; keyed with
  // each service's public key when `service_keys` (service -> key) is not empty (CURVE).
  static SystemMap loopback(std::string data_dir, int base_port,
                            const std::map<std::string, std::string>& service_keys = {});
  // The same layout with every service on `host` (`c12s init`: services on a host of their own).
  static SystemMap on_host(const std::string& host, std::string data_dir, int base_port,
                           const std::map<std::string, std::string>& service_keys = {});
  static model::Result<SystemMap> load(const std::string& path);
  // The map of `endpoints` as a peer sent them (Join's welcome; no data folder): every served
  // endpoint, none unknown, all keyed or all plaintext. `origin` names the sender in errors.
  static model::Result<SystemMap> from_endpoints(const std::map<std::string, std::string>& endpoints,
                                                 const std::string& origin);
  std::string to_yaml() const;

  // The address of a served endpoint; fails naming it if the map has none.
  model::Result<std::string> address(std::string_view protocol, std::string_view role) const;
  // A directory of every role of `protocol` that the map has an address for.
  gtype::rt::Directory directory(std::string_view protocol) const;
  // Whether the system speaks CURVE: its addresses are keyed (all of them; load() checks).
  bool curve() const;
  // Where the services' key files are (<data>/keys: service-NAME.key, the admitted-keys file
  // `admitted`, and admin.key, the key of the operator who ran `c12s up`).
  std::string keys_dir() const { return data_dir + "/keys"; }
};

}  // namespace c12s::system
