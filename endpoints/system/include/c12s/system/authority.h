// Who may connect to a process of the system (CURVE keys, see gtype/rt/curve.h), and which
// roles each may play.
//
// Principals are "kind:name": service:NAME (log, nodes, state, queue, push, scheduler), node:ID
// (a node daemon), user:NAME and admin:NAME (the c12s command). A process admits:
//  - the services, whose keys it learns from the system map's keyed addresses;
//  - what the admitted-keys file lists (services: the nodes and users the operator registered
//    with `c12s node add` / `c12s user add`), read again whenever it changes;
//  - what it is told (a daemon: the members of its cluster, from their keyed addresses).
// may_play() then says which roles a principal may play: a daemon plays a node's roles, the
// command plays `user` (NodeList's only as an admin: every node, the operator's view), each
// service its own roles. What a role may say for itself (a daemon
// reports health only for its own node id) is checked by the service that serves it.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "c12s/system/system_map.h"
#include "gtype/rt/curve.h"
#include "gtype/status.h"

namespace c12s::system {

// Whether `principal` is kind:name with a known kind and a name of letters, digits, '.', '_', '-'.
bool is_principal(std::string_view principal);

// The admitted-keys file: "principal key" per line; '#' at the start of a line is a comment.
struct AdmittedKey {
  std::string principal;
  std::string key;  // Z85
  friend bool operator==(const AdmittedKey&, const AdmittedKey&) = default;
};
gtype::Result<std::vector<AdmittedKey>> parse_admitted(std::string_view text, const std::string& file);
// A missing file is empty (nothing registered yet).
gtype::Result<std::vector<AdmittedKey>> load_admitted(const std::string& path);
// Written 0600 through a temporary file renamed over it: readers see the old list or the new.
gtype::Status save_admitted(const std::string& path, const std::vector<AdmittedKey>& keys);

// Whether `principal` may play `role` of `protocol`; on a plaintext transport (no principal)
// anyone may. Roles nobody is meant to play are refused.
bool may_play(std::string_view protocol, std::string_view role, std::string_view principal);

class Authority final : public gtype::rt::KeyAuthority {
 public:
  // Each may be called from any thread.
  void admit_key(const std::string& principal, const std::string& key);
  void forget(const std::string& principal);
  // service:NAME for the key of each service's addresses in `map`.
  void admit_services(const SystemMap& map);
  // Admits what the file at `path` lists, now and whenever it changes (looked at when a key is
  // to be admitted: at most once a second, and whenever the key is not known yet). An unreadable or malformed
  // file is an error now; later, it is reported and the last good list kept.
  gtype::Status watch_file(const std::string& path);

  std::optional<std::string> admit(std::string_view key) override;
  // A log line (system/log.h): "refused: WHY".
  void refused(const std::string& why) override;

 private:
  void reload_if_changed();  // requires mutex_

  std::mutex mutex_;
  std::map<std::string, std::string> told_;   // key -> principal, from admit_key/admit_services
  std::map<std::string, std::string> filed_;  // key -> principal, from the watched file
  std::string file_;
  std::string file_stamp_;  // size and modification time when last read
  std::chrono::steady_clock::time_point file_checked_;
};

}  // namespace c12s::system
