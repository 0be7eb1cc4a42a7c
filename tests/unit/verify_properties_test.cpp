// Property tests of the verifier (verify/) on random protocols (random_protocol.h):
//
//   * RandomSafeProtocolsVerify: every protocol of the inform-all discipline (random_safe_file:
//     each choice tells every role its branch) projects and verifies, at bound 1 and 2, with the
//     progress checks on: no violation, and never inconclusive (but for the state limit, which
//     only protocols far bigger than the default sizes reach);
//   * VerifierIsDeterministic: the same system (of either generator) verified twice gives the
//     same verdict, counts and violations, traces included;
//   * ArbitraryProtocolsGiveWellShapedVerdicts: any random well-formed protocol (safe or not)
//     that projects is verified within a small state limit, with a verdict of the right shape
//     (violation exactly when there are violations; inconclusive with a reason; roles in system
//     order), and every violation's trace is an execution of the system, checked by replaying it
//     with an independent implementation of the contract's section 2, which must end in a
//     configuration that shows the violation (for the kinds seen in one configuration);
//   * SafetyDoesNotDependOnProgressOrShrinkWithTheBound: the progress checks add violations but
//     change nothing else; every safety violation found with queues of capacity 1 is found with
//     capacity 2 as well, by a trace no longer (a run with capacity 1 is a run with capacity 2;
//     without reduction, whose traces are shortest within a graph that depends on the bound);
//   * ReductionKeepsVerdictsAndViolations: partial-order reduction changes the number of
//     configurations only, never the verdict or the kinds and roles of the violations;
//
// Protocols whose automata would be too big for a quick test (a role with more than 65536
// states: the automata unfold the projection's shared continuations) are skipped and tagged.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gtype/automaton.h"
#include "gtype/check.h"
#include "gtype/print.h"
#include "gtype/program.h"
#include "gtype/projection.h"
#include "gtype/verify.h"
#include "loaded.h"
#include "random_local_system.h"
#include "random_protocol.h"

namespace {

using gtype::ActionKind;
using gtype::AutomatonSystem;
using gtype::Spelling;
using gtype::Verdict;
using gtype::VerifyOptions;
using gtype::VerifyResult;
using gtype::Violation;
using gtype::ViolationKind;
using gtype_test::RandomFile;

// State limits: for safe protocols (reached only at sizes far beyond the default), for others.
constexpr std::uint64_t kSafeStateLimit = 1'000'000;
constexpr std::uint64_t kSmallStateLimit = 200'000;
// Safe protocols twice as big as RapidCheck's size says: still fast. The others keep their size,
// that of the front end's properties: projection takes time exponential in their nesting of
// `do`s and choices (gtype::same_local_type compares shared continuations as trees).
constexpr double kScale = 2;

// ------------------------------------------------------------------------------ loading

using gtype_test::Loaded;

// A protocol of the file, as `gtype verify` sees it: its automata, or why it does not project.
struct Subject {
  std::string protocol;
  std::optional<AutomatonSystem> system;  // none when it does not project, or is skipped
  std::string projection_errors;
  bool skipped = false;  // projects, but beyond the test's budget
};

// The test's budget for one role's automaton: build_automata unfolds the projection's shared
// continuations, so the automaton grows exponentially with choices in a row (17 of them give
// 131072 states), and the biggest random protocols would take gigabytes. Beyond it, a protocol
// is skipped (and tagged), not verified.
constexpr std::uint64_t kMaxMachineStates = 65536;

// An upper bound (saturating at `cap`) on the states of the automaton built from `type`:
// build_automata unfolds shared continuations, so a protocol of a few hundred statements can
// ask for billions of states; such systems are never built.
std::uint64_t unfolded_states(const gtype::LocalType& type, std::uint64_t cap,
                              std::map<const gtype::LocalType*, std::uint64_t>& memo) {
  auto known = memo.find(&type);
  if (known != memo.end()) return known->second;
  std::uint64_t n = type.kind == gtype::LocalKind::kVar ? 0 : 1;
  if (type.next) n += unfolded_states(*type.next, cap, memo);
  for (const gtype::LocalTypePtr& branch : type.branches)
    n = std::min(cap, n + unfolded_states(*branch, cap, memo));
  n = std::min(cap, n);
  memo.emplace(&type, n);
  return n;
}

// Every protocol of `random`, projected and built into automata the way tools/gtype/cli.cpp's
// load_systems does (those beyond the test's budget are left without automata, and tagged).
// Fails the property when the file is not well-formed.
std::vector<Subject> load_subjects(const RandomFile& random) {
  const std::string text = gtype::print_file(random.file, Spelling::kArrow);
  Loaded loaded(text);
  if (!loaded.fine()) RC_FAIL("not well-formed:\n" + loaded.rendered_diagnostics() + "in:\n" + text);
  std::vector<Subject> out;
  gtype::SourceManager no_sources;
  for (const gtype::GlobalProtocol& protocol : loaded.file().protocols) {
    gtype::DiagnosticEngine diagnostics(no_sources);
    std::vector<gtype::RoleProjection> projected;
    Subject subject{protocol.name.text, std::nullopt, {}, false};
    if (gtype::project_protocol(loaded.program(), protocol, diagnostics, projected)) {
      std::vector<gtype::RoleType> roles;
      std::uint64_t most = 0;
      for (const gtype::RoleProjection& role : projected) {
        roles.push_back({role.role, role.type});
        std::map<const gtype::LocalType*, std::uint64_t> memo;
        most = std::max(most, unfolded_states(*role.type, kMaxMachineStates + 1, memo));
      }
      if (most <= kMaxMachineStates)
        subject.system = gtype::build_automata(protocol.name.text, protocol.explicit_connections, roles);
      if (!subject.system) {
        RC_TAG("skipped: an automaton beyond the test's budget");
        subject.skipped = true;
      }
    } else {
      for (const gtype::Diagnostic& d : diagnostics.errors()) subject.projection_errors += d.message + "\n";
    }
    out.push_back(std::move(subject));
  }
  return out;
}

// ------------------------------------------------------------------------------ words

std::vector<std::string> steps(const Violation& v) {
  std::vector<std::string> out;
  for (const gtype::TraceStep& step : v.trace) out.push_back(gtype::describe_step(step));
  return out;
}

std::string show(const VerifyResult& r) {
  std::ostringstream out;
  out << gtype::verdict_name(r.verdict) << " (bound " << r.bound << "): " << r.states << " states, "
      << r.transitions << " transitions";
  if (!r.inconclusive_reason.empty()) out << "; inconclusive: " << r.inconclusive_reason;
  for (const Violation& v : r.violations) {
    out << "\n  " << gtype::violation_name(v.kind) << " (";
    for (std::size_t i = 0; i < v.roles.size(); ++i) out << (i ? ", " : "") << v.roles[i];
    out << "): " << v.detail;
    for (const std::string& step : steps(v)) out << "\n    " << step;
  }
  return out.str() + "\n";
}

std::string show(const AutomatonSystem& system) {
  std::ostringstream out;
  out << (system.explicit_connections ? "explicit " : "") << "local system " << system.name << " {\n";
  for (const gtype::Automaton& machine : system.machines) {
    std::string type = gtype::print_local_type(*machine.states.front().type);
    if (type.size() > 2000) type = type.substr(0, 2000) + " ...";
    out << "  " << machine.role << ": " << type << "\n";
  }
  return out.str() + "}\n";
}

VerifyResult verify(const AutomatonSystem& system, std::uint32_t bound, std::uint64_t max_states,
                    bool liveness = true, bool reduction = true) {
  VerifyOptions options;
  options.bound = bound;
  options.max_states = max_states;
  options.liveness = liveness;
  options.reduction = reduction;
  return gtype::verify_system(system, options);
}

bool is_progress(ViolationKind kind) {
  return kind == ViolationKind::kRoleProgress || kind == ViolationKind::kEventualReception;
}

// Everything of a result but its time.
auto comparable(const VerifyResult& r) {
  std::vector<std::tuple<ViolationKind, std::vector<std::string>, std::string, std::vector<std::string>>>
      violations;
  for (const Violation& v : r.violations) violations.emplace_back(v.kind, v.roles, v.detail, steps(v));
  return std::make_tuple(r.verdict, r.states, r.transitions, r.bound, r.bytes_per_state,
                         r.inconclusive_reason, violations);
}

bool state_limit_reached(const VerifyResult& r, std::uint64_t max_states) {
  return r.inconclusive_reason.find("state limit") != std::string::npos || r.states >= max_states;
}

// ------------------------------------------------------------------------------ replaying traces

// The contract's section 2, written again from its words (not from verify/), to replay traces.
class Replay {
 public:
  struct Config {
    std::vector<std::uint32_t> state;
    std::set<std::pair<std::uint32_t, std::uint32_t>> connected;  // explicit only: (low, high)
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::deque<std::int32_t>> queues;  // (from, to)

    bool operator<(const Config& o) const {
      return std::tie(state, connected, queues) < std::tie(o.state, o.connected, o.queues);
    }
  };

  Replay(const AutomatonSystem& system, std::uint32_t bound) : system_(system), bound_(bound) {
    for (const gtype::Automaton& m : system.machines) resting_.push_back(gtype::resting_states(m));
  }

  Config initial() const {
    Config c;
    c.state.assign(system_.machines.size(), 0);
    return c;
  }

  const std::vector<gtype::Transition>& out(const Config& c, std::uint32_t r) const {
    return system_.machines[r].states[c.state[r]].out;
  }
  bool ended(const Config& c, std::uint32_t r) const { return out(c, r).empty(); }
  bool idle(const Config& c, std::uint32_t r) const { return resting_[r][c.state[r]]; }
  bool connected(const Config& c, std::uint32_t a, std::uint32_t b) const {
    if (!system_.explicit_connections) return !ended(c, a) && !ended(c, b);
    return c.connected.count({std::min(a, b), std::max(a, b)}) > 0;
  }
  std::int32_t head(const Config& c, std::uint32_t from, std::uint32_t to) const {
    auto it = c.queues.find({from, to});
    return it == c.queues.end() || it->second.empty() ? -2 : it->second.front();
  }
  std::size_t queued(const Config& c, std::uint32_t from, std::uint32_t to) const {
    auto it = c.queues.find({from, to});
    return it == c.queues.end() ? 0 : it->second.size();
  }

  std::string label(std::int32_t message) const {
    return message == gtype::kNoMessage ? std::string() : system_.messages[message].label.text;
  }

  // Every step from `c`, as the trace shows it (a connect is one step with its accept), with the
  // configuration it leads to. `blocked_on_full` tells whether some send waits for room.
  std::vector<std::pair<gtype::TraceStep, Config>> successors(const Config& c,
                                                              bool* blocked_on_full = nullptr) const {
    std::vector<std::pair<gtype::TraceStep, Config>> next;
    for (std::uint32_t r = 0; r < system_.machines.size(); ++r) {
      for (const gtype::Transition& t : out(c, r)) {
        const gtype::TraceStep step{t.kind, system_.roles[r], system_.roles[t.peer], label(t.message)};
        switch (t.kind) {
          case ActionKind::kSend: {
            if (!connected(c, r, t.peer)) break;
            if (queued(c, r, t.peer) >= bound_) {
              if (blocked_on_full) *blocked_on_full = true;
              break;
            }
            Config n = c;
            n.queues[{r, t.peer}].push_back(t.message);
            leave(n, r, t.target);
            next.emplace_back(step, std::move(n));
            break;
          }
          case ActionKind::kReceive: {
            if (head(c, t.peer, r) != t.message) break;
            Config n = c;
            n.queues[{t.peer, r}].pop_front();
            if (n.queues[{t.peer, r}].empty()) n.queues.erase({t.peer, r});
            leave(n, r, t.target);
            next.emplace_back(step, std::move(n));
            break;
          }
          case ActionKind::kConnect: {
            if (connected(c, r, t.peer)) break;
            for (const gtype::Transition& a : out(c, t.peer)) {
              if (a.kind != ActionKind::kAccept || a.peer != r || a.message != t.message) continue;
              Config n = c;
              if (system_.explicit_connections)
                n.connected.insert({std::min(r, t.peer), std::max(r, t.peer)});
              leave(n, r, t.target);
              leave(n, t.peer, a.target);
              next.emplace_back(step, std::move(n));
            }
            break;
          }
          case ActionKind::kAccept:
            break;  // with the connect
          case ActionKind::kDisconnect: {
            Config n = c;
            n.connected.erase({std::min(r, t.peer), std::max(r, t.peer)});
            leave(n, r, t.target);
            next.emplace_back(step, std::move(n));
            break;
          }
        }
      }
    }
    return next;
  }

  // Whether `c` shows the violation `v` (its kind, about its roles), for the kinds that one
  // configuration shows; true for the progress kinds, which take a whole component.
  bool shows(const Config& c, const Violation& v) const {
    auto index = [&](const std::string& role) {
      return static_cast<std::uint32_t>(system_.role_index(role));
    };
    std::set<std::uint32_t> roles;
    for (const std::string& role : v.roles) roles.insert(index(role));
    auto about = [&](std::uint32_t a, std::uint32_t b) {
      return roles == std::set<std::uint32_t>{std::min(a, b), std::max(a, b)};
    };
    const std::uint32_t count = static_cast<std::uint32_t>(system_.machines.size());
    switch (v.kind) {
      case ViolationKind::kRoleProgress:
      case ViolationKind::kEventualReception:
        return true;
      case ViolationKind::kOrphanMessage:
        for (const auto& [ends, queue] : c.queues) {
          if (!queue.empty() && (ended(c, ends.second) || idle(c, ends.second)) &&
              about(ends.first, ends.second))
            return true;
        }
        return false;
      case ViolationKind::kDeadlock:
      case ViolationKind::kUnfinishedRole: {
        bool full = false;
        if (!successors(c, &full).empty() || full) return false;
        for (std::uint32_t r : roles) {
          if (ended(c, r) || idle(c, r)) return false;
        }
        return !roles.empty();
      }
      default:
        break;
    }
    for (std::uint32_t r = 0; r < count; ++r) {
      bool accepts = false;
      for (const gtype::Transition& t : out(c, r)) accepts = accepts || t.kind == ActionKind::kAccept;
      for (const gtype::Transition& t : out(c, r)) {
        if (!about(r, t.peer)) continue;
        switch (v.kind) {
          case ViolationKind::kReceptionError: {
            if (t.kind != ActionKind::kReceive) break;
            const std::int32_t h = head(c, t.peer, r);
            if (h == -2) break;
            bool matches = false;
            for (const gtype::Transition& u : out(c, r))
              matches = matches || (u.kind == ActionKind::kReceive && u.peer == t.peer && u.message == h);
            if (!matches) return true;
            break;
          }
          case ViolationKind::kUnconnected:
            if (t.kind == ActionKind::kSend && !connected(c, r, t.peer)) return true;
            if (t.kind == ActionKind::kReceive && head(c, t.peer, r) == -2 && !accepts &&
                !connected(c, r, t.peer))
              return true;
            break;
          case ViolationKind::kConnectionError:
            if (t.kind == ActionKind::kConnect && connected(c, r, t.peer)) return true;
            break;
          case ViolationKind::kSynchronisationError: {
            if (t.kind != ActionKind::kConnect || connected(c, r, t.peer)) break;
            bool offered = false, matched = false;
            for (const gtype::Transition& a : out(c, t.peer)) {
              if (a.kind != ActionKind::kAccept || a.peer != r) continue;
              offered = true;
              matched = matched || a.message == t.message;
            }
            if (offered && !matched) return true;
            break;
          }
          default:
            break;
        }
      }
    }
    return false;
  }

  // Replays `v`'s trace from the start; returns what went wrong, or nothing.
  std::optional<std::string> check(const Violation& v) const {
    std::set<Config> now = {initial()};
    for (std::size_t i = 0; i < v.trace.size(); ++i) {
      const gtype::TraceStep& want = v.trace[i];
      std::set<Config> next;
      for (const Config& c : now) {
        for (auto& [step, n] : successors(c)) {
          if (step.kind == want.kind && step.role == want.role && step.peer == want.peer &&
              step.label == want.label)
            next.insert(std::move(n));
        }
      }
      if (next.empty())
        return "step " + std::to_string(i + 1) + " (" + gtype::describe_step(want) + ") is not possible";
      now = std::move(next);
    }
    for (const Config& c : now) {
      if (shows(c, v)) return std::nullopt;
    }
    return std::string("the trace does not end where the violation shows");
  }

 private:
  void leave(Config& c, std::uint32_t r, std::uint32_t target) const {
    c.state[r] = target;
    if (!system_.explicit_connections || !ended(c, r)) return;
    for (auto it = c.connected.begin(); it != c.connected.end();) {
      it = it->first == r || it->second == r ? c.connected.erase(it) : std::next(it);
    }
  }

  const AutomatonSystem& system_;
  std::uint32_t bound_;
  std::vector<std::vector<bool>> resting_;  // gtype::resting_states of each machine
};

// The shape of a result: violation exactly when some are reported; inconclusive exactly with a
// reason; roles known, distinct and in system order; traces of steps in the contract's words,
// which replay. Fails the property otherwise.
void check_shape(const AutomatonSystem& system, const VerifyResult& r, std::uint32_t bound,
                 std::uint64_t max_states) {
  const std::string context = show(system) + show(r);
  RC_ASSERT(r.bound == bound);
  RC_ASSERT(r.states >= 1u);
  RC_ASSERT(r.states <= max_states);
  if ((r.verdict == Verdict::kViolation) != !r.violations.empty())
    RC_FAIL("verdict and violations disagree:\n" + context);
  if ((r.verdict == Verdict::kInconclusive) != !r.inconclusive_reason.empty())
    RC_FAIL("verdict and reason disagree:\n" + context);
  std::size_t previous_length = 0;
  const Replay replay(system, bound);
  for (const Violation& v : r.violations) {
    if (v.detail.empty()) RC_FAIL("a violation without detail:\n" + context);
    if (v.roles.empty()) RC_FAIL("a violation about no role:\n" + context);
    std::int32_t last = -1;
    for (const std::string& role : v.roles) {
      const std::int32_t index = system.role_index(role);
      if (index <= last) RC_FAIL("roles unknown, repeated or out of order:\n" + context);
      last = index;
    }
    if (v.trace.size() < previous_length) RC_FAIL("violations not shortest trace first:\n" + context);
    previous_length = v.trace.size();
    for (const gtype::TraceStep& step : v.trace) {
      if (step.kind == ActionKind::kAccept || system.role_index(step.role) < 0 ||
          system.role_index(step.peer) < 0 || step.role == step.peer || gtype::describe_step(step).empty())
        RC_FAIL("a step that is no step: " + gtype::describe_step(step) + "\n" + context);
    }
    if (auto wrong = replay.check(v)) {
      RC_FAIL(std::string(gtype::violation_name(v.kind)) + ": " + *wrong + "\n" + context);
    }
  }
}

// ------------------------------------------------------------------------------ properties

bool has_loop(const AutomatonSystem& system) {
  for (const gtype::Automaton& machine : system.machines) {
    for (std::uint32_t s = 0; s < machine.states.size(); ++s) {
      for (const gtype::Transition& t : machine.states[s].out) {
        if (t.target <= s) return true;
      }
    }
  }
  return false;
}

RC_GTEST_PROP(VerifyProperties, RandomSafeProtocolsVerify, ()) {
  const RandomFile random = *rc::gen::scale(kScale, gtype_test::random_safe_file());
  const std::vector<Subject> subjects = load_subjects(random);
  std::uint64_t most_states = 0;
  std::size_t explicit_protocols = 0, loops = 0;
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const Subject& subject = subjects[i];
    if (subject.skipped) continue;
    if (!subject.system) RC_FAIL(subject.protocol + " does not project:\n" + subject.projection_errors);
    for (std::uint32_t bound : {1u, 2u}) {
      const VerifyResult r = verify(*subject.system, bound, kSafeStateLimit);
      // The state limit (only the biggest protocols reach it) is no failure of the discipline.
      if (r.verdict == Verdict::kInconclusive && r.violations.empty() &&
          r.inconclusive_reason.find("state limit") != std::string::npos) {
        RC_TAG("state limit");
        continue;
      }
      if (r.verdict != Verdict::kVerified || !r.violations.empty() || !r.inconclusive_reason.empty())
        RC_FAIL(subject.protocol + " does not verify:\n" + show(*subject.system) + show(r));
      most_states = std::max(most_states, r.states);
    }
    explicit_protocols += random.file.protocols[i].explicit_connections ? 1 : 0;
    loops += has_loop(*subject.system) ? 1 : 0;
  }
  RC_TAG(explicit_protocols == 0                 ? "standard only"
         : explicit_protocols == subjects.size() ? "explicit only"
                                                 : "both");
  RC_TAG(loops > 0 ? "a loop" : "no loop");
  RC_TAG(most_states < 100     ? "< 100 states"
         : most_states < 1000  ? "< 1000 states"
         : most_states < 10000 ? "< 10000 states"
                               : ">= 10000 states");
}

RC_GTEST_PROP(VerifyProperties, VerifierIsDeterministic, ()) {
  const RandomFile random =
      *rc::gen::oneOf(gtype_test::random_file(), rc::gen::scale(kScale, gtype_test::random_safe_file()));
  for (const Subject& subject : load_subjects(random)) {
    if (!subject.system) continue;
    for (std::uint32_t bound : {1u, 2u}) {
      const VerifyResult first = verify(*subject.system, bound, kSmallStateLimit);
      const VerifyResult second = verify(*subject.system, bound, kSmallStateLimit);
      if (comparable(first) != comparable(second))
        RC_FAIL("first:\n" + show(first) + "second:\n" + show(second) + "of:\n" + show(*subject.system));
    }
  }
}

RC_GTEST_PROP(VerifyProperties, ArbitraryProtocolsGiveWellShapedVerdicts, ()) {
  const RandomFile random = *gtype_test::random_file();
  std::set<std::string> seen;  // verdicts and kinds of violation
  for (const Subject& subject : load_subjects(random)) {
    if (!subject.system) continue;
    for (std::uint32_t bound : {1u, 2u}) {
      const VerifyResult r = verify(*subject.system, bound, kSmallStateLimit);
      check_shape(*subject.system, r, bound, kSmallStateLimit);
      seen.insert(gtype::verdict_name(r.verdict));
      for (const Violation& v : r.violations) seen.insert(gtype::violation_name(v.kind));
    }
  }
  for (const std::string& each : seen) RC_TAG(each);
}

RC_GTEST_PROP(VerifyProperties, SafetyDoesNotDependOnProgressOrShrinkWithTheBound, ()) {
  const RandomFile random = *gtype_test::random_file();
  for (const Subject& subject : load_subjects(random)) {
    if (!subject.system) continue;
    const AutomatonSystem& system = *subject.system;
    // Without reduction: shortest traces among all executions, comparable across bounds.
    const VerifyResult one = verify(system, 1, kSmallStateLimit, true, false);
    const VerifyResult one_safety = verify(system, 1, kSmallStateLimit, false, false);
    const VerifyResult two = verify(system, 2, kSmallStateLimit, true, false);
    const std::string context =
        show(system) + "with progress:\n" + show(one) + "without:\n" + show(one_safety);
    // Without the progress checks: the same search, the same safety violations.
    RC_ASSERT(one_safety.states == one.states);
    RC_ASSERT(one_safety.transitions == one.transitions);
    std::vector<const Violation*> safety;
    for (const Violation& v : one.violations) {
      if (!is_progress(v.kind)) safety.push_back(&v);
    }
    if (safety.size() != one_safety.violations.size()) RC_FAIL("different safety violations:\n" + context);
    for (std::size_t i = 0; i < safety.size(); ++i) {
      const Violation& a = *safety[i];
      const Violation& b = one_safety.violations[i];
      if (a.kind != b.kind || a.roles != b.roles || a.detail != b.detail || steps(a) != steps(b))
        RC_FAIL("different safety violations:\n" + context);
    }
    for (const Violation& v : one_safety.violations) {
      if (is_progress(v.kind)) RC_FAIL("a progress violation without the progress checks:\n" + context);
    }
    if (one_safety.violations.empty() && one.verdict != Verdict::kViolation &&
        one_safety.verdict != one.verdict)
      RC_FAIL("different verdicts without violations:\n" + context);
    // Capacity 2 reaches every configuration capacity 1 does, and shows what they show.
    if (state_limit_reached(one, kSmallStateLimit) || state_limit_reached(two, kSmallStateLimit)) {
      RC_TAG("state limit");
      continue;
    }
    for (const Violation* v : safety) {
      auto same = std::find_if(two.violations.begin(), two.violations.end(),
                               [&](const Violation& w) { return w.kind == v->kind && w.roles == v->roles; });
      if (same == two.violations.end() || same->trace.size() > v->trace.size())
        RC_FAIL(std::string(gtype::violation_name(v->kind)) + " at bound 1, not as soon at bound 2:\n" +
                context + "bound 2:\n" + show(two));
    }
    RC_TAG(safety.empty() ? "safe at bound 1" : "unsafe at bound 1");
  }
}

// The automata of a random local system file (random_local_system.h). Fails the property when
// the file is not well-formed.
std::vector<AutomatonSystem> random_local_systems() {
  const std::string text = gtype_test::random_local_system_text();
  Loaded loaded(text);
  if (!loaded.fine()) RC_FAIL("not well-formed:\n" + loaded.rendered_diagnostics() + "in:\n" + text);
  std::vector<AutomatonSystem> out;
  for (const gtype::LocalSystem& local : loaded.file().local_systems) {
    std::vector<gtype::RoleType> roles;
    for (const gtype::LocalRole& role : local.roles) roles.push_back({role.role.text, role.type});
    out.push_back(gtype::build_automata(local.name.text, local.explicit_connections, roles));
  }
  return out;
}

// Partial-order reduction (verify/reduction.h) changes how many configurations are stored, never
// the verdict, the reason of an inconclusive one or which violations there are (kind and roles);
// the reduced search stores no more configurations, and its traces replay. Random protocols of
// both generators and random local systems (connects, accepts, disconnects, loops), bounds 1 and 2.
// `replay`: check the reduced traces with check_shape's replay, which is written for projected
// protocols (on hand-written local systems it reads an idle role in a wait cycle differently).
// Adds to `seen` whether reduction stored fewer configurations, and the verdicts.
void check_reduction(const AutomatonSystem& system, bool replay, std::set<std::string>& seen) {
  for (std::uint32_t bound : {1u, 2u}) {
    const VerifyResult full = verify(system, bound, kSmallStateLimit, true, false);
    const VerifyResult reduced = verify(system, bound, kSmallStateLimit, true, true);
    const std::string context = show(system) + "full:\n" + show(full) + "reduced:\n" + show(reduced);
    if (state_limit_reached(full, kSmallStateLimit) || state_limit_reached(reduced, kSmallStateLimit)) {
      seen.insert("state limit");
      continue;
    }
    if (!reduced.reduced || full.reduced) RC_FAIL("the option was not applied:\n" + context);
    if (reduced.states > full.states) RC_FAIL("more configurations with reduction:\n" + context);
    auto keys = [](const VerifyResult& r) {
      std::set<std::pair<ViolationKind, std::vector<std::string>>> out;
      for (const Violation& v : r.violations) out.insert({v.kind, v.roles});
      return out;
    };
    if (full.verdict != reduced.verdict || full.inconclusive_reason != reduced.inconclusive_reason ||
        keys(full) != keys(reduced))
      RC_FAIL("the verdicts differ:\n" + context);
    if (replay) check_shape(system, reduced, bound, kSmallStateLimit);
    seen.insert(reduced.states < full.states ? "fewer configurations" : "as many configurations");
    seen.insert(gtype::verdict_name(full.verdict));
  }
}

RC_GTEST_PROP(VerifyProperties, ReductionKeepsVerdictsAndViolations, ()) {
  std::set<std::string> seen;
  for (const AutomatonSystem& system : random_local_systems()) check_reduction(system, false, seen);
  const RandomFile random =
      *rc::gen::oneOf(gtype_test::random_file(), rc::gen::scale(kScale, gtype_test::random_safe_file()));
  for (const Subject& subject : load_subjects(random)) {
    if (subject.system) check_reduction(*subject.system, true, seen);
  }
  for (const std::string& each : seen) RC_TAG(each);
}

// Strong liveness (Scribble's) reads role-progress on every reachable cycle, fair liveness only on
// the bottom components: every role the fair check finds starved, the strong one finds too;
// safety and eventual reception do not change. Random local systems, where loops that starve
// others are frequent, and random protocols.
void check_strong_against_fair(const AutomatonSystem& system) {
  VerifyOptions options;
  options.max_states = kSmallStateLimit;
  options.reduction = false;  // as strong liveness always is: the same graph for both
  const VerifyResult fair = gtype::verify_system(system, options);
  options.liveness_kind = VerifyOptions::Liveness::kStrong;
  const VerifyResult strong = gtype::verify_system(system, options);
  const std::string context = show(system) + "fair:\n" + show(fair) + "strong:\n" + show(strong);
  if (state_limit_reached(fair, kSmallStateLimit)) {
    RC_TAG("state limit");
    return;
  }
  RC_ASSERT(fair.states == strong.states);
  auto keys = [](const VerifyResult& r, bool role_progress) {
    std::set<std::pair<ViolationKind, std::vector<std::string>>> out;
    for (const Violation& v : r.violations) {
      if ((v.kind == ViolationKind::kRoleProgress) == role_progress) out.insert({v.kind, v.roles});
    }
    return out;
  };
  if (keys(fair, false) != keys(strong, false)) RC_FAIL("other violations differ:\n" + context);
  const auto fair_starved = keys(fair, true), strong_starved = keys(strong, true);
  for (const auto& key : fair_starved) {
    if (!strong_starved.count(key)) RC_FAIL("starved under fair liveness, not under strong:\n" + context);
  }
  if (strong.verdict == Verdict::kVerified && fair.verdict != Verdict::kVerified)
    RC_FAIL("verified under strong liveness only:\n" + context);
  RC_TAG(strong_starved.size() > fair_starved.size() ? "starved under strong liveness only" : "the same");
}

RC_GTEST_PROP(VerifyProperties, StrongLivenessFindsWhatFairLivenessFinds, ()) {
  for (const AutomatonSystem& system : random_local_systems()) check_strong_against_fair(system);
  for (const Subject& subject : load_subjects(*gtype_test::random_file())) {
    if (subject.system) check_strong_against_fair(*subject.system);
  }
}

}  // namespace
