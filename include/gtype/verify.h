// Model checking of communicating automata (verify/).
//
// Explores every reachable configuration of a system (the state of each role's machine, the
// connected pairs, one FIFO queue of capacity K per ordered pair of roles), breadth first, with
// the semantics of the contract's section 2, and reports each kind of violation with a shortest
// trace. Safety is checked on every configuration; progress (role-progress, eventual-reception)
// on the bottom strongly connected components of the state graph, assuming fair scheduling.
// Where only the queue bound or the state limit stops the search, the verdict is inconclusive.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gtype/automaton.h"

namespace gtype {

enum class ViolationKind {
  kReceptionError,
  kUnconnected,
  kConnectionError,
  kSynchronisationError,
  kDeadlock,
  kUnfinishedRole,
  kOrphanMessage,
  kRoleProgress,
  kEventualReception,
};

const char* violation_name(ViolationKind kind);  // "reception-error", ...

// One step of a trace: `role` acts with `peer` (for a connect, `peer` accepts in the same step).
struct TraceStep {
  ActionKind kind;
  std::string role;
  std::string peer;
  std::string label;  // empty for a connect without a message and for a disconnect
};

struct Violation {
  ViolationKind kind;
  std::vector<std::string> roles;  // the roles concerned, in system order
  std::vector<TraceStep> trace;    // shortest sequence of steps from the start
  std::string detail;              // one sentence saying what goes wrong
};

// The contract's words for a step: "user -> state : quit", "state ? user : quit",
// "nodes ->> state : active", "disconnect a, b".
std::string describe_step(const TraceStep& step);

enum class Verdict { kVerified, kViolation, kInconclusive };

const char* verdict_name(Verdict verdict);  // "verified", "violation", "inconclusive"

// The largest --max-states: configurations are numbered in 32 bits.
inline constexpr std::uint64_t kMaxStatesLimit = 0xFFFFFFFEull;
// The largest queue capacity.
inline constexpr std::uint32_t kMaxBound = 65535;

// Half of the machine's memory (or of the control group's limit, when lower): what a search
// may use by default, leaving room for the rest of the machine.
std::uint64_t default_max_memory();

// How far a search has got, for a progress line (gtype verify on a terminal).
struct SearchProgress {
  std::uint64_t states = 0;        // configurations stored so far
  std::uint64_t transitions = 0;   // transitions taken so far
  std::uint32_t depth = 0;         // the breadth-first level being expanded
  double seconds = 0;              // since the search started
  std::uint64_t memory_bytes = 0;  // what the search holds (stored configurations, state graph)
};
// One line, like pan's "Depth= States=": "depth 12, 1,070,000 states, 3,210,000 transitions,
// 350,000 states/s, 84 MiB, 3 s".
std::string progress_text(const SearchProgress& progress);

struct VerifyOptions {
  std::uint32_t bound = 1;                // capacity K of every queue, 1 .. kMaxBound
  std::uint64_t max_states = 50'000'000;  // stop (inconclusive) beyond this many configurations
  // Stop (inconclusive) before the search's memory (stored configurations, the state graph,
  // what checking progress will add) would pass this many bytes. Running out of memory below
  // it ends the same way, never in an abort.
  std::uint64_t max_memory = default_max_memory();
  bool liveness = true;  // check role-progress and eventual-reception
  // How role-progress is read: kFair (the default), in the bottom strongly connected components;
  // kStrong (Scribble's), in any reachable cycle, so a role some schedule starves is reported.
  enum class Liveness { kFair, kStrong } liveness_kind = Liveness::kFair;
  // Partial-order reduction: where one role's steps commute with everything the others can do,
  // follow them alone (verify/reduction.h). Verdicts and the kinds of violations found do not
  // change; traces are shortest within the reduced graph. Not applied with strong liveness.
  bool reduction = true;
  // Called every `progress_every` (at most) while configurations are explored, never when
  // empty; it runs on the search's thread and does not change the result.
  std::function<void(const SearchProgress&)> progress;
  std::chrono::milliseconds progress_every{1000};
};

struct VerifyResult {
  Verdict verdict = Verdict::kVerified;
  std::uint64_t states = 0;
  std::uint64_t transitions = 0;
  double seconds = 0;
  std::uint32_t bound = 1;
  std::size_t bytes_per_state = 0;  // memory of the search divided by the states it stored
  bool reduced = false;             // partial-order reduction was applied
  std::string inconclusive_reason;  // when inconclusive: the bound, the state limit or the memory
  std::vector<Violation> violations;
};

VerifyResult verify_system(const AutomatonSystem& system, const VerifyOptions& options);

}  // namespace gtype
