// The `c12s` command's subcommands (one file each), and what they share: finding the system
// map, printing tables and JSON. Each returns the process's exit status: 0 done, 1 the system
// failed (a service down, a session failed), 2 the user's input is wrong (a selector, a file).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "c12s/system/system_map.h"

namespace c12s::cli {

struct ClientOptions {
  std::string system;  // the system map; empty: $C12S_SYSTEM, else ./c12s-data/system.yaml
  bool json = false;
  int timeout_ms = 5000;  // for each answer
};

// The map of the running system, or an error message naming where it was looked for.
bool load_system(const ClientOptions& options, system::SystemMap* map, std::string* error);

int query_command(const ClientOptions& options, const std::string& selector);
int mutate_command(const ClientOptions& options, const std::string& file, bool wait);
int logs_get_command(const ClientOptions& options, const std::string& task);
int logs_list_command(const ClientOptions& options, const std::string& selector, unsigned limit);
int list_command(const ClientOptions& options, const std::string& selector, bool detail);

struct UpOptions {
  int nodes = 3;
  std::string data = "c12s-data";
  int port = 7400;
  std::string queues;  // the scheduler's queues (listing 5.5), or empty
};
int up_command(const UpOptions& options);
// `queues`: the scheduler's listing 5.5 file, or empty.
int service_command(const std::string& name, const std::string& system, const std::string& queues);
int daemon_command(const std::string& config, const std::string& system, const std::string& listen);

// Output helpers.
std::string json_string(const std::string& text);
std::string json_labels(const std::map<std::string, std::string>& labels);
std::string labels_text(const std::map<std::string, std::string>& labels);  // "k=v,k2=v2"
// Columns padded to their widest cell; the first row is the header.
std::string table(const std::vector<std::vector<std::string>>& rows);

}  // namespace c12s::cli
