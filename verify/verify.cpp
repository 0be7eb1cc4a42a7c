// The search: breadth-first exploration with safety observations, then progress on the bottom
// strongly connected components, then shortest traces for what was found.
//
// Checks every kind of the contract's table. Traces are shortest because configurations are
// numbered in breadth-first order and each keeps the one it was first reached from; with
// partial-order reduction (reduction.h, on unless --no-reduction), shortest within the reduced
// graph, whose verdicts are those of the full one. Progress reads the graph again from the stored
// configurations (components.h) rather than storing its edges. Progress
// assumes fair scheduling by default: a role or a message that could move forever but never
// does in a bottom component is reported; with strong liveness (starvation.cpp), a role that
// some cycle starves is reported instead, eventual reception staying the fair one. Not checked: anything
// beyond the queue bound, the state limit or the memory limit (the verdict is then inconclusive, unless a
// violation was already found; progress is not checked at all when the search stopped for memory).
#include <unistd.h>
#include <cassert>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <new>
#include <optional>

#include "components.h"
#include "explorer.h"
#include "gtype/verify.h"
#include "reduction.h"
#include "starvation.h"
#include "state_store.h"

namespace gtype {

const char* violation_name(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::kReceptionError:
      return "reception-error";
    case ViolationKind::kUnconnected:
      return "unconnected";
    case ViolationKind::kConnectionError:
      return "connection-error";
    case ViolationKind::kSynchronisationError:
      return "synchronisation-error";
    case ViolationKind::kDeadlock:
      return "deadlock";
    case ViolationKind::kUnfinishedRole:
      return "unfinished-role";
    case ViolationKind::kOrphanMessage:
      return "orphan-message";
    case ViolationKind::kRoleProgress:
      return "role-progress";
    case ViolationKind::kEventualReception:
      return "eventual-reception";
  }
  return "?";
}

std::string describe_step(const TraceStep& step) {
  const std::string label = step.label.empty() ? std::string() : " : " + step.label;
  switch (step.kind) {
    case ActionKind::kSend:
      return step.role + " -> " + step.peer + label;
    case ActionKind::kReceive:
      return step.role + " ? " + step.peer + label;
    case ActionKind::kConnect:
      return step.role + " ->> " + step.peer + label;
    case ActionKind::kAccept:
      return step.role + " ?? " + step.peer + label;
    case ActionKind::kDisconnect:
      return "disconnect " + step.role + ", " + step.peer;
  }
  return {};
}

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kVerified:
      return "verified";
    case Verdict::kViolation:
      return "violation";
    case Verdict::kInconclusive:
      return "inconclusive";
  }
  return "?";
}

namespace verifier {
namespace {

struct Found {
  std::uint32_t config;  // where it shows, first in breadth-first order
  std::string detail;
};

using FoundKey = std::pair<ViolationKind, std::vector<std::uint32_t>>;

// "512 MiB", "4 GiB", "1500 bytes": the largest unit that divides the size.
std::string size_text(std::uint64_t bytes) {
  static const char* const kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (unit + 1 < std::size(kUnits) && bytes >= 1024 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + " " + kUnits[unit];
}

class Search {
 public:
  Search(const AutomatonSystem& system, const VerifyOptions& options)
      : system_(system),
        options_(options),
        layout_(system, options.bound),
        semantics_(system, layout_),
        store_(layout_.size()),
        scratch_(layout_.size() + 8),
        current_(layout_.size() + 8) {
    // Strong liveness reads every cycle, which the reduction does not keep (reduction.h).
    const bool strong = options.liveness && options.liveness_kind == VerifyOptions::Liveness::kStrong;
    if (options.reduction && !strong) reduction_.emplace(system, semantics_);
  }

  VerifyResult run() {
    const auto start = std::chrono::steady_clock::now();
    VerifyResult result;
    result.bound = options_.bound;
    // Running out of memory below the limit (other processes took it) ends the search like the
    // limit does: inconclusive, with what was found so far.
    try {
      explore(result);
      if (options_.liveness && !truncated_ && !out_of_memory_) check_progress();
    } catch (const std::bad_alloc&) {
      out_of_memory_ = true;
    }
    for (const auto& [key, found] : found_) result.violations.push_back(violation(key, found));
    // Shortest first, then by kind: the order a reader wants, and a deterministic one.
    std::stable_sort(result.violations.begin(), result.violations.end(),
                     [](const Violation& a, const Violation& b) { return a.trace.size() < b.trace.size(); });
    result.states = store_.size();
    result.bytes_per_state = store_.size() == 0 ? 0 : (store_.memory_bytes() + graph_bytes_) / store_.size();
    result.reduced = reduction_.has_value();
    if (!result.violations.empty()) {
      result.verdict = Verdict::kViolation;
    } else if (out_of_memory_ || truncated_ || bound_hit_) {
      result.verdict = Verdict::kInconclusive;
      result.inconclusive_reason = inconclusive_reason();
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }

 private:
  std::string inconclusive_reason() const {
    if (memory_limited_) {
      return "memory limit of " + size_text(options_.max_memory) + " reached" +
             (options_.liveness ? "; progress not checked" : "");
    }
    if (out_of_memory_)
      return std::string("out of memory") + (options_.liveness ? "; progress not checked" : "");
    if (truncated_) return "state limit of " + std::to_string(max_states_) + " reached";
    return "queue bound " + std::to_string(options_.bound) +
           " reached: a role waits to send into a full queue";
  }

  // Whether storing one more configuration keeps the search within --max-memory, counting what
  // checking progress will need on top of the stored configurations.
  bool within_memory(std::size_t batch_bytes) const {
    std::uint64_t bytes =
        store_.allocated_bytes() + store_.bytes_for_next_insert() + batch_bytes + 2 * layout_.size();
    if (reduction_) bytes += reduction_->memory_bytes();
    if (options_.liveness)
      bytes += static_cast<std::uint64_t>(store_.size() + 1) * components_bytes_per_state();
    return bytes <= options_.max_memory;
  }

  void stop_for_memory() {
    truncated_ = true;
    memory_limited_ = true;
    out_of_memory_ = true;
  }

  // The steps the search takes from configuration `index`, into batch_ (the successors, packed)
  // and steps_: every step, or with reduction the steps of the first role that may stand for all
  // (reduction.h) and passes the cycle proviso. The same configurations give the same steps
  // whenever this is called, during the search or after it, so the passes after the search
  // recompute the graph instead of storing it. `exploring`: during the search (observations,
  // the memory limit).
  void steps_from(std::uint32_t index, std::vector<Observation>* observations, bool* bound_hit,
                  bool exploring) {
    const std::size_t width = layout_.size();
    std::memcpy(current_.data(), store_.get(index), width);
    batch_.clear();
    steps_.clear();
    semantics_.expand(
        current_.data(), scratch_.data(),
        [&](const std::uint8_t* next, const Step& step) {
          if (exploring && batch_.size() + width > batch_.capacity() &&
              !within_memory(2 * (batch_.size() + width))) {
            stop_for_memory();
            return;
          }
          batch_.insert(batch_.end(), next, next + width);
          steps_.push_back(step);
        },
        observations, bound_hit);
    if (!reduction_ || steps_.size() <= 1) return;
    reduction_->candidates(current_.data(), candidates_);
    for (std::uint32_t role : candidates_) {
      if (keep_only(role, index)) return;
    }
  }

  // The cycle proviso: keeps only `role`'s steps, unless one of them leads to a configuration
  // numbered `index` or lower (expanded already, in breadth-first order: a cycle may close there).
  // Every cycle has a step to a configuration numbered no higher than its source, so every cycle
  // of the reduced graph has a configuration where every step is taken.
  bool keep_only(std::uint32_t role, std::uint32_t index) {
    const std::size_t width = layout_.size();
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      if (steps_[i].role != role) continue;
      const std::uint32_t stored = store_.find(batch_.data() + i * width);
      if (stored != StateStore::kNone && stored <= index) return false;
    }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      if (steps_[i].role != role) continue;
      if (kept != i) {
        std::memmove(batch_.data() + kept * width, batch_.data() + i * width, width);
        steps_[kept] = steps_[i];
      }
      ++kept;
    }
    batch_.resize(kept * width);
    steps_.resize(kept);
    return true;
  }

  void explore(VerifyResult& result) {
    if (!within_memory(layout_.size())) {
      stop_for_memory();
      return;
    }
    semantics_.initial(scratch_.data());
    store_.insert(scratch_.data(), StateStore::kNone);
    std::vector<Observation> observations;
    const std::size_t width = layout_.size();
    std::vector<std::uint64_t> hashes;
    std::uint32_t depth = 0, level_end = 1;  // breadth first: level `depth` ends before level_end
    for (std::uint32_t index = 0; index < store_.size() && !memory_limited_; ++index) {
      if (index == level_end) {
        ++depth;
        level_end = store_.size();
      }
      if ((index & 1023) == 0 && options_.progress) report_progress(result, depth);
      observations.clear();
      bool bound_hit = false;
      steps_from(index, &observations, &bound_hit, true);
      result.transitions += steps_.size();
      // Hash every successor and prefetch its slot before looking any up (see StateStore).
      const std::size_t successors = steps_.size();
      hashes.resize(successors);
      for (std::size_t i = 0; i < successors; ++i) {
        hashes[i] = store_.hash(batch_.data() + i * width);
        store_.prefetch(hashes[i]);
      }
      for (std::size_t i = 0; i < successors; ++i) store_.prefetch_stored(hashes[i]);
      for (std::size_t i = 0; i < successors && !truncated_; ++i) {
        const std::uint8_t* next = batch_.data() + i * width;
        if (store_.size() >= max_states_ && store_.find(next) == StateStore::kNone) {
          truncated_ = true;
          break;
        }
        if (!within_memory(batch_.capacity()) && store_.find(next) == StateStore::kNone) {
          stop_for_memory();
          break;
        }
        store_.insert_hashed(next, hashes[i], index);
      }
      bound_hit_ = bound_hit_ || bound_hit;
      for (Observation& o : observations) found_.emplace(FoundKey{o.kind, o.roles}, Found{index, o.detail});
    }
  }

  // Calls options_.progress when progress_every has passed since the last call (or the start).
  void report_progress(const VerifyResult& result, std::uint32_t depth) {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_progress_) return;
    next_progress_ = now + options_.progress_every;
    SearchProgress progress;
    progress.states = store_.size();
    progress.transitions = result.transitions;
    progress.depth = depth;
    progress.seconds = std::chrono::duration<double>(now - started_).count();
    progress.memory_bytes = store_.memory_bytes();
    options_.progress(progress);
  }

  // The stored numbers of the successors steps_from gives (all stored: the search is complete).
  void successor_indices(std::uint32_t index, std::vector<std::uint32_t>& out) {
    steps_from(index, nullptr, nullptr, false);
    out.clear();
    for (std::size_t i = 0; i < steps_.size(); ++i)
      out.push_back(store_.find(batch_.data() + i * layout_.size()));
  }

  // Fair progress: in each bottom strongly connected component with a cycle, every role that is
  // in the session must act and every queued message must be received.
  void check_progress() {
    const Components components = strong_components(
        store_.size(), [&](std::uint32_t v, std::vector<std::uint32_t>& out) { successor_indices(v, out); });
    graph_bytes_ = components.peak_bytes;
    const std::vector<std::uint32_t>& component = components.of;

    struct Activity {
      std::uint32_t first = StateStore::kNone;  // lowest index: reached first
      std::vector<bool> present, acted, queued, received;
    };
    std::map<std::uint32_t, Activity> activity;
    const std::uint32_t roles = layout_.roles();
    std::vector<std::uint32_t> targets;
    for (std::uint32_t index = 0; index < store_.size(); ++index) {
      const std::uint32_t comp = component[index];
      if (!components.bottom[comp] || !components.has_cycle[comp]) continue;
      Activity& a = activity[comp];
      if (a.first == StateStore::kNone) {
        a.first = index;
        a.present.assign(roles, false);
        a.acted.assign(roles, false);
        a.queued.assign(layout_.queue_count(), false);
        a.received.assign(layout_.queue_count(), false);
      }
      successor_indices(index, targets);
      const std::uint8_t* c = current_.data();
      for (std::uint32_t r = 0; r < roles; ++r) {
        if (!semantics_.ended(c, r) && !semantics_.idle(c, r)) a.present[r] = true;
      }
      for (std::uint32_t q = 0; q < layout_.queue_count(); ++q) {
        if (layout_.head(c, static_cast<std::int32_t>(q)) != 0) a.queued[q] = true;
      }
      for (std::size_t i = 0; i < steps_.size(); ++i) {
        if (component[targets[i]] != comp) continue;
        const Step& step = steps_[i];
        a.acted[step.role] = true;
        if (step.partner >= 0) a.acted[static_cast<std::uint32_t>(step.partner)] = true;
        const Transition& t =
            system_.machines[step.role].states[layout_.state(c, step.role)].out[step.transition];
        if (t.kind == ActionKind::kReceive) {
          a.received[static_cast<std::uint32_t>(layout_.queue(t.peer, step.role))] = true;
        }
      }
    }
    // Earliest reached component first: where several bottom components show the same violation,
    // the trace goes to the one breadth-first search reached first, so it is a shortest one.
    std::vector<const Activity*> by_first;
    by_first.reserve(activity.size());
    for (const auto& entry : activity) by_first.push_back(&entry.second);
    std::sort(by_first.begin(), by_first.end(),
              [](const Activity* x, const Activity* y) { return x->first < y->first; });
    const bool strong = options_.liveness_kind == VerifyOptions::Liveness::kStrong;
    if (strong) check_starvation(component, components.has_cycle);
    for (const Activity* each : by_first) {
      const Activity& a = *each;
      for (std::uint32_t r = 0; r < roles && !strong; ++r) {
        if (a.present[r] && !a.acted[r]) {
          found_.emplace(FoundKey{ViolationKind::kRoleProgress, {r}},
                         Found{a.first, "'" + system_.roles[r] +
                                            "' is in the session but never acts again, while "
                                            "the others go on forever"});
        }
      }
      for (std::uint32_t q = 0; q < layout_.queue_count(); ++q) {
        if (!a.queued[q] || a.received[q]) continue;
        const auto [from, to] = layout_.queue_ends(q);
        found_.emplace(
            FoundKey{ViolationKind::kEventualReception, {std::min(from, to), std::max(from, to)}},
            Found{a.first, "a message from '" + system_.roles[from] + "' to '" + system_.roles[to] +
                               "' is never received, while the others go on forever"});
      }
    }
  }

  // Strong liveness (starvation.h): the configurations of every component with a cycle, who is
  // in the session in each, and the steps inside each component with the roles that act.
  void check_starvation(const std::vector<std::uint32_t>& component, const std::vector<bool>& has_cycle) {
    const std::uint32_t roles = layout_.roles();
    CycleStates states;
    std::vector<CycleStep> cycle_steps;
    std::vector<std::uint32_t> targets;
    for (std::uint32_t index = 0; index < store_.size(); ++index) {
      if (!has_cycle[component[index]]) continue;
      states.configs.push_back(index);
      successor_indices(index, targets);
      const std::uint8_t* c = current_.data();
      for (std::uint32_t r = 0; r < roles; ++r)
        states.present.push_back(!semantics_.ended(c, r) && !semantics_.idle(c, r));
      for (std::size_t i = 0; i < steps_.size(); ++i) {
        if (component[targets[i]] != component[index]) continue;
        const Step& step = steps_[i];
        const std::uint32_t partner =
            step.partner >= 0 ? static_cast<std::uint32_t>(step.partner) : step.role;
        cycle_steps.push_back({index, targets[i], step.role, partner});
      }
    }
    const std::vector<std::uint32_t> starved = starved_roles(roles, states, cycle_steps);
    for (std::uint32_t r = 0; r < roles; ++r) {
      if (starved[r] == kNotStarved) continue;
      found_.emplace(FoundKey{ViolationKind::kRoleProgress, {r}},
                     Found{starved[r], "'" + system_.roles[r] +
                                           "' is in the session, but a schedule that goes on "
                                           "forever never lets it act again (strong liveness)"});
    }
  }

  Violation violation(const FoundKey& key, const Found& found) {
    Violation v{key.first, {}, trace_to(found.config), found.detail};
    for (std::uint32_t r : key.second) v.roles.push_back(system_.roles[r]);
    return v;
  }

  std::vector<TraceStep> trace_to(std::uint32_t target) {
    std::vector<std::uint32_t> path;
    for (std::uint32_t at = target; at != StateStore::kNone; at = store_.parent(at)) path.push_back(at);
    std::reverse(path.begin(), path.end());
    std::vector<TraceStep> steps;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      std::memcpy(current_.data(), store_.get(path[i]), layout_.size());
      const std::uint8_t* wanted = store_.get(path[i + 1]);
      bool found = false;
      semantics_.expand(
          current_.data(), scratch_.data(),
          [&](const std::uint8_t* next, const Step& step) {
            if (found || std::memcmp(next, wanted, layout_.size()) != 0) return;
            found = true;
            const Transition& t = system_.machines[step.role]
                                      .states[layout_.state(current_.data(), step.role)]
                                      .out[step.transition];
            steps.push_back(
                TraceStep{t.kind, system_.roles[step.role], system_.roles[t.peer],
                          t.message == kNoMessage ? std::string() : system_.messages[t.message].label.text});
          },
          nullptr, nullptr);
      assert(found && "a stored configuration is a successor of its parent");
    }
    return steps;
  }

  const AutomatonSystem& system_;
  const VerifyOptions& options_;
  Layout layout_;
  Semantics semantics_;
  std::optional<Reduction> reduction_;  // absent with --no-reduction and with strong liveness
  StateStore store_;
  std::vector<std::uint8_t> scratch_, current_;
  std::vector<std::uint8_t> batch_;  // steps_from: the successors, packed
  std::vector<Step> steps_;          // ... and the step to each
  std::vector<std::uint32_t> candidates_;
  std::map<FoundKey, Found> found_;  // first (shortest) configuration of each kind and roles
  // 32-bit state numbers: the search stops (inconclusive) before they run out.
  const std::uint64_t max_states_ = std::min<std::uint64_t>(options_.max_states, StateStore::kNone - 1);
  bool truncated_ = false;       // the search stopped before every configuration was expanded
  bool memory_limited_ = false;  // ... because of --max-memory
  bool out_of_memory_ = false;   // ... or because memory ran out (or --max-memory)
  bool bound_hit_ = false;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point next_progress_ = started_ + options_.progress_every;
  std::size_t graph_bytes_ = 0;  // what checking progress held at most (components.h)
};

}  // namespace
}  // namespace verifier

namespace {

// 1234567 -> "1,234,567": a progress line is read at a glance.
std::string grouped(std::uint64_t value) {
  std::string digits = std::to_string(value), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string progress_text(const SearchProgress& progress) {
  const auto rate = progress.seconds > 0
                        ? static_cast<std::uint64_t>(static_cast<double>(progress.states) / progress.seconds)
                        : 0;
  return "depth " + std::to_string(progress.depth) + ", " + grouped(progress.states) + " states, " +
         grouped(progress.transitions) + " transitions, " + grouped(rate) + " states/s, " +
         grouped(progress.memory_bytes >> 20) + " MiB, " +
         std::to_string(static_cast<std::uint64_t>(progress.seconds)) + " s";
}

std::uint64_t default_max_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  std::uint64_t machine =
      pages > 0 && page_size > 0 ? static_cast<std::uint64_t>(pages) * page_size : std::uint64_t{4} << 30;
  // cgroup v2: "max", or a number of bytes.
  std::ifstream limit_file("/sys/fs/cgroup/memory.max");
  std::uint64_t limit = 0;
  if (limit_file >> limit && limit > 0) machine = std::min(machine, limit);
  return machine / 2;
}

VerifyResult verify_system(const AutomatonSystem& system, const VerifyOptions& options) {
  return verifier::Search(system, options).run();
}

}  // namespace gtype
