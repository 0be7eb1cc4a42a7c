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

#include "c12s/system/authority.h"
#include "commands.h"

namespace c12s::cli {
namespace {

namespace rt = gtype::rt;

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

}  // namespace

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

}  // namespace c12s::cli
