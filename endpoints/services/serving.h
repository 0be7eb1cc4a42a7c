// What every service shares (internal to endpoints/services/): refusing a session, binding a
// role and serving its sessions (one object per session, from the role's Factory) on the host.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "c12s/system/host.h"
#include "c12s/system/log.h"
#include "c12s/system/network.h"
#include "c12s/system/system_map.h"
#include "gtype/rt/endpoint.h"
#include "gtype/status.h"

namespace c12s::services {

// Fails the session being served, telling its peers why.
inline gtype::Status refused(const std::string& why) {
  return gtype::Status{gtype::StatusCode::kAborted, why};
}

// The principal of the peer playing `role` in the session as it started (its key's, see
// gtype/rt/curve.h): empty on a plaintext system, and for a peer that has not spoken yet.
inline std::string principal_of(const gtype::rt::SessionInfo& info, std::string_view role) {
  for (const gtype::rt::PeerInfo& peer : info.peers) {
    if (peer.role == role) return peer.principal;
  }
  return "";
}

// Says on standard error, with the time, that `who` was refused `what` (who, what, when).
void log_refusal(const std::string& service, const std::string& who, const std::string& what);

// A role's Factory that makes each session's object with `make()`, whoever takes part.
template <typename Make>
auto per_session(Make make) {
  return [make = std::move(make)](const gtype::rt::SessionInfo&) { return make(); };
}

// The roles a service serves and their handlers, kept alive while its host runs. The first
// role that cannot be bound is the service's error (status()); later add()s do nothing.
class Served {
 public:
  // Binds Role at the map's address of protocol/role (on `network`) and adds its serve loop to
  // `host`, which
  // runs every session through an object from `factory`, on the loop's thread.
  // `zmq`: the transport's options (its links, heartbeats), when not the defaults.
  template <typename Role>
  void add(system::Host& host, const system::SystemMap& map, const system::Network& network,
           const char* protocol, const char* role, typename Role::Factory factory,
           const gtype::rt::ZmqOptions& zmq = {}) {
    if (!status_.ok()) return;
    model::Result<std::string> address = map.address(protocol, role);
    if (!address.ok()) {
      status_ = address.error();
      return;
    }
    gtype::Result<Role> bound = network.bind_at<Role>(protocol, *address, map.directory(protocol), {}, zmq);
    if (!bound.ok()) {
      status_ = bound.error();
      return;
    }
    auto owned_role = std::make_shared<Role>(std::move(*bound));
    keep_.push_back(owned_role);
    host.add(std::string(protocol) + "/" + role,
             [owned_role, factory = std::move(factory)](const std::atomic<bool>& stop) {
               return owned_role->serve(factory, stop);
             });
  }
  const gtype::Status& status() const { return status_; }

 private:
  std::vector<std::shared_ptr<void>> keep_;
  gtype::Status status_;
};

}  // namespace c12s::services
