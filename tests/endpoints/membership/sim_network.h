// A deterministic simulated network that drives SWIM members by virtual time.
//
// Every message is encoded to bytes on send and decoded on delivery (so the wire form is in
// the loop), delayed by a uniform random delay, and lost with a fixed probability; all of it
// drawn from one seeded PRNG, so a run is a function of its seed. Members can crash (they stop
// ticking and receiving, what they already sent still arrives) and the network can be cut into
// partitions. It does not model bandwidth, reordering beyond what random delays give, or
// duplicated messages.
#pragma once

#include <cstdint>
#include <map>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "c12s/membership/member.h"

namespace c12s::membership::testing {

struct NetworkConfig {
  Time min_delay{1};
  Time max_delay{10};
  double loss = 0.0;  // probability that a message is dropped
};

// One event a member reported, and when.
struct Observed {
  Time at;
  std::string observer;
  Event event;

  friend bool operator==(const Observed&, const Observed&) = default;
};

class SimNetwork {
 public:
  // Members "node-0" .. "node-<n-1>", each started with the full list, seeded from `seed`.
  SimNetwork(std::size_t n, const Config& config, const NetworkConfig& network, std::uint64_t seed);

  static std::string id(std::size_t i) { return "node-" + std::to_string(i); }

  // Delivers messages and ticks members, in time order, up to and including `until`.
  void run_until(Time until);

  // From now on `id` neither ticks nor receives.
  void crash(const std::string& id);
  bool crashed(const std::string& id) const;

  // Messages between members of different sides are dropped (checked on delivery). Members not
  // named are on side 0.
  void partition(const std::map<std::string, int>& side) { side_ = side; }
  void heal() { side_.clear(); }

  Member& member(const std::string& id) { return members_.at(id); }
  std::vector<std::string> ids() const;
  Time now() const { return now_; }

  const std::vector<Observed>& observed() const { return observed_; }
  // Every message sent, as "time from->to kind seq target [updates]", in order.
  const std::vector<std::string>& trace() const { return trace_; }
  std::size_t sent(MessageKind kind) const;
  std::size_t dropped() const { return dropped_; }
  std::size_t max_updates_per_message() const { return max_updates_; }

 private:
  struct InFlight {
    Time at;
    std::uint64_t order;  // ties at the same time go in send order
    std::string from;
    std::string to;
    std::string bytes;

    bool operator>(const InFlight& other) const {
      return at != other.at ? at > other.at : order > other.order;
    }
  };

  void carry_out(const std::string& from, Effects effects);
  void deliver(const InFlight& message);
  Time random_delay();

  Time now_{0};
  NetworkConfig network_;
  std::mt19937_64 rng_;
  std::map<std::string, Member> members_;
  std::map<std::string, bool> crashed_;
  std::map<std::string, int> side_;
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> in_flight_;
  std::uint64_t next_order_ = 0;
  std::vector<Observed> observed_;
  std::vector<std::string> trace_;
  std::map<MessageKind, std::size_t> sent_;
  std::size_t dropped_ = 0;
  std::size_t max_updates_ = 0;
};

}  // namespace c12s::membership::testing
