// What the state service's sessions share (internal to endpoints/services/): its stores and the
// task helpers. state.cpp serves every role of the state service; deletion.cpp the Deletion one.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "c12s/services/services.h"
#include "c12s/store/database.h"
#include "c12s/store/state_store.h"
#include "c12s/store/task_store.h"
#include "c12s/system/host.h"
#include "c12s/system/network.h"
#include "c12s/system/system_map.h"
#include "reporter.h"
#include "serving.h"

namespace c12s::services {

struct State {
  std::mutex mutex;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::StateStore> topologies;
  std::unique_ptr<store::TaskStore> tasks;
  std::map<std::string, store::Time> last_active;  // formed nodes: their last health check
  store::Time started;
  StateOptions options;
  system::Network network;  // for the roles it starts sessions from (TaskLog, Release)
};

// Users see and change their own topologies only (with CURVE): a topology is its first
// mutator's; an admin sees and changes every one. Without CURVE (no principal) all are everyone's.
bool is_admin(const std::string& principal);
// Whether `principal` may see and change `topology`. Requires state.mutex.
bool sees(State& state, const std::string& principal, const std::string& topology);
// The owner of `topology` as a label of its task's records ({} when it has none), so that the
// log service shows a user the records of their own tasks. Requires state.mutex.
std::map<std::string, std::string> owner_label(State& state, const std::string& topology);

// Moves a task on and logs it; requires the state's mutex not to be held (logging waits).
// `shown` replaces the state's name in the log (EXISTS: created by an earlier task). A task
// already in state `to` is left as it is (a formation carried out twice), and nothing is
// logged of a move the store refused. False unless the task is in state `to` afterwards.
bool advance(State& state, Reporter& reporter, const std::string& task, const std::string& topology,
             store::TaskState to, const std::string& message, const char* shown = nullptr);

// Adds Deletion/state to `host` (deletion.cpp).
void serve_deletion(Served& served, system::Host& host, const system::SystemMap& map,
                    const system::Network& network, State& state);

}  // namespace c12s::services
