// The node daemon's configuration file (thesis 5.1.2, listing 5.2).
//
//   star:
//     version: v1              # required: the system API version the daemon speaks
//     nodeid: node1            # required: the node's id while it is free (a name)
//     name: noname             # optional: the node's name; the node id if not given
//     flusher: address         # required: the system's address, where messages go
//     healthcheck:             # required, all three keys too
//       address: address       #   where health-checks are published
//       topic: health          #   the topic they are published on
//       interval: 1m           #   how often (a duration > 0)
//     labels:                  # required, not empty (definition 4.6.3)
//       os: linux
//
// Addresses and topics are any non-empty text: their form is the transport's business.
// Errors are reported as topology.h reports them, every one with its place and key.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "c12s/model/labels.h"
#include "c12s/model/result.h"

namespace c12s::model {

struct HealthCheckConfig {
  std::string address;
  std::string topic;
  std::chrono::milliseconds interval{0};  // > 0

  friend bool operator==(const HealthCheckConfig&, const HealthCheckConfig&) = default;
};

struct DaemonConfig {
  std::string version;
  std::string node_id;
  std::string name;
  std::string flusher;
  HealthCheckConfig healthcheck;
  Labels labels;  // never empty

  friend bool operator==(const DaemonConfig&, const DaemonConfig&) = default;
};

// Parses the YAML `text`; `file` names it in diagnostics.
Result<DaemonConfig> parse_daemon_config(std::string_view text, std::string_view file);
// Reads and parses the file at `path`; an unreadable file is a diagnostic too.
Result<DaemonConfig> load_daemon_config(const std::string& path);

}  // namespace c12s::model
