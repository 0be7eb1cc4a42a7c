// c12s key new FILE; c12s node add|remove; c12s user add|remove: who the system admits.
//
// Registration edits the admitted-keys file of the system (<data>/keys/admitted, see
// system/authority.h), which every service reads again within a second of a change: so these
// run where the control plane's data is, as its operator. A node's operator makes the node's
// key pair on the node (`c12s key new`) and hands over only the public half; a user's key pair
// is made by `user add` and handed to the user, who keeps it in ~/.config/c12s/user.key.
// Removing a principal refuses its next connections; those open stay until they close.
#include <cstdio>
#include <filesystem>

#include <algorithm>
#include <cstdlib>

#include "c12s/store/private_files.h"
#include "c12s/system/authority.h"
#include "commands.h"

namespace c12s::cli {
namespace {

namespace rt = gtype::rt;
namespace fs = std::filesystem;

int usage_error(const std::string& message) {
  std::fprintf(stderr, "c12s: %s\n", message.c_str());
  return 2;
}

// The admitted-keys file of the system `options` names; "" once it printed why there is none.
std::string admitted_file(const ClientOptions& options) {
  std::optional<system::SystemMap> map = system_map_of(options);
  if (!map) return "";
  if (!map->curve()) {
    std::fprintf(stderr,
                 "c12s: the system at %s is plaintext (its addresses have no keys): it admits anyone, and "
                 "registering keys would change nothing; start it with CURVE (c12s up without --plaintext)\n",
                 map->data_dir.c_str());
    return "";
  }
  return map->keys_dir() + "/admitted";
}

// Adds `principal` with `key` to the file; fails if either is there already.
int add_principal(const std::string& file, const std::string& principal, const std::string& key) {
  gtype::Result<std::vector<system::AdmittedKey>> keys = system::load_admitted(file);
  if (!keys.ok()) return failure("keys", keys.error());
  for (const system::AdmittedKey& entry : *keys) {
    if (entry.principal == principal)
      return usage_error(principal + " is registered already (remove it first to change its key)");
    if (entry.key == key) return usage_error("this key is registered already, for " + entry.principal);
  }
  keys->push_back(system::AdmittedKey{principal, key});
  if (gtype::Status saved = system::save_admitted(file, *keys); !saved.ok()) return failure("keys", saved);
  return 0;
}

// The key pair in `path`, made (0600) if there is none yet: a system started again in the same
// folder keeps its keys, so that kept formations, whose addresses carry them, still hold.
std::optional<gtype::rt::CurveKeyPair> key_pair(const fs::path& path, const char* command) {
  gtype::Result<gtype::rt::CurveKeyPair> kept = gtype::rt::load_curve_secret_key(path.string());
  if (kept.ok()) return *kept;
  if (kept.error().code() == gtype::StatusCode::kNotFound) {
    gtype::Result<gtype::rt::CurveKeyPair> made = gtype::rt::generate_curve_key_pair();
    if (made.ok()) kept = gtype::rt::save_curve_secret_key(path.string(), *made).ok() ? made : kept;
    if (!made.ok()) kept = made.error();
  }
  if (!kept.ok()) {
    std::fprintf(stderr, "c12s %s: %s\n", command, kept.error().message().c_str());
    return std::nullopt;
  }
  return *kept;
}

}  // namespace

std::optional<std::map<std::string, std::string>> make_system_keys(const fs::path& dir, int nodes,
                                                                   const char* command) {
  std::string notice;
  const gtype::Status made = store::make_private_directory(dir.string(), &notice);
  if (!notice.empty()) std::fprintf(stderr, "c12s %s: %s\n", command, notice.c_str());
  if (!made.ok()) {
    std::fprintf(stderr, "c12s %s: %s\n", command, made.message().c_str());
    return std::nullopt;
  }
  std::map<std::string, std::string> service_keys;
  std::vector<system::AdmittedKey> admitted;
  for (const std::string& service : system::service_names()) {
    std::optional<gtype::rt::CurveKeyPair> pair = key_pair(dir / ("service-" + service + ".key"), command);
    if (!pair) return std::nullopt;
    service_keys[service] = pair->public_key;
    admitted.push_back({"service:" + service, pair->public_key});
  }
  std::optional<gtype::rt::CurveKeyPair> admin = key_pair(dir / "admin.key", command);
  if (!admin) return std::nullopt;
  const char* user = std::getenv("USER");
  const std::string name =
      user != nullptr && system::is_principal(std::string("admin:") + user) ? user : "operator";
  admitted.push_back({"admin:" + name, admin->public_key});
  for (int i = 1; i <= nodes; ++i) {
    std::optional<gtype::rt::CurveKeyPair> node =
        key_pair(dir / ("node-" + std::to_string(i) + ".key"), command);
    if (!node) return std::nullopt;
    admitted.push_back({"node:node-" + std::to_string(i), node->public_key});
  }
  // Keys registered by hand in an earlier run (c12s user add, c12s node add) stay.
  gtype::Result<std::vector<system::AdmittedKey>> before = system::load_admitted((dir / "admitted").string());
  if (before.ok()) {
    for (const system::AdmittedKey& entry : *before) {
      const bool known = std::any_of(admitted.begin(), admitted.end(), [&](const system::AdmittedKey& a) {
        return a.principal == entry.principal || a.key == entry.key;
      });
      if (!known) admitted.push_back(entry);
    }
  }
  if (gtype::Status saved = system::save_admitted((dir / "admitted").string(), admitted); !saved.ok()) {
    std::fprintf(stderr, "c12s %s: %s\n", command, saved.message().c_str());
    return std::nullopt;
  }
  return service_keys;
}

int key_new_command(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return usage_error(path + " exists already: it is not overwritten");
  gtype::Result<rt::CurveKeyPair> pair = rt::generate_curve_key_pair();
  if (!pair.ok()) return failure("key new", pair.error());
  if (gtype::Status s = rt::save_curve_secret_key(path, *pair); !s.ok()) return failure("key new", s);
  if (gtype::Status s = rt::save_curve_public_key(path + ".pub", pair->public_key); !s.ok())
    return failure("key new", s);
  std::printf("%s (secret, 0600) and %s.pub (public: hand it to the system's operator)\n", path.c_str(),
              path.c_str());
  return 0;
}

int node_add_command(const ClientOptions& options, const std::string& node, const std::string& key_file) {
  if (!system::is_principal("node:" + node)) return usage_error("'" + node + "' is not a node id");
  gtype::Result<std::string> key = rt::load_curve_public_key(key_file);
  if (!key.ok()) return usage_error(key.error().message());
  const std::string file = admitted_file(options);
  if (file.empty()) return 1;
  if (int status = add_principal(file, "node:" + node, *key); status != 0) return status;
  std::printf("node %s is admitted with key %s\n", node.c_str(), key->c_str());
  return 0;
}

int principal_remove_command(const ClientOptions& options, const std::string& principal) {
  const std::string file = admitted_file(options);
  if (file.empty()) return 1;
  gtype::Result<std::vector<system::AdmittedKey>> keys = system::load_admitted(file);
  if (!keys.ok()) return failure("keys", keys.error());
  const std::size_t before = keys->size();
  std::erase_if(*keys, [&](const system::AdmittedKey& entry) { return entry.principal == principal; });
  if (keys->size() == before) return usage_error(principal + " is not registered");
  if (gtype::Status saved = system::save_admitted(file, *keys); !saved.ok()) return failure("keys", saved);
  std::printf("%s is no longer admitted (its open connections stay until they close)\n", principal.c_str());
  return 0;
}

int user_add_command(const ClientOptions& options, const std::string& user, bool admin, std::string out) {
  const std::string principal = (admin ? "admin:" : "user:") + user;
  if (!system::is_principal(principal)) return usage_error("'" + user + "' is not a user name");
  if (out.empty()) out = user + ".key";
  std::error_code ec;
  if (std::filesystem::exists(out, ec)) return usage_error(out + " exists already: it is not overwritten");
  const std::string file = admitted_file(options);
  if (file.empty()) return 1;
  gtype::Result<rt::CurveKeyPair> pair = rt::generate_curve_key_pair();
  if (!pair.ok()) return failure("user add", pair.error());
  if (int status = add_principal(file, principal, pair->public_key); status != 0) return status;
  if (gtype::Status s = rt::save_curve_secret_key(out, *pair); !s.ok()) return failure("user add", s);
  std::printf(
      "%s is admitted; its key pair is in %s: give it to %s, to keep as ~/.config/c12s/user.key "
      "(or to name with --key)\n",
      principal.c_str(), out.c_str(), user.c_str());
  return 0;
}

int init_command(const InitOptions& options) {
  std::error_code ec;
  const fs::path data = fs::absolute(options.data, ec);
  if (ec) return usage_error("cannot use " + options.data + ": " + ec.message());
  std::string notice;
  if (gtype::Status made = store::make_private_directory(data.string(), &notice); !made.ok()) {
    std::fprintf(stderr, "c12s init: %s\n", made.message().c_str());
    return 1;
  }
  if (!notice.empty()) std::fprintf(stderr, "c12s init: %s\n", notice.c_str());
  std::optional<std::map<std::string, std::string>> keys = make_system_keys(data / "keys", 0, "init");
  if (!keys) return 1;
  const system::SystemMap map = system::SystemMap::on_host(options.host, data.string(), options.port, *keys);
  const fs::path out = options.out.empty() ? data / "system.yaml" : fs::path(options.out);
  if (gtype::Status written = store::write_private_file(out.string(), map.to_yaml()); !written.ok()) {
    std::fprintf(stderr, "c12s init: %s\n", written.message().c_str());
    return 1;
  }
  std::printf(
      "c12s init: keys in %s, the system map in %s (services on %s, ports %d-%d).\n"
      "Start each service with: c12s service NAME --system %s --bind tcp://0.0.0.0\n"
      "Admit each node:        c12s node add NODE --key NODE.key.pub --system %s\n"
      "Start each node with:   c12s daemon --config daemon.yaml --join %s --key NODE.key "
      "--listen tcp://0.0.0.0:PORT --advertise tcp://NODE-ADDRESS\n",
      (data / "keys").c_str(), out.c_str(), options.host.c_str(), options.port,
      options.port + system::LoopbackPorts::service_ports() - 1, out.c_str(), out.c_str(),
      map.address("Join", "entry")->c_str());
  return 0;
}

}  // namespace c12s::cli
