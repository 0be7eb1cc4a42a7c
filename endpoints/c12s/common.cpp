// What the subcommands share: the command line, the system map's place, a first look at
// whether the system answers, tables, JSON.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "c12s/system/network.h"
#include "commands.h"
#include "gtype/command_line.h"
#include "gtype/rt/curve.h"
#include "output.h"

namespace c12s::cli {
namespace {

// What `man c12s` says beyond the command line's texts.
gtype::command_line::ManualText manual() {
  return {"1",
          {{"0", "done (--help and --version too)"},
           {"1", "the operation failed: no system answers, a session failed, a service refused"},
           {"2", "usage: an unknown command or option, a missing or bad argument, a wrong selector or file"}},
          "gtype(1); the project's README.md, docs/control-plane.md and docs/deploying.md"};
}

// The first look before a session: a session waits its whole connect timeout (--timeout) for a
// peer that is not there, so a system that is down would be reported only after it. Every
// endpoint of the map is tried at once, with a plain connect (no ZeroMQ, no session).
constexpr std::chrono::milliseconds kAnswerBudget{1000};

// A socket connecting (non-blocking) to `address` (tcp://HOST:PORT, ipc://PATH), or -1 when it
// is refused at once.
int start_connect(const std::string& address) {
  if (address.rfind("ipc://", 0) == 0) {
    sockaddr_un peer{};
    peer.sun_family = AF_UNIX;
    const std::string path = address.substr(6);
    if (path.size() >= sizeof peer.sun_path) return -1;
    std::memcpy(peer.sun_path, path.c_str(), path.size() + 1);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0 &&
        errno != EINPROGRESS && errno != EAGAIN) {
      close(fd);
      return -1;
    }
    return fd;
  }
  const std::optional<c12s::system::TcpAddress> tcp = c12s::system::split_tcp_address(address);
  if (!tcp) return -1;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(tcp->bare_host().c_str(), tcp->port.c_str(), &hints, &found) != 0) return -1;
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) != 0 && errno != EINPROGRESS) {
    close(fd);
    freeaddrinfo(found);
    return -1;
  }
  freeaddrinfo(found);
  return fd;
}

// Whether one of the connects of `fds` completes within the budget (the caller closes them).
bool any_connects(std::vector<pollfd> fds) {
  const auto deadline = std::chrono::steady_clock::now() + kAnswerBudget;
  std::size_t pending = fds.size();
  while (pending > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || ::poll(fds.data(), fds.size(), static_cast<int>(left.count())) <= 0)
      return false;
    for (pollfd& probe : fds) {
      if (probe.fd < 0 || probe.revents == 0) continue;
      int error = 0;
      socklen_t size = sizeof error;
      if (getsockopt(probe.fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0 &&
          (probe.revents & (POLLERR | POLLHUP)) == 0)
        return true;
      probe.fd = -1;  // refused: poll skips it from now on
      --pending;
    }
  }
  return false;
}

// Every endpoint of `map` (without its key), the services' in their start order.
std::vector<std::string> all_addresses(const system::SystemMap& map) {
  std::vector<std::string> out;
  for (const std::string& service : system::service_names()) {
    for (const std::string& served : system::served_endpoints(service)) {
      if (auto at = map.endpoints.find(served); at != map.endpoints.end())
        out.push_back(gtype::rt::split_keyed_address(at->second).endpoint);
    }
  }
  return out;
}

// Whether some endpoint of `map` answers; when none does, prints so ("c12s COMMAND: no c12s
// system answers at ADDRESS: ...", the first service's first address) and returns false. Any one
// answering will do: which endpoint a session needs is its own business, and it reports one that
// is missing (a test, or a system being started, may serve only some of them).
bool system_answers(const system::SystemMap& map, const std::string& command) {
  const std::vector<std::string> addresses = all_addresses(map);
  for (const std::string& address : addresses) {
    if (address.rfind("tcp://", 0) != 0 && address.rfind("ipc://", 0) != 0) return true;  // not ours to try
  }
  if (addresses.empty()) return true;
  std::vector<pollfd> fds;
  for (const std::string& address : addresses) {
    if (const int fd = start_connect(address); fd >= 0) fds.push_back({fd, POLLOUT, 0});
  }
  const bool answered = any_connects(fds);
  for (const pollfd& probe : fds) close(probe.fd);
  if (answered) return true;
  failure(command.c_str(), gtype::Status::not_found("no c12s system answers at " + addresses.front() +
                                                    ": is c12s up running?"));
  return false;
}

}  // namespace

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, ClientOptions& client) {
  if (std::optional<int> done = gtype::command_line::parse(app, argc, argv, manual())) return done;
  client.command = gtype::command_line::parsed_command(app);
  return std::nullopt;
}

std::optional<system::SystemMap> system_map_of(const ClientOptions& options) {
  std::string path = options.system;
  if (path.empty()) {
    const char* env = std::getenv("C12S_SYSTEM");
    path = env != nullptr && *env != '\0' ? env : "c12s-data/system.yaml";
  }
  model::Result<system::SystemMap> loaded = system::SystemMap::load(path);
  if (!loaded.ok()) {
    std::fprintf(stderr,
                 "%sis the system up? `c12s up` writes %s (or name the file with --system, or C12S_SYSTEM)\n",
                 loaded.error().message().c_str(), path.c_str());
    return std::nullopt;
  }
  return std::move(*loaded);
}

std::optional<Client> client_of(const ClientOptions& options) {
  std::optional<system::SystemMap> loaded = system_map_of(options);
  if (!loaded) return std::nullopt;
  if (options.first_look && !system_answers(*loaded, options.command)) return std::nullopt;
  gtype::Result<system::Network> network = system::command_network(*loaded, options.key);
  if (!network.ok()) {
    std::fprintf(stderr, "%s\n", network.error().message().c_str());
    return std::nullopt;
  }
  Client client{std::move(*loaded), std::move(*network), {}};
  client.endpoint.receive_timeout = client.endpoint.connect_timeout =
      std::chrono::milliseconds(options.timeout_ms);
  return client;
}

std::optional<model::Selector> selector_arg(const std::string& text) {
  model::Result<model::Selector> selector = model::parse_selector(text, "--selector");
  if (!selector.ok()) {
    std::fputs(selector.error().message().c_str(), stderr);
    return std::nullopt;
  }
  return *selector;
}

int failure(const char* command, const gtype::Status& error) {
  // A session's error may quote its peer ("aborted by role state: ..."): printable, as output is.
  std::fprintf(stderr, "c12s%s%s: %s\n", *command == '\0' ? "" : " ", command,
               printable(error.message()).c_str());
  return 1;
}

}  // namespace c12s::cli
