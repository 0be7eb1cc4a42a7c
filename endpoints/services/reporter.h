// Records entries in the log service (internal to endpoints/services/): one TaskLog session
// per record, as `reporter`, waiting until the log has stored it. Used by the state service
// (task states, node health), the scheduler (formations that could not run) and the daemons'
// SWIM (membership changes).
//
// Not thread-safe (one generated endpoint): each thread that logs has its own Reporter.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <task_log/reporter.h>

#include "c12s/system/network.h"
#include "gtype/rt/directory.h"
#include "gtype/status.h"

namespace c12s::services {

class Reporter {
 public:
  // `directory` names TaskLog's `log`; the endpoint binds a port of `network` on first use.
  Reporter(system::Network network, gtype::rt::Directory directory, gtype::rt::EndpointOptions options = {});

  gtype::Status record(const gtype_gen::sorts::c12s::sorts::LogRecord& record);
  // A record stamped now.
  gtype::Status record(const std::string& task, const std::string& level,
                       std::map<std::string, std::string> labels, const std::string& message);

 private:
  system::Network network_;
  gtype::rt::Directory directory_;
  gtype::rt::EndpointOptions options_;
  std::unique_ptr<gtype_gen::task_log::reporter::Role> role_;  // bound on first use
};

}  // namespace c12s::services
