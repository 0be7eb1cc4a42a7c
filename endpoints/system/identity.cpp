// Each kind of process's network (see identity.h).
#include "c12s/system/identity.h"

#include <cstdlib>
#include <filesystem>

#include "c12s/system/authority.h"

namespace c12s::system {
namespace {

namespace rt = gtype::rt;

// A network for `process` with the key pair in `key_file`, admitting the map's services.
gtype::Result<Network> curve_network(const SystemMap& map, const std::string& process,
                                     const std::string& key_file, const NetworkFlags& flags) {
  gtype::Result<rt::CurveKeyPair> keys = rt::load_curve_secret_key(key_file);
  if (!keys.ok()) {
    return gtype::Status{keys.error().code(), process + ": the system speaks CURVE and needs a key pair: " +
                                                  keys.error().message()};
  }
  Network network;
  network.bind_host = flags.bind_host;
  network.advertise_host = flags.advertise_host;
  network.keys = *keys;
  network.authority = std::make_shared<Authority>();
  network.authority->admit_services(map);
  return network;
}

Network plaintext_network(const NetworkFlags& flags) {
  Network network;
  network.bind_host = flags.bind_host;
  network.advertise_host = flags.advertise_host;
  network.plaintext_beyond_loopback = flags.insecure;
  return network;
}

// HOST of tcp://HOST:PORT (keyed or not), as written; "" for anything else.
std::string host_of(const std::string& address) {
  const std::optional<TcpAddress> tcp = split_tcp_address(address);
  return tcp ? tcp->host : "";
}

// `flags` with the host to advertise filled in when they bind every interface and name none:
// the interface that traffic to `peer` leaves from.
NetworkFlags placed(NetworkFlags flags, const std::string& peer) {
  if (flags.advertise_host.empty() && is_wildcard_host(flags.bind_host))
    flags.advertise_host = source_address_towards(peer);
  return flags;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return !path.empty() && std::filesystem::exists(path, ec);
}

}  // namespace

gtype::Result<Network> service_network(const SystemMap& map, const std::string& service,
                                       const NetworkFlags& given) {
  // Bound to every interface, a service is reached where the map says: its own addresses' host
  // (the scheduler, which serves nothing, shares the entry's host).
  NetworkFlags flags = given;
  if (flags.advertise_host.empty() && is_wildcard_host(flags.bind_host)) {
    const std::vector<std::string>& served = served_endpoints(service);
    auto own = served.empty() ? map.endpoints.end() : map.endpoints.find(served.front());
    if (own == map.endpoints.end()) own = map.endpoints.find("Join/entry");
    if (own != map.endpoints.end()) flags.advertise_host = host_of(own->second);
  }
  if (!map.curve()) return plaintext_network(flags);
  const std::string key_file =
      flags.key_file.empty() ? map.keys_dir() + "/service-" + service + ".key" : flags.key_file;
  gtype::Result<Network> network = curve_network(map, "c12s service " + service, key_file, flags);
  if (!network.ok()) return network;
  if (gtype::Status watched = network->authority->watch_file(map.keys_dir() + "/admitted"); !watched.ok())
    return watched;
  return network;
}

gtype::Result<Network> daemon_network(const SystemMap& map, const std::string& node_id,
                                      const NetworkFlags& given) {
  auto nodes = map.endpoints.find("HealthCheck/nodes");
  const NetworkFlags flags = placed(given, nodes == map.endpoints.end() ? std::string() : nodes->second);
  if (!map.curve()) return plaintext_network(flags);
  if (flags.key_file.empty()) {
    return gtype::Status{
        gtype::StatusCode::kConfig,
        "c12s daemon " + node_id + ": the system speaks CURVE: give the node's key pair (--key FILE)"};
  }
  return curve_network(map, "c12s daemon " + node_id, flags.key_file, flags);
}

gtype::Result<Network> join_network(const std::string& entry, const std::string& node_id,
                                    const NetworkFlags& given) {
  const NetworkFlags flags = placed(given, entry);
  const std::string key = rt::split_keyed_address(entry).key;
  if (key.empty()) return plaintext_network(flags);
  if (flags.key_file.empty()) {
    return gtype::Status{
        gtype::StatusCode::kConfig,
        "c12s daemon " + node_id + ": the entry speaks CURVE: give the node's key pair (--key FILE)"};
  }
  gtype::Result<rt::CurveKeyPair> keys = rt::load_curve_secret_key(flags.key_file);
  if (!keys.ok()) return keys.error();
  Network network;
  network.bind_host = flags.bind_host;
  network.advertise_host = flags.advertise_host;
  network.keys = *keys;
  network.authority = std::make_shared<Authority>();
  network.authority->admit_key("service:nodes", key);
  return network;
}

std::string default_command_key(const SystemMap& map) {
  if (const char* env = std::getenv("C12S_KEY"); env != nullptr && *env != '\0') return env;
  std::string config;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
    config = std::string(xdg) + "/c12s/user.key";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    config = std::string(home) + "/.config/c12s/user.key";
  }
  if (exists(config)) return config;
  const std::string admin = map.keys_dir() + "/admin.key";
  return exists(admin) ? admin : std::string();
}

gtype::Result<Network> command_network(const SystemMap& map, const std::string& key_file) {
  // On a machine of its own, the command listens (for answers) on the interface its requests
  // leave from, so that the services can reach it; next to them, on loopback.
  NetworkFlags flags;
  auto entry = map.endpoints.find("Join/entry");
  if (entry != map.endpoints.end() && !rt::is_loopback_address(entry->second)) {
    if (std::string source = source_address_towards(entry->second); !source.empty()) flags.bind_host = source;
  }
  if (!map.curve()) return plaintext_network(flags);
  const std::string key = key_file.empty() ? default_command_key(map) : key_file;
  if (key.empty()) {
    return gtype::Status{
        gtype::StatusCode::kConfig,
        "c12s: the system speaks CURVE and you have no key: ask its operator for one (c12s user "
        "add), and give it with --key FILE, $C12S_KEY or ~/.config/c12s/user.key"};
  }
  return curve_network(map, "c12s", key, flags);
}

}  // namespace c12s::system
