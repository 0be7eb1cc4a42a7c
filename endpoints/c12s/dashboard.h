// c12s dashboard --listen HOST:PORT: the system in a web page (docs/dashboard.md). The server
// is dashboard_command.cpp, what it decides without a network dashboard_model.h, the page
// dashboard/.
#pragma once

#include <string>

#include "commands.h"

namespace c12s::cli {

struct DashboardOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT (port 0: any free one, printed)
  bool allow_remote = false;              // listen beyond loopback (no authentication of its own)
};

// Serves the page until SIGINT or SIGTERM, reading the system through `client`'s sessions (the
// user's key, system map and timeout). 0 once stopped, 1 when it cannot listen or find the
// system, 2 for a --listen it refuses.
int dashboard_command(const ClientOptions& client, const DashboardOptions& options);

}  // namespace c12s::cli
