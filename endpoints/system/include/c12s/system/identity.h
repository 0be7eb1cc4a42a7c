// The network of each kind of process of the system (network.h): where its key pair comes from
// and whom it admits, when the system map speaks CURVE; plaintext when it does not.
//
//   service NAME  key: --key, else <data>/keys/service-NAME.key; admits the map's services and
//                 the admitted-keys file <data>/keys/admitted (nodes, users, admins)
//   daemon        key: --key (required); admits the map's services, and its cluster's members
//                 as formations name them (the daemon tells its Authority)
//   command       key: --key, else $C12S_KEY, else $XDG_CONFIG_HOME/c12s/user.key (or
//                 ~/.config/c12s/user.key), else <data>/keys/admin.key (the key `c12s up` made
//                 for whoever ran it); admits the map's services
#pragma once

#include <string>

#include "c12s/system/network.h"
#include "c12s/system/system_map.h"

namespace c12s::system {

struct NetworkFlags {
  std::string key_file;                 // --key
  std::string bind_host = "127.0.0.1";  // --bind
  std::string advertise_host;           // --advertise
  bool insecure = false;                // --insecure: plaintext beyond loopback
};

gtype::Result<Network> service_network(const SystemMap& map, const std::string& service,
                                       const NetworkFlags& flags);
gtype::Result<Network> daemon_network(const SystemMap& map, const std::string& node_id,
                                      const NetworkFlags& flags);
gtype::Result<Network> command_network(const SystemMap& map, const std::string& key_file);
// The network a daemon joins the system with, knowing only its entry's address: with the key
// pair of --key (required when the address is keyed), admitting the entry as service:nodes.
gtype::Result<Network> join_network(const std::string& entry, const std::string& node_id,
                                    const NetworkFlags& flags);
// The key file the command uses when --key is not given (see above); "" when none exists.
std::string default_command_key(const SystemMap& map);

}  // namespace c12s::system
