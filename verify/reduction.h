// Pass: partial-order reduction (internal to verify/; `gtype verify`, on unless --no-reduction).
//
// At each configuration the search may follow the steps of one role alone instead of every
// role's, when that role's steps are a stubborn set there: they stay possible and commute with
// whatever the other roles do until the role moves (no other role can disable or reorder them),
// and no violation the contract's table reads off a configuration (or a bottom component) can
// appear only in the interleavings left out. A role qualifies when its state
//   - only receives from one peer p and the head of p's queue to it is one of its labels (only it
//     pops that queue, only p pushes, at the tail), or
//   - only sends to one peer p, they are connected, the queue has room, and p cannot end or
//     disconnect it before the role sends (p's machine, from its state, reaches no end and no
//     disconnect of the role without receiving from it or accepting it first; receiving is let
//     through when the queue already holds messages, which p may take);
// and, where a step ends the role, no other role can still send to it or connect to it (from its
// state, in its own machine). Steps that connect, accept or disconnect are never reduced: they
// change two roles or a connection another role reads.
// The cycle proviso is applied by the search (verify.cpp): a role's steps are taken alone only if
// none leads to a configuration already expanded (breadth-first index not above the one being
// expanded), so every cycle of the reduced graph has a configuration with every step; with it,
// each bottom component of the reduced graph lies in one of the full graph and every bottom
// component of the full graph holds one, which keeps role-progress and eventual reception exact
// (fair liveness). Not kept: cycles that are not bottom (strong liveness), so the search turns
// reduction off there; and traces are shortest within the reduced graph only.
#pragma once

#include <cstdint>
#include <vector>

#include "explorer.h"

namespace gtype::verifier {

class Reduction {
 public:
  Reduction(const AutomatonSystem& system, const Semantics& semantics);

  // The roles whose steps alone may stand for all of `config`'s, in role order (the search takes
  // the first one that passes the cycle proviso).
  void candidates(const std::uint8_t* config, std::vector<std::uint32_t>& out) const;
  // What the tables take (the memory limit counts them).
  std::size_t memory_bytes() const { return memory_bytes_; }

 private:
  enum class Shape : std::uint8_t { kOther, kReceives, kSends };
  struct StateInfo {
    Shape shape = Shape::kOther;
    std::uint32_t peer = 0;
    bool may_end = false;  // some transition leads to an end state
  };

  bool qualifies(const std::uint8_t* config, std::uint32_t role) const;
  // Whether `peer`, in `state`, may end or disconnect `role` before `role` sends to it.
  bool may_break(std::uint32_t peer, std::uint32_t state, std::uint32_t role, bool queued) const;
  // Whether a role other than `role` may still send to it or connect to it.
  bool addressed_by_others(const std::uint8_t* config, std::uint32_t role) const;

  const Semantics& semantics_;
  std::uint32_t roles_;
  std::vector<std::vector<StateInfo>> info_;  // by role, by state
  // By (peer, role), pair index peer * roles_ + role, then by the peer's state: bit 0 "may break
  // while nothing of role's is queued", bit 1 "... while something is" (may_break).
  std::vector<std::vector<std::uint8_t>> breaks_;
  // By (other, role) likewise: other may still reach a send to or a connect to role.
  std::vector<std::vector<bool>> addresses_;
  std::size_t memory_bytes_ = 0;
};

}  // namespace gtype::verifier
