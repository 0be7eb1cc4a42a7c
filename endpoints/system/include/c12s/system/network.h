// How one process of the system puts its roles on the network: the interface they bind, the
// host peers reach them at, and, with CURVE, the process's key pair and whom it admits.
//
// Every endpoint of a process binds through its Network, so that one flag moves them all: a
// service started with `--bind tcp://0.0.0.0` listens on every interface at the ports the
// system map gives, and is reached at the map's addresses; a daemon with `--advertise
// tcp://10.0.0.5` is reached there, its ephemeral ports included. Without CURVE, binding
// beyond loopback must be asked for (plaintext_beyond_loopback: `--insecure`).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "gtype/rt/endpoint.h"
#include "gtype/rt/transport.h"
#include "gtype/status.h"

namespace c12s::system {

class Authority;

// The parts of tcp://HOST:PORT (a keyed address's endpoint too). `host` as written, an IPv6
// address in brackets, so that "tcp://" + host + ":" + port names it again.
struct TcpAddress {
  std::string host;
  std::string port;
  // `host` without the brackets of an IPv6 address: what getaddrinfo() reads.
  std::string bare_host() const;
};
// nullopt for anything but tcp://HOST:PORT with a host and a port.
std::optional<TcpAddress> split_tcp_address(const std::string& address);

// The address of this machine's interface that traffic to `endpoint` (tcp://HOST:PORT, keyed or
// not) leaves from, as the kernel's routes say; "" when it cannot tell (no route, not tcp://).
// For the host to advertise when binding every interface, and for a command on a machine of
// its own, so that peers can answer.
std::string source_address_towards(const std::string& endpoint);
// Whether `host` binds every interface ("0.0.0.0", "*", "::", "[::]").
bool is_wildcard_host(const std::string& host);

struct Network {
  std::string bind_host = "127.0.0.1";  // the interface of every port ("0.0.0.0": all of them)
  std::string advertise_host;           // how peers name this host; empty: bind_host
  // CURVE: this process's key pair, and who may connect (nullptr: plaintext).
  gtype::rt::CurveKeyPair keys;
  std::shared_ptr<Authority> authority;
  bool plaintext_beyond_loopback = false;

  bool curve() const { return authority != nullptr; }
  // A transport on bind_host at `port` (0: one the kernel picks), advertised at advertise_host.
  gtype::Result<std::unique_ptr<gtype::rt::Transport>> transport(int port,
                                                                 gtype::rt::ZmqOptions base = {}) const;
  // A transport where this process is to be reached at `address` (a system map's, a kept
  // formation's: tcp://HOST:PORT, keyed with CURVE): bound on bind_host at its port, and
  // advertising `address`. Other schemes (ipc://, inproc://) are bound as they are.
  gtype::Result<std::unique_ptr<gtype::rt::Transport>> transport_at(const std::string& address,
                                                                    gtype::rt::ZmqOptions base = {}) const;
  // Whom each role of `protocol` may be played by (see authority.h); nothing without CURVE.
  gtype::rt::EndpointOptions endpoint_options(const std::string& protocol,
                                              gtype::rt::EndpointOptions base = {}) const;

  // A generated Role on a transport from transport() or transport_at().
  template <typename Role>
  gtype::Result<Role> bind(const std::string& protocol, int port, gtype::rt::Directory directory,
                           gtype::rt::EndpointOptions options = {}, gtype::rt::ZmqOptions base = {}) const {
    auto made = transport(port, base);
    if (!made.ok()) return made.error();
    return Role::create(std::move(directory), std::move(*made),
                        endpoint_options(protocol, std::move(options)));
  }
  template <typename Role>
  gtype::Result<Role> bind_at(const std::string& protocol, const std::string& address,
                              gtype::rt::Directory directory, gtype::rt::EndpointOptions options = {},
                              gtype::rt::ZmqOptions base = {}) const {
    auto made = transport_at(address, base);
    if (!made.ok()) return made.error();
    return Role::create(std::move(directory), std::move(*made),
                        endpoint_options(protocol, std::move(options)));
  }
};

}  // namespace c12s::system
