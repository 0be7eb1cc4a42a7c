// Binding a process's endpoints (see network.h).
#include "c12s/system/network.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "c12s/system/authority.h"

namespace c12s::system {
namespace {

namespace rt = gtype::rt;

bool is_tcp(const std::string& address) { return address.rfind("tcp://", 0) == 0; }

}  // namespace

std::string TcpAddress::bare_host() const {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

std::optional<TcpAddress> split_tcp_address(const std::string& address) {
  const std::string endpoint = rt::split_keyed_address(address).endpoint;
  constexpr std::size_t kScheme = 6;  // "tcp://"
  if (!is_tcp(endpoint)) return std::nullopt;
  const std::size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos || colon <= kScheme || colon + 1 == endpoint.size()) return std::nullopt;
  return TcpAddress{endpoint.substr(kScheme, colon - kScheme), endpoint.substr(colon + 1)};
}

std::string source_address_towards(const std::string& endpoint) {
  const std::optional<TcpAddress> address = split_tcp_address(endpoint);
  if (!address) return "";
  const std::string host = address->bare_host();
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), "9", &hints, &found) != 0 || found == nullptr) return "";
  std::string source;
  // A UDP socket's connect() only picks the route (no packet is sent); getsockname() then says
  // which local address that route leaves from.
  const int fd = ::socket(found->ai_family, SOCK_DGRAM, 0);
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = local.ss_family == AF_INET6
                          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr)
                          : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&local)->sin_addr);
    if (inet_ntop(local.ss_family, raw, text, sizeof text) != nullptr) {
      source = text;
      if (local.ss_family == AF_INET6) {
        source.insert(source.begin(), '[');
        source.push_back(']');
      }
    }
  }
  if (fd >= 0) ::close(fd);
  freeaddrinfo(found);
  return source;
}

bool is_wildcard_host(const std::string& host) {
  return host == "0.0.0.0" || host == "*" || host == "::" || host == "[::]";
}

gtype::Result<std::unique_ptr<rt::Transport>> Network::transport(int port, rt::ZmqOptions base) const {
  const std::string host = advertise_host.empty() ? bind_host : advertise_host;
  base.advertise = host == bind_host ? "" : "tcp://" + host;
  base.plaintext_beyond_loopback = plaintext_beyond_loopback;
  if (curve()) base.curve = rt::ZmqOptions::Curve{keys, authority};
  return rt::make_zmq_transport("tcp://" + bind_host + ":" + std::to_string(port), std::move(base));
}

gtype::Result<std::unique_ptr<rt::Transport>> Network::transport_at(const std::string& address,
                                                                    rt::ZmqOptions base) const {
  const rt::KeyedAddress at = rt::split_keyed_address(address);
  if (curve() && !at.key.empty() && at.key != keys.public_key) {
    return gtype::Status{gtype::StatusCode::kConfig,
                         "cannot listen at " + address + ": its key is not this process's (" +
                             keys.public_key + "): is the key file the one the system map was made with?"};
  }
  if (curve() != !at.key.empty()) {
    return gtype::Status{gtype::StatusCode::kConfig,
                         "cannot listen at " + address + ": " +
                             (curve() ? "the address has no key (#...), and this process speaks CURVE"
                                      : "the address is keyed (#...), and this process has no key pair")};
  }
  base.plaintext_beyond_loopback = plaintext_beyond_loopback;
  if (curve()) base.curve = rt::ZmqOptions::Curve{keys, authority};
  if (!is_tcp(at.endpoint)) return rt::make_zmq_transport(at.endpoint, std::move(base));
  const std::size_t colon = at.endpoint.rfind(':');
  const std::string port = at.endpoint.substr(colon + 1);
  base.advertise = port == "0" ? at.endpoint.substr(0, colon) : at.endpoint;  // port 0: the one bound
  return rt::make_zmq_transport("tcp://" + bind_host + ":" + port, std::move(base));
}

rt::EndpointOptions Network::endpoint_options(const std::string& protocol, rt::EndpointOptions base) const {
  if (curve()) {
    base.authorize = [protocol](std::string_view role, std::string_view principal) {
      return may_play(protocol, role, principal);
    };
  }
  return base;
}

}  // namespace c12s::system
