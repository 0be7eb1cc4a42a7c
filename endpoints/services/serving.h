// What every service's handlers share (internal to endpoints/services/): keeping a value per
// session between callbacks, refusing a session, binding a role and serving it on the host.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "c12s/system/host.h"
#include "c12s/system/system_map.h"
#include "gtype/rt/endpoint.h"
#include "gtype/rt/result.h"

namespace c12s::services {

// Fails the session being served, telling its peers why.
inline gtype::rt::Error refused(const std::string& why) {
  return gtype::rt::Error{gtype::rt::ErrorCode::kAborted, why};
}

// What a session keeps between two callbacks of its handler: a value, or why it must fail.
// Not synchronised: the handler's lock guards it.
template <typename T>
class PerSession {
 public:
  void put(gtype::rt::SessionId session, gtype::rt::Result<T> value) {
    values_.insert_or_assign(session, std::move(value));
  }
  gtype::rt::Result<T> take(gtype::rt::SessionId session) {
    auto it = values_.find(session);
    if (it == values_.end()) return refused("the service lost track of this session");
    gtype::rt::Result<T> value = std::move(it->second);
    values_.erase(it);
    return value;
  }
  void drop(gtype::rt::SessionId session) { values_.erase(session); }

 private:
  std::map<gtype::rt::SessionId, gtype::rt::Result<T>> values_;
};

// The roles a service serves and their handlers, kept alive while its host runs. The first
// role that cannot be bound is the service's error (status()); later add()s do nothing.
class Served {
 public:
  // Binds Role at the map's address of protocol/role, makes its handler, and adds its serve
  // loop to `host`.
  template <typename Role, typename Handler>
  void add(system::Host& host, const system::SystemMap& map, const char* protocol, const char* role,
           const std::function<std::unique_ptr<Handler>(Role&)>& make) {
    if (!status_.ok()) return;
    model::Result<std::string> address = map.address(protocol, role);
    if (!address.ok()) {
      status_ = gtype::rt::Error{gtype::rt::ErrorCode::kConfig, address.error_text()};
      return;
    }
    gtype::rt::Result<Role> bound = Role::bind(*address, map.directory(protocol));
    if (!bound.ok()) {
      status_ = bound.error();
      return;
    }
    auto owned_role = std::make_shared<Role>(std::move(*bound));
    std::shared_ptr<Handler> handler = make(*owned_role);
    keep_.push_back(owned_role);
    keep_.push_back(handler);
    host.add(std::string(protocol) + "/" + role, [owned_role, handler](const std::atomic<bool>& stop) {
      return owned_role->serve(*handler, stop);
    });
  }
  const gtype::rt::Status& status() const { return status_; }

 private:
  std::vector<std::shared_ptr<void>> keep_;
  gtype::rt::Status status_ = gtype::rt::ok_status();
};

}  // namespace c12s::services
