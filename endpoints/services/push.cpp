// The push service (the thesis's command push, G2's `pool`): carries out a formation the
// scheduler let through (Formation, as `pool`). It asks the nodes service where each node's
// daemon takes formations, tells every daemon its part (FormationPush, as `push`, one session
// each), and then has the nodes marked used, or, when a daemon refused or could not be
// reached, has the whole task's reservation released (compensation) and the task failed.
// Daemons that no longer belong to their cluster (the nodes a new state of their topology
// leaves out, Formation's `dropped`; those of a deleted topology, Deletion as `pool`) are told
// to leave it (FormationPush `leave`); one that cannot be told is reported, not retried.
//
// Daemons are told one after the other, at most as fast as the push token bucket allows
// (PushOptions: the thesis's command push limits its rate); one that does not answer within
// the push timeout counts as refusing. Not here: undoing the formations the other daemons took when one
// refuses (they learn they are free again from their next health check answer; not yet).
#include <mutex>
#include <thread>

#include <deletion/pool.h>
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
namespace dl = gtype_gen::deletion::pool;

constexpr std::chrono::milliseconds kPushTimeout{3000};

// A FormationPush session's role and its start, towards the daemon at `address`.
gtype::Result<fp::Start> start_push(const system::Network& network, const std::string& address,
                                    std::shared_ptr<fp::Role>* role) {
  rt::Directory directory;
  directory.set("node", address);
  rt::EndpointOptions options;
  options.connect_timeout = options.receive_timeout = kPushTimeout;
  gtype::Result<fp::Role> bound = network.bind<fp::Role>("FormationPush", 0, directory, options);
  if (!bound.ok()) return bound.error();
  *role = std::make_shared<fp::Role>(std::move(*bound));
  return (*role)->start();
}

// One FormationPush session with the daemon at `address`: "" when it took the formation.
std::string push(const system::Network& network, const std::string& address,
                 const sorts::NodeFormation& formation) {
  if (address.empty()) return "node " + formation.node + " has no address: it never sent a health check";
  std::shared_ptr<fp::Role> role;
  gtype::Result<fp::Start> start = start_push(network, address, &role);
  if (!start.ok()) return start.error().message();
  gtype::Result<fp::AfterForm> formed = std::move(*start).connect_form(formation);
  if (!formed.ok()) return "node " + formation.node + ": " + formed.error().message();
  gtype::Result<fp::AfterForm::Branch> answer = std::move(*formed).receive();
  if (!answer.ok()) return "node " + formation.node + ": " + answer.error().message();
  if (auto* refused = std::get_if<fp::AfterForm::Refuse>(&*answer))
    return "node " + formation.node + " refused: " + refused->value;
  return "";
}

// One FormationPush `leave` session: "" when the daemon answered that it left.
std::string tell_leave(const system::Network& network, const sorts::NodeLeave& leave) {
  if (leave.address.empty()) return "it never sent a health check";
  std::shared_ptr<fp::Role> role;
  gtype::Result<fp::Start> start = start_push(network, leave.address, &role);
  if (!start.ok()) return start.error().message();
  gtype::Result<fp::AfterLeave> told = std::move(*start).connect_leave(leave);
  if (!told.ok()) return told.error().message();
  gtype::Result<fp::AfterLeave::Left> left = std::move(*told).receive();
  return left.ok() ? "" : left.error().message();
}

// The service's token bucket, one token a push, shared by the serve loops of Formation and
// Deletion (each on a thread of its own).
struct Bucket {
  std::mutex mutex;
  model::TokenBucket tokens;
};

// Takes one token, waiting for it.
void wait_for_token(Bucket& bucket) {
  for (;;) {
    std::unique_lock lock(bucket.mutex);
    const model::Instant now = std::chrono::steady_clock::now();
    if (bucket.tokens.try_take(now)) return;
    const model::Instant next = bucket.tokens.next_token_at(now);
    lock.unlock();
    std::this_thread::sleep_until(next);
  }
}

// Tells every daemon of `leaving` to leave its cluster, one after the other; the dead ones are
// not told (their lease ran out: nobody would answer within the push timeout).
sorts::LeaveReport tell_leaves(const system::Network& network, Bucket& bucket,
                               const sorts::Leaving& leaving) {
  sorts::LeaveReport report;
  for (const std::string& id : leaving.dead) report.unreached[id] = "its lease ran out (dead)";
  for (const sorts::NodeLeave& leave : leaving.leaves) {
    wait_for_token(bucket);
    if (std::string why = tell_leave(network, leave); !why.empty()) {
      report.unreached[leave.node] = why;
      system::log_warn("node " + leave.node + " was not told to leave its cluster: " + why,
                       {{"task", leaving.task.id}, {"node", leave.node}});
    } else {
      report.left.push_back(leave.node);
    }
  }
  return report;
}

// One Deletion session, as `pool`: the deleted topology's daemons leave their clusters.
class DeletionPool final : public dl::Handler {
 public:
  DeletionPool(const system::Network& network, Bucket& bucket) : network_(network), bucket_(bucket) {}
  void on_leave(const sorts::Leaving& leaving) override { report_ = tell_leaves(network_, bucket_, leaving); }
  gtype::Result<sorts::LeaveReport> choose_left() override { return report_; }

 private:
  const system::Network& network_;
  Bucket& bucket_;
  sorts::LeaveReport report_;
};

// One Formation session, as `pool`: the formation it was given, then what its pushes met.
class Pool final : public fm::Handler {
  using Outcome = fm::AfterUpdateWhereAddresses;  // where the pool says ok or err

 public:
  Pool(const system::Network& network, Bucket& bucket) : network_(network), bucket_(bucket) {}

  void on_update(const sorts::FormationUpdate& update) override { update_ = update; }
  gtype::Result<sorts::NodeIds> choose_where() override {
    sorts::NodeIds ids{update_.task, {}, std::nullopt};
    for (const sorts::NodeFormation& f : update_.formations) ids.ids.push_back(f.node);
    return ids;
  }
  void on_addresses(const sorts::NodeAddresses& addresses) override {
    for (sorts::NodeFormation formation : update_.formations) {
      formation.task = update_.task.id;  // what a later leave names
      // Where each member's daemon is, so that the cluster can run SWIM (see swim.h).
      for (const std::string& member : formation.members) {
        if (auto found = addresses.addresses.find(member); found != addresses.addresses.end())
          formation.member_addresses[member] = found->second;
      }
      wait_for_token(bucket_);
      auto at = addresses.addresses.find(formation.node);
      problem_ = push(network_, at == addresses.addresses.end() ? std::string() : at->second, formation);
      if (!problem_.empty()) break;
    }
  }
  gtype::Result<Outcome::Choice> choose_ok_or_err() override {
    if (problem_.empty()) return Outcome::Choice(Outcome::Ok{});
    return Outcome::Choice(Outcome::Err{problem_});
  }
  gtype::Result<sorts::FormationUpdate> choose_nids() override { return update_; }
  gtype::Result<sorts::TaskFailure> choose_release() override {
    return sorts::TaskFailure{update_.task, problem_, {}};
  }
  // The nodes the new state left out: told after the commit, so a failed formation never
  // takes a node out of its cluster.
  void on_dropped(const sorts::Leaving& leaving) override { (void)tell_leaves(network_, bucket_, leaving); }
  void failed(const gtype::Status&) override {}  // the scheduler hears of it, as the session fails

 private:
  const system::Network& network_;
  Bucket& bucket_;
  sorts::FormationUpdate update_;
  std::string problem_;  // "" every daemon took its formation
};

}  // namespace

gtype::Status run_push(const system::SystemMap& map, const system::Network& network,
                       const PushOptions& options, const std::atomic<bool>& stop) {
  if (std::string problem = model::token_bucket_problem(options.rate); !problem.empty())
    return gtype::Status{gtype::StatusCode::kConfig, "push rate: " + problem};
  Bucket bucket{{}, model::TokenBucket(options.rate, std::chrono::steady_clock::now())};
  system::Host host;
  Served served;
  served.add<fm::Role>(host, map, network, "Formation", "pool",
                       per_session([&] { return std::make_unique<Pool>(network, bucket); }));
  served.add<dl::Role>(host, map, network, "Deletion", "pool",
                       per_session([&] { return std::make_unique<DeletionPool>(network, bucket); }));
  if (!served.status().ok()) return served.status();
  return host.run(stop);
}

}  // namespace c12s::services
