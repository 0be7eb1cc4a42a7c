// The search: breadth-first exploration with safety observations, then progress on the bottom
// strongly connected components, then shortest traces for what was found.
//
// Checks every kind of the contract's table. Traces are shortest because configurations are
// numbered in breadth-first order and each keeps the one it was first reached from. Progress
// assumes fair scheduling by default: a role or a message that could move forever but never
// does in a bottom component is reported; with strong liveness (starvation.cpp), a role that
// some cycle starves is reported instead, eventual reception staying the fair one. Not checked: anything
// beyond the queue bound, the state limit or the memory limit (the verdict is then inconclusive, unless a
// violation was already found; progress is not checked at all when the search stopped for memory).
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/iterator/iterator_facade.hpp>
#include <boost/property_map/property_map.hpp>

#include <unistd.h>
#include <cassert>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <new>

#include "explorer.h"
#include "gtype/verify.h"
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

// The (source, target) pairs of a graph in compressed rows, in order; each iterator keeps the
// row it is in, so walking the edges costs nothing per edge beyond reading it.
class EdgeIterator
    : public boost::iterator_facade<EdgeIterator, std::pair<std::uint32_t, std::uint32_t>,
                                    boost::forward_traversal_tag, std::pair<std::uint32_t, std::uint32_t>> {
 public:
  EdgeIterator(const std::vector<std::size_t>& rows, const std::vector<std::uint32_t>& targets,
               std::size_t edge)
      : rows_(&rows), targets_(&targets), edge_(edge) {
    settle();
  }

 private:
  friend class boost::iterator_core_access;
  void settle() {
    while (row_ + 1 < rows_->size() && (*rows_)[row_ + 1] <= edge_) ++row_;
  }
  void increment() {
    ++edge_;
    settle();
  }
  bool equal(const EdgeIterator& other) const { return edge_ == other.edge_; }
  std::pair<std::uint32_t, std::uint32_t> dereference() const {
    return {static_cast<std::uint32_t>(row_), (*targets_)[edge_]};
  }

  const std::vector<std::size_t>* rows_;
  const std::vector<std::uint32_t>* targets_;
  std::size_t edge_;
  std::size_t row_ = 0;
};

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
        current_(layout_.size() + 8) {}

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
      targets_ = {};
      row_starts_ = {};
    }
    for (const auto& [key, found] : found_) result.violations.push_back(violation(key, found));
    // Shortest first, then by kind: the order a reader wants, and a deterministic one.
    std::stable_sort(result.violations.begin(), result.violations.end(),
                     [](const Violation& a, const Violation& b) { return a.trace.size() < b.trace.size(); });
    result.states = store_.size();
    result.bytes_per_state = store_.size() == 0 ? 0 : (store_.memory_bytes() + graph_bytes_) / store_.size();
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
  // checking progress will need on top of the state graph (its Boost copy, the components).
  bool within_memory(std::size_t batch_bytes) const {
    std::uint64_t bytes =
        store_.allocated_bytes() + store_.bytes_for_next_insert() + batch_bytes + 2 * layout_.size();
    if (options_.liveness) {
      bytes +=
          2 * (targets_.capacity() * sizeof(std::uint32_t) + row_starts_.capacity() * sizeof(std::size_t));
      bytes += static_cast<std::uint64_t>(store_.size()) * 16 + targets_.size() * sizeof(std::uint32_t);
    }
    return bytes <= options_.max_memory;
  }

  void stop_for_memory() {
    truncated_ = true;
    memory_limited_ = true;
    out_of_memory_ = true;
  }

  void explore(VerifyResult& result) {
    if (!within_memory(layout_.size())) {
      stop_for_memory();
      return;
    }
    semantics_.initial(scratch_.data());
    store_.insert(scratch_.data(), StateStore::kNone);
    std::vector<Observation> observations;
    // The state graph in compressed rows, for progress: configurations are expanded in index
    // order, so the successors of each are appended right after those of the one before.
    const bool record = options_.liveness;
    const std::size_t width = layout_.size();
    std::vector<std::uint8_t> batch;  // the successors of one configuration, packed
    std::vector<std::uint64_t> hashes;
    std::uint32_t depth = 0, level_end = 1;  // breadth first: level `depth` ends before level_end
    for (std::uint32_t index = 0; index < store_.size() && !memory_limited_; ++index) {
      if (index == level_end) {
        ++depth;
        level_end = store_.size();
      }
      if ((index & 1023) == 0 && options_.progress) report_progress(result, depth);
      std::memcpy(current_.data(), store_.get(index), width);
      observations.clear();
      bool bound_hit = false;
      if (record) row_starts_.push_back(targets_.size());
      batch.clear();
      result.transitions += semantics_.expand(
          current_.data(), scratch_.data(),
          [&](const std::uint8_t* next, const Step&) {
            if (batch.size() + width > batch.capacity() && !within_memory(2 * (batch.size() + width))) {
              stop_for_memory();
              return;
            }
            batch.insert(batch.end(), next, next + width);
          },
          &observations, &bound_hit);
      // Hash every successor and prefetch its slot before looking any up (see StateStore).
      const std::size_t successors = width == 0 ? 0 : batch.size() / width;
      hashes.resize(successors);
      for (std::size_t i = 0; i < successors; ++i) {
        hashes[i] = store_.hash(batch.data() + i * width);
        store_.prefetch(hashes[i]);
      }
      for (std::size_t i = 0; i < successors; ++i) store_.prefetch_stored(hashes[i]);
      for (std::size_t i = 0; i < successors && !truncated_; ++i) {
        const std::uint8_t* next = batch.data() + i * width;
        if (store_.size() >= max_states_ && store_.find(next) == StateStore::kNone) {
          truncated_ = true;
          break;
        }
        if (!within_memory(batch.capacity()) && store_.find(next) == StateStore::kNone) {
          stop_for_memory();
          break;
        }
        const std::uint32_t target = store_.insert_hashed(next, hashes[i], index).first;
        if (record) targets_.push_back(target);
      }
      bound_hit_ = bound_hit_ || bound_hit;
      for (Observation& o : observations) found_.emplace(FoundKey{o.kind, o.roles}, Found{index, o.detail});
    }
    if (record) row_starts_.push_back(targets_.size());
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
    progress.memory_bytes = store_.memory_bytes() + row_starts_.capacity() * sizeof(std::size_t) +
                            targets_.capacity() * sizeof(std::uint32_t);
    options_.progress(progress);
  }

  // Fair progress: in each bottom strongly connected component with a cycle, every role that is
  // in the session must act and every queued message must be received.
  void check_progress() {
    // 32-bit vertices (edges are counted in 64 bits): less memory than the defaults.
    using Graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                     boost::no_property, std::uint32_t, std::uint64_t>;
    const std::uint32_t vertices = store_.size();
    Graph graph(boost::edges_are_sorted, EdgeIterator(row_starts_, targets_, 0),
                EdgeIterator(row_starts_, targets_, targets_.size()), vertices, targets_.size());
    std::vector<std::uint32_t> component(vertices);
    const auto count = boost::strong_components(
        graph, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, graph)));
    std::vector<bool> bottom(count, true), has_cycle(count, false);
    for (std::uint32_t from = 0; from < vertices; ++from) {
      for (std::size_t e = row_starts_[from]; e < row_starts_[from + 1]; ++e) {
        if (component[from] != component[targets_[e]]) {
          bottom[component[from]] = false;
        } else {
          has_cycle[component[from]] = true;
        }
      }
    }
    // The graph, its Boost copy and the component numbers were all alive here: the peak.
    graph_bytes_ = row_starts_.capacity() * sizeof(std::size_t) +
                   targets_.capacity() * sizeof(std::uint32_t) +
                   (static_cast<std::size_t>(vertices) + 1) * sizeof(std::uint64_t) +
                   targets_.size() * sizeof(std::uint32_t) + component.capacity() * sizeof(std::uint32_t);
    targets_ = {};
    row_starts_ = {};

    struct Activity {
      std::uint32_t first = StateStore::kNone;  // lowest index: reached first
      std::vector<bool> present, acted, queued, received;
    };
    std::map<std::uint32_t, Activity> activity;
    const std::uint32_t roles = layout_.roles();
    for (std::uint32_t index = 0; index < store_.size(); ++index) {
      const std::uint32_t comp = component[index];
      if (!bottom[comp] || !has_cycle[comp]) continue;
      Activity& a = activity[comp];
      if (a.first == StateStore::kNone) {
        a.first = index;
        a.present.assign(roles, false);
        a.acted.assign(roles, false);
        a.queued.assign(layout_.queue_count(), false);
        a.received.assign(layout_.queue_count(), false);
      }
      std::memcpy(current_.data(), store_.get(index), layout_.size());
      const std::uint8_t* c = current_.data();
      for (std::uint32_t r = 0; r < roles; ++r) {
        if (!semantics_.ended(c, r) && !semantics_.idle(c, r)) a.present[r] = true;
      }
      for (std::uint32_t q = 0; q < layout_.queue_count(); ++q) {
        if (layout_.head(c, static_cast<std::int32_t>(q)) != 0) a.queued[q] = true;
      }
      semantics_.expand(
          c, scratch_.data(),
          [&](const std::uint8_t* next, const Step& step) {
            if (component[store_.find(next)] != comp) return;
            a.acted[step.role] = true;
            if (step.partner >= 0) a.acted[static_cast<std::uint32_t>(step.partner)] = true;
            const Transition& t =
                system_.machines[step.role].states[layout_.state(c, step.role)].out[step.transition];
            if (t.kind == ActionKind::kReceive) {
              a.received[static_cast<std::uint32_t>(layout_.queue(t.peer, step.role))] = true;
            }
          },
          nullptr, nullptr);
    }
    // Earliest reached component first: where several bottom components show the same violation,
    // the trace goes to the one breadth-first search reached first, so it is a shortest one.
    std::vector<const Activity*> by_first;
    for (const auto& entry : activity) by_first.push_back(&entry.second);
    std::sort(by_first.begin(), by_first.end(),
              [](const Activity* x, const Activity* y) { return x->first < y->first; });
    const bool strong = options_.liveness_kind == VerifyOptions::Liveness::kStrong;
    if (strong) check_starvation(component, has_cycle);
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
    std::vector<CycleStep> steps;
    for (std::uint32_t index = 0; index < store_.size(); ++index) {
      if (!has_cycle[component[index]]) continue;
      states.configs.push_back(index);
      std::memcpy(current_.data(), store_.get(index), layout_.size());
      const std::uint8_t* c = current_.data();
      for (std::uint32_t r = 0; r < roles; ++r)
        states.present.push_back(!semantics_.ended(c, r) && !semantics_.idle(c, r));
      semantics_.expand(
          c, scratch_.data(),
          [&](const std::uint8_t* next, const Step& step) {
            const std::uint32_t to = store_.find(next);
            if (component[to] != component[index]) return;
            const std::uint32_t partner =
                step.partner >= 0 ? static_cast<std::uint32_t>(step.partner) : step.role;
            steps.push_back({index, to, step.role, partner});
          },
          nullptr, nullptr);
    }
    const std::vector<std::uint32_t> starved = starved_roles(roles, states, steps);
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
  StateStore store_;
  std::vector<std::uint8_t> scratch_, current_;
  std::map<FoundKey, Found> found_;  // first (shortest) configuration of each kind and roles
  // 32-bit state numbers: the search stops (inconclusive) before they run out.
  const std::uint64_t max_states_ = std::min<std::uint64_t>(options_.max_states, StateStore::kNone - 1);
  bool truncated_ = false;       // the search stopped before every configuration was expanded
  bool memory_limited_ = false;  // ... because of --max-memory
  bool out_of_memory_ = false;   // ... or because memory ran out (or --max-memory)
  bool bound_hit_ = false;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point next_progress_ = started_ + options_.progress_every;
  std::size_t graph_bytes_ = 0;          // memory of the state graph at its peak (progress only)
  std::vector<std::size_t> row_starts_;  // the state graph: successors of configuration i are
  std::vector<std::uint32_t> targets_;   // targets_[row_starts_[i] .. row_starts_[i + 1])
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
  const auto rate = progress.seconds > 0 ? static_cast<std::uint64_t>(progress.states / progress.seconds) : 0;
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
