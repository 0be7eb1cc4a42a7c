// The state service's part of Deletion (`c12s delete`): the topology's answer, its task and
// its desired state. What the nodes and push services do of it: nodes.cpp, push.cpp.
#include <deletion/state.h>

#include <algorithm>

#include "c12s/services/convert.h"
#include "state_internal.h"

namespace c12s::services {
namespace {

namespace dl = gtype_gen::deletion::state;

// A deletion's session: its id is the task's id. An absent topology is a task too (ABSENT:
// nothing changed), so deleting twice is harmless and says so; another user's is refused
// before any task exists. The task holds the topology's semantic lock (TaskStore) from the
// request to the answer, so no mutation of it runs meanwhile. Once the nodes service freed
// the nodes, the desired state and fingerprint go; the daemons are told after that, and one
// that cannot be told is named in the task's message (it runs its old cluster's SWIM until it
// restarts: see docs/control-plane.md).
class DeletionState final : public dl::Handler {
  using Answer = dl::AfterDelete;

 public:
  DeletionState(State& state, const system::SystemMap& map, std::string principal)
      : state_(state), reporter_(state.network, map.directory("TaskLog")), principal_(std::move(principal)) {}

  void on_delete(const sorts::DeleteRequest& request) override {
    result_ = sorts::DeleteResult{task(), request.topology, "ABSENT", "", {}};
    std::lock_guard lock(state_.mutex);
    std::string fingerprint, owner;
    const bool exists = state_.topologies->fingerprint_of(request.topology, &fingerprint).ok();
    if (exists && !sees(state_, principal_, request.topology)) {
      (void)state_.topologies->owner_of(request.topology, &owner);
      refusal_ = "topology '" + request.topology + "' belongs to " + (owner.empty() ? "the operator" : owner);
      log_refusal("state", principal_, "deleting topology " + request.topology + ": " + refusal_);
      return;
    }
    gtype::Status s = state_.tasks->create(task(), "delete", request.topology, now_millis());
    if (!s.ok()) return fail("cannot start the task: " + s.to_string());
    created_ = true;
    exists_ = exists;
  }
  gtype::Result<Answer::Choice> choose_release_or_absent_or_refused() override {
    if (!refusal_.empty()) return Answer::Choice(Answer::Refused{refusal_});
    if (exists_) return Answer::Choice(Answer::Release{sorts::TopologyRelease{{task()}, result_.topology}});
    finish(store::TaskState::kCreated, "ABSENT",
           "topology " + result_.topology + " does not exist: nothing to delete");
    return Answer::Choice(Answer::Absent{result_});
  }
  void on_released(const sorts::Leaving& leaving) override {
    leaving_ = leaving;
    std::lock_guard lock(state_.mutex);
    gtype::Status s = state_.topologies->remove(result_.topology);
    if (!s.ok() && !s.is_not_found()) return fail("cannot remove the desired state: " + s.to_string());
    removed_ = true;
    for (const sorts::NodeLeave& leave : leaving.leaves) state_.last_active.erase(leave.node);
    for (const std::string& id : leaving.dead) state_.last_active.erase(id);
  }
  gtype::Result<sorts::Leaving> choose_leave() override { return leaving_; }
  void on_left(const sorts::LeaveReport& report) override {
    result_.nodes = report.left;
    for (const auto& [id, why] : report.unreached) result_.nodes.push_back(id);
    std::sort(result_.nodes.begin(), result_.nodes.end());
    std::string message = "topology " + result_.topology +
                          " deleted: " + std::to_string(result_.nodes.size()) + " nodes back in the pool";
    for (std::size_t i = 0; i < result_.nodes.size(); ++i) {
      message += i == 0 ? " (" : ", ";
      message += result_.nodes[i];
    }
    if (!result_.nodes.empty()) message += ")";
    for (const auto& [id, why] : report.unreached) {
      message += "; ";
      message += id;
      message += " not told to leave: ";
      message += why;
    }
    finish(store::TaskState::kCreated, "DELETED", message);
  }
  gtype::Result<sorts::DeleteResult> choose_deleted() override { return result_; }
  void failed(const gtype::Status& error) override {
    if (!created_ || finished_) return;
    const std::string why = std::string(gtype::status_code_name(error.code())) + ": " + error.message();
    if (removed_) {  // the deletion took place; only telling the daemons failed
      finish(store::TaskState::kCreated, "DELETED",
             "topology " + result_.topology + " deleted; telling its daemons to leave failed: " + why);
    } else {
      finish(store::TaskState::kFailed, nullptr, "topology " + result_.topology + " not deleted: " + why);
    }
  }

 private:
  std::string task() const { return task_id(session()); }
  void finish(store::TaskState to, const char* shown, const std::string& message) {
    finished_ = true;
    result_.message = message;
    if (shown != nullptr) result_.state = shown;
    (void)advance(state_, reporter_, task(), result_.topology, to, message, shown);
  }

  State& state_;
  Reporter reporter_;
  const std::string principal_;  // the user's (empty: plaintext)
  sorts::DeleteResult result_;
  sorts::Leaving leaving_;
  std::string refusal_;  // "" the user may delete the topology
  bool created_ = false, exists_ = false, removed_ = false, finished_ = false;
};

}  // namespace

void serve_deletion(Served& served, system::Host& host, const system::SystemMap& map,
                    const system::Network& network, State& state) {
  // The map and the state outlive the host (run_state's): the factory keeps pointers to them.
  served.add<dl::Role>(host, map, network, "Deletion", "state",
                       [state = &state, map = &map](const gtype::rt::SessionInfo& session) {
                         return std::make_unique<DeletionState>(*state, *map, principal_of(session, "user"));
                       });
}

}  // namespace c12s::services
