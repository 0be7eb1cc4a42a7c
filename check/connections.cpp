// Pass: the connection discipline of explicit protocols.
//
// A forward data-flow analysis over the protocol, `do` inlined, tracking for each pair of roles
// whether it is connected on every path (must) and on some path (may); loops are iterated to a
// fixpoint, so a pair connected in one iteration counts as "may be connected" in the next.
// Checks: a send only on a pair connected on every path; a connect only on a pair connected on
// no path; a disconnect only on a pair connected on every path. At `end` every pair is
// disconnected. Non-explicit protocols are connected from the start and not checked here.
// A protocol that some `do` inlines is checked where it is inlined, in the connection state of
// each call, and not on its own: it is written for that context.
#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "passes.h"

namespace gtype::check {
namespace {

using Pair = std::pair<std::string, std::string>;  // ordered: first < second

Pair pair_of(const std::string& a, const std::string& b) { return a < b ? Pair{a, b} : Pair{b, a}; }

// A set or map that states share until one of them changes it: a choice hands its state to
// every branch and a loop's head is compared at every iteration, while most statements leave
// the connections alone; copying them each time cost time quadratic in the protocol.
template <typename T>
class Shared {
 public:
  Shared() : value_(std::make_shared<T>()) {}
  const T& operator*() const { return *value_; }
  const T* operator->() const { return value_.get(); }
  // The value, made this state's own first if another shares it.
  T& edit() {
    if (value_.use_count() > 1) value_ = std::make_shared<T>(*value_);
    return *value_;
  }
  bool same_as(const Shared& other) const { return value_ == other.value_; }
  friend bool operator==(const Shared& a, const Shared& b) { return a.same_as(b) || *a.value_ == *b.value_; }

 private:
  std::shared_ptr<T> value_;
};

using Places = std::map<Pair, SourceLocation>;

struct State {
  Shared<std::set<Pair>> must;  // connected on every path to here
  Shared<std::set<Pair>> may;   // connected on some path to here
  // For the notes: where a pair of `may` was connected, and where a pair was disconnected on
  // some path to here (the first place in the source when there are several).
  Shared<Places> connected_at;
  Shared<Places> disconnected_at;
  friend bool operator==(const State&, const State&) = default;
};

Shared<Places> join_places(const Shared<Places>& a, const Shared<Places>& b) {
  if (a.same_as(b)) return a;
  Shared<Places> out = a;
  for (const auto& [pair, location] : *b) {
    auto known = out->find(pair);
    if (known == out->end() || location < known->second) out.edit()[pair] = location;
  }
  return out;
}

State join(const State& a, const State& b) {
  State out = a;
  if (!a.must.same_as(b.must)) {
    std::set<Pair>& must = out.must.edit();
    must.clear();
    std::set_intersection(a.must->begin(), a.must->end(), b.must->begin(), b.must->end(),
                          std::inserter(must, must.end()));
  }
  if (!a.may.same_as(b.may)) {
    std::set<Pair>& may = out.may.edit();
    may.insert(b.may->begin(), b.may->end());
  }
  out.connected_at = join_places(a.connected_at, b.connected_at);
  out.disconnected_at = join_places(a.disconnected_at, b.disconnected_at);
  return out;
}

void join_into(std::optional<State>& into, const State& state) { into = into ? join(*into, state) : state; }

// The chain of `do`s being inlined, innermost first; each distinct chain has its own id.
struct CallChain {
  const Statement* call = nullptr;  // null at the protocol itself
  const CallChain* outer = nullptr;
  std::size_t id = 0;
};

struct Context {
  std::size_t file;
  std::map<std::string, std::string> roles;            // callee role -> role of the checked protocol
  std::map<std::string, std::optional<State>*> loops;  // label -> states at its `continue`s
  const CallChain* calls;
};

class ConnectionChecker {
 public:
  ConnectionChecker(const Program& program, DiagnosticEngine& diagnostics)
      : program_(program), diagnostics_(diagnostics) {}

  void run(const GlobalProtocol& protocol, std::size_t file) {
    const CallChain top;
    Context context{file, {}, {}, &top};
    walk(protocol.body, State{}, context);
  }

 private:
  std::string role(const Context& context, const Name& name) const {
    auto it = context.roles.find(name.text);
    return it == context.roles.end() ? name.text : it->second;
  }

  // Reports an error with notes: `places` (where the pair was connected or disconnected),
  // then the chain of `do`s that inlined the statement, then `hint` (without a place).
  void report(const Context& context, SourceLocation location, std::string message, std::vector<Note> places,
              std::string hint) {
    if (!reporting_) return;
    Diagnostic& d = diagnostics_.error(location, std::move(message));
    for (Note& place : places) {
      if (place.location != location) d.notes.push_back(std::move(place));
    }
    for (const CallChain* chain = context.calls; chain->call != nullptr; chain = chain->outer) {
      d.notes.push_back({chain->call->location, "in '" + chain->call->label.text + "', inlined here"});
    }
    if (!hint.empty()) d.notes.push_back({{}, std::move(hint)});
  }

  static std::vector<Note> place(const std::map<Pair, SourceLocation>& places, const Pair& pair,
                                 const std::string& what) {
    auto it = places.find(pair);
    if (it == places.end()) return {};
    return {Note{it->second, what}};
  }

  // Returns the state where `block` falls through, or nothing when every path loops back.
  std::optional<State> walk(const Block& block, State state, Context& context) {
    for (const Statement& s : block) {
      std::optional<State> next = statement(s, std::move(state), context);
      if (!next) return std::nullopt;
      state = std::move(*next);
    }
    return state;
  }

  std::optional<State> statement(const Statement& s, State state, Context& context) {
    switch (s.kind) {
      case StatementKind::kSend:
      case StatementKind::kConnect:
      case StatementKind::kDisconnect:
        action(s, state, context);
        return state;
      case StatementKind::kChoice: {
        std::optional<State> out;
        for (const Block& branch : s.blocks) {
          if (auto branch_out = walk(branch, state, context)) join_into(out, *branch_out);
        }
        return out;
      }
      case StatementKind::kRec:
        return loop(s, state, context);
      case StatementKind::kContinue: {
        auto it = context.loops.find(s.label.text);
        if (it != context.loops.end()) join_into(*it->second, state);
        return std::nullopt;
      }
      case StatementKind::kDo: {
        const GlobalProtocol* callee = program_.callee_of(context.file, s);
        if (callee == nullptr) return state;  // reported by other passes
        const CallChain calls{&s, context.calls, chain_id(*context.calls, s)};
        Context inner{program_.file_of(*callee), bind_roles(*callee, s, context.roles), {}, &calls};
        return walk(callee->body, std::move(state), inner);
      }
      case StatementKind::kEnd:
        return state;  // marks the end of its block; the pairs are disconnected at the protocol's end
    }
    return state;
  }

  // Iterates the body from the join of the entry and every `continue` until the state at the
  // head stops changing (the lattice is finite and the transfer monotone), then checks it once.
  // The head found last time at this loop (in this chain of calls) is where the iteration
  // resumes: an enclosing loop's iterations only ever enlarge the entry, so that head is below
  // the new fixpoint, and nested loops cost a few walks each instead of a walk per iteration of
  // every enclosing loop (exponential in the nesting).
  std::optional<State> loop(const Statement& rec, const State& entry, Context& context) {
    std::optional<State>* outer = context.loops.count(rec.label.text) ? context.loops[rec.label.text] : nullptr;
    const std::pair<const Statement*, std::size_t> point{&rec, context.calls->id};
    auto known = heads_.find(point);
    State head = known == heads_.end() ? entry : join(known->second, entry);
    const bool was_reporting = reporting_;
    reporting_ = false;
    std::optional<State> back;
    std::optional<State> out;
    // When the entry adds nothing to the head found last time, that head is the fixpoint
    // already; only the walk that reports is left.
    const bool known_fixpoint = was_reporting && known != heads_.end() && head == known->second;
    while (!known_fixpoint) {
      back.reset();
      context.loops[rec.label.text] = &back;
      out = walk(rec.blocks.at(0), head, context);
      State next = back ? join(head, *back) : head;
      if (next == head) break;
      head = std::move(next);
    }
    heads_[point] = head;
    reporting_ = was_reporting;
    // The last walk started from the fixpoint: it found where the loop falls through, and what
    // it sends to enclosing loops. Walking again is only for the errors (a walk more at every
    // level would be exponential in the nesting).
    if (reporting_) {
      back.reset();
      context.loops[rec.label.text] = &back;
      out = walk(rec.blocks.at(0), head, context);
    }
    if (outer) {
      context.loops[rec.label.text] = outer;
    } else {
      context.loops.erase(rec.label.text);
    }
    return out;
  }

  void action(const Statement& s, State& state, Context& context) {
    const std::string from = role(context, s.from);
    const std::string to = role(context, s.to);
    if (from.empty() || to.empty() || from == to) return;  // reported by the roles pass
    const Pair pair = pair_of(from, to);
    const bool must = state.must->count(pair) > 0;
    const bool may = state.may->count(pair) > 0;
    const std::string both = "'" + from + "' and '" + to + "'";
    const std::string connect_hint = "connect them first with '" + from + " ->> " + to + "'";
    switch (s.kind) {
      case StatementKind::kSend:
        if (!may) {
          report(context, s.location, "'" + from + "' sends to '" + to + "', but they are not connected",
                 place(*state.disconnected_at, pair, "they are disconnected here"), connect_hint);
        } else if (!must) {
          std::vector<Note> places =
              place(*state.connected_at, pair, "they are connected here, on some paths only");
          for (Note& note : place(*state.disconnected_at, pair, "and disconnected here on some path")) {
            places.push_back(std::move(note));
          }
          report(context, s.location,
                 "'" + from + "' sends to '" + to + "', but they are not connected on every path to here",
                 std::move(places), "");
        }
        return;
      case StatementKind::kConnect: {
        auto earlier = state.connected_at->find(pair);
        const bool same_statement = earlier != state.connected_at->end() && earlier->second == s.location;
        if (must && !same_statement) {
          report(context, s.location,
                 "'" + from + "' connects to '" + to + "', but they are already connected",
                 place(*state.connected_at, pair, "they were connected here"),
                 "use '" + from + " -> " + to + "' to send over the existing connection");
        } else if (may && same_statement) {
          report(context, s.location,
                 "'" + from + "' connects to '" + to +
                     "', but they may still be connected from the previous iteration of the loop",
                 {},
                 "disconnect them ('disconnect " + from + ", " + to + ";') before the loop goes round again");
        } else if (may) {
          report(context, s.location,
                 "'" + from + "' connects to '" + to + "', but they may already be connected here",
                 place(*state.connected_at, pair, "they are connected here, on some paths only"), "");
        }
        state.must.edit().insert(pair);
        state.may.edit().insert(pair);
        state.connected_at.edit()[pair] = s.location;
        if (state.disconnected_at->count(pair)) state.disconnected_at.edit().erase(pair);
        return;
      }
      case StatementKind::kDisconnect:
        if (!may) {
          report(context, s.location, "disconnect of " + both + ", which are not connected",
                 place(*state.disconnected_at, pair, "they are already disconnected here"), "");
        } else if (!must) {
          report(context, s.location,
                 "disconnect of " + both + ", which are not connected on every path to here",
                 place(*state.connected_at, pair, "they are connected here, on some paths only"), "");
        }
        if (must) state.must.edit().erase(pair);
        if (may) state.may.edit().erase(pair);
        if (state.connected_at->count(pair)) state.connected_at.edit().erase(pair);
        if (may) state.disconnected_at.edit()[pair] = s.location;
        return;
      default:
        return;
    }
  }

  // The id of `outer` followed by `call`, the same each time that chain is inlined.
  std::size_t chain_id(const CallChain& outer, const Statement& call) {
    return chain_ids_.emplace(std::make_pair(outer.id, &call), chain_ids_.size() + 1).first->second;
  }

  const Program& program_;
  DiagnosticEngine& diagnostics_;
  bool reporting_ = true;
  std::map<std::pair<std::size_t, const Statement*>, std::size_t> chain_ids_;
  std::map<std::pair<const Statement*, std::size_t>, State> heads_;  // (rec, chain id) -> its last head
};

}  // namespace

void check_connections(const Program& program, DiagnosticEngine& diagnostics) {
  const std::set<const GlobalProtocol*> inlined = program.inlined_protocols();
  for (std::size_t f = 0; f < program.files.size(); ++f) {
    if (too_large_to_inline(program, program.files[f])) continue;  // reported by the inline size pass
    for (const GlobalProtocol& protocol : program.files[f].protocols) {
      if (protocol.explicit_connections && !inlined.count(&protocol)) {
        ConnectionChecker(program, diagnostics).run(protocol, f);
      }
    }
  }
}

}  // namespace gtype::check
