// The push service (the thesis's command push, G2's `pool`): carries out a formation the
// scheduler let through (Formation, as `pool`). It asks the nodes service where each node's
// daemon takes formations, tells every daemon its part (FormationPush, as `push`, one session
// each), and then has the nodes marked used, or, when a daemon refused or could not be
// reached, has the whole task's reservation released (compensation) and the task failed.
//
// Daemons are told one after the other, at most as fast as the push token bucket allows
// (PushOptions: the thesis's command push limits its rate); one that does not answer within
// the push timeout counts as refusing. Not here: undoing the formations the other daemons took when one
// refuses (they learn they are free again from their next health check answer; not yet).
#include <mutex>
#include <thread>

#include <formation/pool.h>
#include <formation_push/push.h>

#include "c12s/model/token_bucket.h"
#include "c12s/services/convert.h"
#include "c12s/services/services.h"
#include "serving.h"

namespace c12s::services {
namespace {

namespace rt = gtype::rt;
namespace fm = gtype_gen::formation::pool;
namespace fp = gtype_gen::formation_push::push;

constexpr std::chrono::milliseconds kPushTimeout{3000};

// One FormationPush session with the daemon at `address`: "" when it took the formation.
std::string push(const std::string& address, const sorts::NodeFormation& formation) {
  if (address.empty()) return "node " + formation.node + " has no address: it never sent a health check";
  rt::Directory directory;
  directory.set("node", address);
  rt::EndpointOptions options;
  options.connect_timeout = options.receive_timeout = kPushTimeout;
  rt::Result<fp::Role> role = fp::Role::bind("tcp://127.0.0.1:0", directory, options);
  if (!role.ok()) return role.error().message;
  rt::Result<fp::S0> s0 = role->start();
  if (!s0.ok()) return s0.error().message;
  rt::Result<fp::S1> s1 = std::move(*s0).connect_form(formation);
  if (!s1.ok()) return "node " + formation.node + ": " + s1.error().message;
  rt::Result<fp::S1::Branch> answer = std::move(*s1).receive();
  if (!answer.ok()) return "node " + formation.node + ": " + answer.error().message;
  if (auto* refused = std::get_if<fp::S1::Refuse>(&*answer))
    return "node " + formation.node + " refused: " + refused->value;
  return "";
}

class Pool final : public fm::Handler {
 public:
  explicit Pool(const PushOptions& options) : bucket_(options.rate, std::chrono::steady_clock::now()) {}

  void on_update(rt::SessionId session, const sorts::FormationUpdate& update) override {
    std::lock_guard lock(mutex_);
    updates_.insert_or_assign(session, update);
  }
  rt::Result<sorts::NodeIds> choose_where(rt::SessionId session) override {
    std::lock_guard lock(mutex_);
    auto it = updates_.find(session);
    if (it == updates_.end()) return refused("no formation was received");
    sorts::NodeIds ids{it->second.task, {}, std::nullopt};
    for (const sorts::NodeFormation& f : it->second.formations) ids.ids.push_back(f.node);
    return ids;
  }
  void on_addresses(rt::SessionId session, const sorts::NodeAddresses& addresses) override {
    sorts::FormationUpdate update;
    {
      std::lock_guard lock(mutex_);
      update = updates_[session];
    }
    std::string problem;
    for (sorts::NodeFormation formation : update.formations) {
      // Where each member's daemon is, so that the cluster can run SWIM (see swim.h).
      for (const std::string& member : formation.members) {
        if (auto found = addresses.addresses.find(member); found != addresses.addresses.end())
          formation.member_addresses[member] = found->second;
      }
      wait_for_token();
      auto at = addresses.addresses.find(formation.node);
      problem = push(at == addresses.addresses.end() ? std::string() : at->second, formation);
      if (!problem.empty()) break;
    }
    std::lock_guard lock(mutex_);
    problems_.insert_or_assign(session, problem);
  }
  rt::Result<fm::S3::Choice> choose_ok_or_err(rt::SessionId session) override {
    std::lock_guard lock(mutex_);
    const std::string problem = problems_[session];
    if (problem.empty()) return fm::S3::Choice(fm::S3::Ok{});
    return fm::S3::Choice(fm::S3::Err{problem});
  }
  rt::Result<sorts::FormationUpdate> choose_nids(rt::SessionId session) override {
    std::lock_guard lock(mutex_);
    sorts::FormationUpdate update = updates_[session];
    forget(session);
    return update;
  }
  rt::Result<sorts::TaskFailure> choose_release(rt::SessionId session) override {
    std::lock_guard lock(mutex_);
    sorts::TaskFailure failure{updates_[session].task, problems_[session], {}};
    forget(session);
    return failure;
  }
  void failed(rt::SessionId session, const rt::Error&) override {
    std::lock_guard lock(mutex_);
    forget(session);
  }

 private:
  void wait_for_token() {
    std::unique_lock lock(mutex_);
    model::Instant now = std::chrono::steady_clock::now();
    while (!bucket_.try_take(now)) {
      const model::Instant next = bucket_.next_token_at(now);
      lock.unlock();
      std::this_thread::sleep_until(next);
      lock.lock();
      now = std::chrono::steady_clock::now();
    }
  }
  void forget(rt::SessionId session) {
    updates_.erase(session);
    problems_.erase(session);
  }

  std::mutex mutex_;
  model::TokenBucket bucket_;  // one token a push
  std::map<rt::SessionId, sorts::FormationUpdate> updates_;
  std::map<rt::SessionId, std::string> problems_;  // "" every daemon took its formation
};

}  // namespace

rt::Status run_push(const system::SystemMap& map, const PushOptions& options, const std::atomic<bool>& stop) {
  if (std::string problem = model::token_bucket_problem(options.rate); !problem.empty())
    return rt::Error{rt::ErrorCode::kConfig, "push rate: " + problem};
  system::Host host;
  Served served;
  served.add<fm::Role, fm::Handler>(host, map, "Formation", "pool",
                                    [&](fm::Role&) { return std::make_unique<Pool>(options); });
  if (!served.status().ok()) return served.status();
  return host.run(stop);
}

}  // namespace c12s::services
