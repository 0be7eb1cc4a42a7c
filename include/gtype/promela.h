// Promela models of communicating automata, for SPIN (verify/promela.cpp, `gtype promela`).
//
// The model is the system `gtype verify` explores, with the same successor function (contract,
// section 2): one global state variable per role, one bit per pair that can connect (explicit
// systems), one bounded channel per ordered pair that ever carries a message, and every
// transition one atomic option of its role's process; a connect and the peer's accept are one
// step of the connecting role. A watchdog asserts, when no step is possible (SPIN's timeout),
// that every role has ended or is idle. That is the only property the model states: the other
// violation kinds of the contract (reception-error, orphan-message, progress, ...) are not
// encoded, so SPIN and `gtype verify` can be compared on "is a stuck configuration reachable".
#pragma once

#include <cstdint>
#include <string>

#include "gtype/automaton.h"

namespace gtype {

struct PromelaOptions {
  std::uint32_t bound = 1;  // capacity K of every queue, at least 1
  // For the SPIN oracle tests only: the watchdog also excuses a stuck configuration that
  // `gtype verify` explains by another violation (unconnected, reception-error,
  // synchronisation-error, connection-error) instead of reporting deadlock or unfinished-role.
  // With it, SPIN finds an assertion violation exactly when gtype reports one of those two.
  bool excuse_explained = false;
};

// The Promela text of `system`: deterministic, commented, valid for SPIN 6.
std::string promela_model(const AutomatonSystem& system, const PromelaOptions& options);

}  // namespace gtype
