// The updates a member still has to gossip, and which of them the next message carries.
//
// One pending update per member id: a newer update about a member replaces the older one
// (the member's view already applied the precedence rules before queuing it). Each update is
// carried by at most `limit` messages and then dropped. A message takes the least-sent updates
// first, newest first among equals, so that fresh news (a suspicion, its refutation) spreads
// before old news, and nothing starves: every message raises what it carries.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "c12s/membership/message.h"

namespace c12s::membership {

class Dissemination {
 public:
  // Queues `update` with no transmission yet, replacing any pending update about its member.
  void enqueue(const Update& update);

  // Up to `max` updates for one message, in the order above. Each counts one more
  // transmission; an update that has reached `limit` is dropped (also when `limit` went down
  // because members died). `limit` >= 1.
  std::vector<Update> take(std::size_t max, std::size_t limit);

  std::size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    Update update;
    std::size_t transmissions;
    std::uint64_t order;  // higher: queued later
  };

  std::map<std::string, Pending> pending_;  // by member id
  std::uint64_t next_order_ = 0;
};

}  // namespace c12s::membership
