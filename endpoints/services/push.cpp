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
std::string push(const system::Network& network, const std::string& address,
                 const sorts::NodeFormation& formation) {
  if (address.empty()) return "node " + formation.node + " has no address: it never sent a health check";
  rt::Directory directory;
  directory.set("node", address);
  rt::EndpointOptions options;
  options.connect_timeout = options.receive_timeout = kPushTimeout;
  gtype::Result<fp::Role> role = network.bind<fp::Role>("FormationPush", 0, directory, options);
  if (!role.ok()) return role.error().message();
  gtype::Result<fp::Start> start = role->start();
  if (!start.ok()) return start.error().message();
  gtype::Result<fp::AfterForm> formed = std::move(*start).connect_form(formation);
  if (!formed.ok()) return "node " + formation.node + ": " + formed.error().message();
  gtype::Result<fp::AfterForm::Branch> answer = std::move(*formed).receive();
  if (!answer.ok()) return "node " + formation.node + ": " + answer.error().message();
  if (auto* refused = std::get_if<fp::AfterForm::Refuse>(&*answer))
    return "node " + formation.node + " refused: " + refused->value;
  return "";
}

// One Formation session, as `pool`: the formation it was given, then what its pushes met. The
// token bucket is the service's, shared by its sessions (all on the serve thread).
class Pool final : public fm::Handler {
  using Outcome = fm::AfterUpdateWhereAddresses;  // where the pool says ok or err

 public:
  Pool(const system::Network& network, model::TokenBucket& bucket) : network_(network), bucket_(bucket) {}

  void on_update(const sorts::FormationUpdate& update) override { update_ = update; }
  gtype::Result<sorts::NodeIds> choose_where() override {
    sorts::NodeIds ids{update_.task, {}, std::nullopt};
    for (const sorts::NodeFormation& f : update_.formations) ids.ids.push_back(f.node);
    return ids;
  }
  void on_addresses(const sorts::NodeAddresses& addresses) override {
    for (sorts::NodeFormation formation : update_.formations) {
      // Where each member's daemon is, so that the cluster can run SWIM (see swim.h).
      for (const std::string& member : formation.members) {
        if (auto found = addresses.addresses.find(member); found != addresses.addresses.end())
          formation.member_addresses[member] = found->second;
      }
      wait_for_token();
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
  void failed(const gtype::Status&) override {}  // the scheduler hears of it, as the session fails

 private:
  void wait_for_token() {
    for (model::Instant now = std::chrono::steady_clock::now(); !bucket_.try_take(now);
         now = std::chrono::steady_clock::now()) {
      std::this_thread::sleep_until(bucket_.next_token_at(now));
    }
  }

  const system::Network& network_;
  model::TokenBucket& bucket_;  // one token a push
  sorts::FormationUpdate update_;
  std::string problem_;  // "" every daemon took its formation
};

}  // namespace

gtype::Status run_push(const system::SystemMap& map, const system::Network& network,
                       const PushOptions& options, const std::atomic<bool>& stop) {
  if (std::string problem = model::token_bucket_problem(options.rate); !problem.empty())
    return gtype::Status{gtype::StatusCode::kConfig, "push rate: " + problem};
  model::TokenBucket bucket(options.rate, std::chrono::steady_clock::now());
  system::Host host;
  Served served;
  served.add<fm::Role>(host, map, network, "Formation", "pool",
                       per_session([&] { return std::make_unique<Pool>(network, bucket); }));
  if (!served.status().ok()) return served.status();
  return host.run(stop);
}

}  // namespace c12s::services
