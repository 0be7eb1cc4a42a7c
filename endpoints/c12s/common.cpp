// What the subcommands share: the system map's place, tables, JSON.
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "commands.h"
#include "output.h"

namespace c12s::cli {

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
  std::fprintf(stderr, "c12s %s: %s\n", command, printable(error.message()).c_str());
  return 1;
}

}  // namespace c12s::cli
