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
#include <optional>
#include <set>

#include "passes.h"

namespace gtype::check {
namespace {

using Pair = std::pair<std::string, std::string>;  // ordered: first < second

Pair pair_of(const std::string& a, const std::string& b) { return a < b ? Pair{a, b} : Pair{b, a}; }

struct State {
  std::set<Pair> must;  // connected on every path to here
  std::set<Pair> may;   // connected on some path to here
  // For the notes: where a pair of `may` was connected, and where a pair was disconnected on
  // some path to here (the first place in the source when there are several).
  std::map<Pair, SourceLocation> connected_at;
  std::map<Pair, SourceLocation> disconnected_at;
  friend bool operator==(const State&, const State&) = default;
};

void join_places(const std::map<Pair, SourceLocation>& from, std::map<Pair, SourceLocation>& into) {
  for (const auto& [pair, location] : from) {
    auto [it, inserted] = into.emplace(pair, location);
    if (!inserted) it->second = std::min(it->second, location);
  }
}

State join(const State& a, const State& b) {
  State out;
  std::set_intersection(a.must.begin(), a.must.end(), b.must.begin(), b.must.end(),
                        std::inserter(out.must, out.must.end()));
  std::set_union(a.may.begin(), a.may.end(), b.may.begin(), b.may.end(), std::inserter(out.may, out.may.end()));
  out.connected_at = a.connected_at;
  join_places(b.connected_at, out.connected_at);
  out.disconnected_at = a.disconnected_at;
  join_places(b.disconnected_at, out.disconnected_at);
  return out;
}

void join_into(std::optional<State>& into, const State& state) { into = into ? join(*into, state) : state; }

struct Context {
  std::size_t file;
  std::map<std::string, std::string> roles;            // callee role -> role of the checked protocol
  std::map<std::string, std::optional<State>*> loops;  // label -> states at its `continue`s
  std::vector<const Statement*> calls;                 // the `do`s being inlined, outermost first
};

class ConnectionChecker {
 public:
  ConnectionChecker(const Program& program, DiagnosticEngine& diagnostics)
      : program_(program), diagnostics_(diagnostics) {}

  void run(const GlobalProtocol& protocol, std::size_t file) {
    Context context{file, {}, {}, {}};
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
    for (auto it = context.calls.rbegin(); it != context.calls.rend(); ++it) {
      d.notes.push_back({(*it)->location, "in '" + (*it)->label.text + "', inlined here"});
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
        const GlobalProtocol* callee = callee_of(program_, context.file, s);
        if (callee == nullptr) return state;  // reported by other passes
        Context inner{program_.file_of(*callee), bind_roles(*callee, s, context.roles), {}, context.calls};
        inner.calls.push_back(&s);
        return walk(callee->body, std::move(state), inner);
      }
      case StatementKind::kEnd:
        return state;  // marks the end of its block; the pairs are disconnected at the protocol's end
    }
    return state;
  }

  // Iterates the body from the join of the entry and every `continue` until the state at the
  // head stops changing (the lattice is finite and the transfer monotone), then checks it once.
  std::optional<State> loop(const Statement& rec, const State& entry, Context& context) {
    std::optional<State>* outer = context.loops.count(rec.label.text) ? context.loops[rec.label.text] : nullptr;
    State head = entry;
    const bool was_reporting = reporting_;
    reporting_ = false;
    for (;;) {
      std::optional<State> back;
      context.loops[rec.label.text] = &back;
      walk(rec.blocks.at(0), head, context);
      State next = back ? join(entry, *back) : entry;
      if (next == head) break;
      head = std::move(next);
    }
    reporting_ = was_reporting;
    std::optional<State> back;
    context.loops[rec.label.text] = &back;
    std::optional<State> out = walk(rec.blocks.at(0), head, context);
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
    const bool must = state.must.count(pair) > 0;
    const bool may = state.may.count(pair) > 0;
    const std::string both = "'" + from + "' and '" + to + "'";
    const std::string connect_hint = "connect them first with '" + from + " ->> " + to + "'";
    switch (s.kind) {
      case StatementKind::kSend:
        if (!may) {
          report(context, s.location, "'" + from + "' sends to '" + to + "', but they are not connected",
                 place(state.disconnected_at, pair, "they are disconnected here"), connect_hint);
        } else if (!must) {
          std::vector<Note> places =
              place(state.connected_at, pair, "they are connected here, on some paths only");
          for (Note& note : place(state.disconnected_at, pair, "and disconnected here on some path")) {
            places.push_back(std::move(note));
          }
          report(context, s.location,
                 "'" + from + "' sends to '" + to + "', but they are not connected on every path to here",
                 std::move(places), "");
        }
        return;
      case StatementKind::kConnect: {
        auto earlier = state.connected_at.find(pair);
        const bool same_statement = earlier != state.connected_at.end() && earlier->second == s.location;
        if (must && !same_statement) {
          report(context, s.location,
                 "'" + from + "' connects to '" + to + "', but they are already connected",
                 place(state.connected_at, pair, "they were connected here"),
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
                 place(state.connected_at, pair, "they are connected here, on some paths only"), "");
        }
        state.must.insert(pair);
        state.may.insert(pair);
        state.connected_at[pair] = s.location;
        state.disconnected_at.erase(pair);
        return;
      }
      case StatementKind::kDisconnect:
        if (!may) {
          report(context, s.location, "disconnect of " + both + ", which are not connected",
                 place(state.disconnected_at, pair, "they are already disconnected here"), "");
        } else if (!must) {
          report(context, s.location,
                 "disconnect of " + both + ", which are not connected on every path to here",
                 place(state.connected_at, pair, "they are connected here, on some paths only"), "");
        }
        state.must.erase(pair);
        state.may.erase(pair);
        state.connected_at.erase(pair);
        if (may) state.disconnected_at[pair] = s.location;
        return;
      default:
        return;
    }
  }

  const Program& program_;
  DiagnosticEngine& diagnostics_;
  bool reporting_ = true;
};

}  // namespace

void check_connections(const Program& program, DiagnosticEngine& diagnostics) {
  const std::set<const GlobalProtocol*> inlined = program.inlined_protocols();
  for (std::size_t f = 0; f < program.files.size(); ++f) {
    for (const GlobalProtocol& protocol : program.files[f].protocols) {
      if (protocol.explicit_connections && !inlined.count(&protocol)) {
        ConnectionChecker(program, diagnostics).run(protocol, f);
      }
    }
  }
}

}  // namespace gtype::check
