// The generator of random well-formed .gtype files (see random_protocol.h).
//
// Every draw goes through pick(), whose values shrink towards the lowest, so the simplest choice
// of each draw is listed first (a plain send, no optional feature, fall through).
#include "random_protocol.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gtype/print.h"

namespace gtype_test {
namespace {

using gtype::Block;
using gtype::Message;
using gtype::Name;
using gtype::SortRef;
using gtype::Statement;
using gtype::StatementKind;

// ------------------------------------------------------------------------------ drawing values

// Uniform in [low, high]: RapidCheck's inRange narrows its range with the size, but here the
// size only sets the fuel (how many statements), so every draw uses the nominal size.
int pick(int low, int high) { return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(low, high + 1)); }

bool chance(int percent) { return pick(0, 99) >= 100 - percent; }  // shrinks towards false

template <typename T>
const T& pick_from(const std::vector<T>& items) {
  if (items.empty()) throw std::logic_error("random_protocol: pick_from an empty list");
  return items[static_cast<std::size_t>(pick(0, static_cast<int>(items.size()) - 1))];
}

// Picks an index among options given with weights; the first option is the one shrinking leads to.
std::size_t pick_weighted(const std::vector<int>& weights) {
  int total = 0;
  for (int w : weights) total += w;
  int draw = pick(0, total - 1);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (draw < weights[i]) return i;
    draw -= weights[i];
  }
  return weights.size() - 1;
}

// Names overlap on purpose: a role, a label and a loop may share a name ("item", "u").
const std::vector<std::string> kRoleNames = {"a", "b", "c", "d", "client", "server", "log", "u", "item"};
// Scribble's labels may be numbers or begin with a digit ("1", "2nd").
const std::vector<std::string> kLabels = {"ok",   "req",  "resp", "data",  "ping", "quit", "err", "ack",
                                          "more", "done", "item", "hello", "1",    "2",    "2nd"};
const std::vector<std::string> kLoopLabels = {"t", "u", "loop"};
const std::vector<std::string> kScalarSorts = {"int", "string", "bool", "uint", "double", "bytes"};
const std::vector<std::string> kSortNames = {"Report", "Status", "Entry"};
const std::vector<std::string> kFieldNames = {"id", "name", "tags", "score", "next"};

constexpr int kMaxDepth = 3;  // nesting of choices and loops

Name name(std::string text) { return Name{std::move(text), {}}; }

// ------------------------------------------------------------------------------ payload sorts

SortRef scalar_sort(const std::vector<std::string>& declared) {
  std::vector<std::string> names = kScalarSorts;
  names.insert(names.end(), declared.begin(), declared.end());
  return SortRef{pick_from(names), {}, {}};
}

SortRef random_sort(const std::vector<std::string>& declared, int depth) {
  const std::size_t leaves = kScalarSorts.size() + declared.size();
  const int kind = pick(0, static_cast<int>(leaves) + (depth < 2 ? 2 : -1));
  if (kind < static_cast<int>(leaves)) {
    const std::size_t k = static_cast<std::size_t>(kind);
    return SortRef{k < kScalarSorts.size() ? kScalarSorts[k] : declared[k - kScalarSorts.size()], {}, {}};
  }
  SortRef sort;
  switch (kind - static_cast<int>(leaves)) {
    case 0:
      sort.name = "list";
      sort.arguments.push_back(random_sort(declared, depth + 1));
      break;
    case 1:
      sort.name = "optional";
      sort.arguments.push_back(random_sort(declared, depth + 1));
      break;
    default:
      sort.name = "map";
      sort.arguments.push_back(scalar_sort({}));
      sort.arguments.push_back(random_sort(declared, depth + 1));
      break;
  }
  return sort;
}

// ------------------------------------------------------------------------------ path state

using Pair = std::pair<std::string, std::string>;  // ordered: first < second

Pair pair_of(const std::string& a, const std::string& b) { return a < b ? Pair{a, b} : Pair{b, a}; }

// What the branches of one choice have taught the other roles: for each role, the peer it first
// hears from (in whichever branch) and the labels of those first messages. Projection merges a
// role's branches only when they begin with messages from one peer; distinct labels keep the
// merge simple.
struct ChoiceInfo {
  std::map<std::string, std::string> informer;
  std::map<std::string, std::set<std::string>> first_labels;
};

// Within a branch of `choice` (or after it), the roles that know which branch was taken: the
// chooser, and every role whose first action there was a receive. Only they may act freely.
struct Frame {
  std::shared_ptr<ChoiceInfo> choice;
  std::set<std::string> informed;
};

struct PathState {
  std::set<Pair> must;        // explicit: connected on every path to here (as check/ computes it)
  std::set<Pair> may;         // explicit: connected on some path to here
  std::vector<bool> guarded;  // per enclosing loop, innermost last: an action since it began
  std::vector<Frame> frames;  // the discipline (empty outside choices or when not disciplined)
};

struct Loop {
  std::string label;
  std::set<Pair> must, may;  // the connections when the loop began
};

// An action that sends a message: `from -> to` or `from ->> to`.
struct Action {
  StatementKind kind;
  std::string from, to;
};

struct CalleeInfo {
  std::string name;
  std::size_t roles;
  bool falls_through;  // whether some path through its body reaches the end (else it loops forever)
  bool has_choice;     // whether its body holds a choice, directly or through a `do`
};

enum class BlockKind { kTop, kBranch, kLoopBody };

// The join of the states where the paths of a choice fall through: `must` intersected, `may`
// united, a loop guarded only if guarded on every path, the discipline's frames intersected.
PathState join(const std::vector<PathState>& states) {
  PathState out = states.front();
  for (std::size_t i = 1; i < states.size(); ++i) {
    const PathState& s = states[i];
    std::set<Pair> must;
    std::set_intersection(out.must.begin(), out.must.end(), s.must.begin(), s.must.end(),
                          std::inserter(must, must.end()));
    out.must = std::move(must);
    out.may.insert(s.may.begin(), s.may.end());
    for (std::size_t g = 0; g < out.guarded.size(); ++g) out.guarded[g] = out.guarded[g] && s.guarded[g];
    for (const Frame& frame : s.frames) {
      auto same = std::find_if(out.frames.begin(), out.frames.end(),
                               [&](const Frame& f) { return f.choice == frame.choice; });
      if (same == out.frames.end()) {
        out.frames.push_back(frame);  // a constraint of some paths only: keeping it is conservative
        continue;
      }
      std::set<std::string> informed;
      std::set_intersection(same->informed.begin(), same->informed.end(), frame.informed.begin(),
                            frame.informed.end(), std::inserter(informed, informed.end()));
      same->informed = std::move(informed);
    }
  }
  return out;
}

// ------------------------------------------------------------------------------ protocols

// How the branches of a choice reach the other roles.
enum class Discipline {
  kNone,        // anyhow: projection may fail
  kLearnFirst,  // a role learns the branch by a receive before it acts (projection likely succeeds)
  kInformAll,   // each branch begins with the chooser telling every other role (safe, see the header)
};

class ProtocolGenerator {
 public:
  ProtocolGenerator(std::vector<std::string> roles, bool explicit_connections, Discipline discipline,
                    int fuel, std::vector<std::string> payload_sorts, std::vector<CalleeInfo> callees)
      : roles_(std::move(roles)),
        explicit_(explicit_connections),
        disciplined_(discipline == Discipline::kLearnFirst),
        inform_all_(discipline == Discipline::kInformAll),
        fuel_(fuel),
        payload_sorts_(std::move(payload_sorts)),
        callees_(std::move(callees)) {}

  // The protocol's body; `falls_through` tells whether some path reaches its end.
  Block generate(bool& falls_through) {
    Block body;
    falls_through = block(body, PathState{}, 0, BlockKind::kTop).has_value();
    return body;
  }

  // Whether the body generated holds a choice, directly or through a `do`.
  bool has_choice() const { return has_choice_; }

 private:
  // ---- the discipline

  // Whether `role` knows the branch of every enclosing choice.
  bool knows(const PathState& s, const std::string& role) const {
    return std::all_of(s.frames.begin(), s.frames.end(),
                       [&](const Frame& f) { return f.informed.count(role) > 0; });
  }

  // The labels `from` may send to `to` now, apart from `excluded`. Never empty: when the pool
  // runs out, fresh labels m1, m2, ... follow.
  std::vector<std::string> labels_for(const PathState& s, const std::string& to,
                                      const std::set<std::string>& excluded) const {
    auto allowed = [&](const std::string& label) {
      if (excluded.count(label)) return false;
      for (const Frame& f : s.frames) {
        if (f.informed.count(to)) continue;
        auto used = f.choice->first_labels.find(to);
        if (used != f.choice->first_labels.end() && used->second.count(label)) return false;
      }
      return true;
    };
    std::vector<std::string> labels;
    for (const std::string& label : kLabels) {
      if (allowed(label)) labels.push_back(label);
    }
    for (int n = 1; labels.empty(); ++n) {
      if (allowed("m" + std::to_string(n))) labels.push_back("m" + std::to_string(n));
    }
    return labels;
  }

  // Whether `to` may hear from `from` now without confusing projection.
  bool may_inform(const PathState& s, const std::string& from, const std::string& to) const {
    if (!knows(s, from)) return false;
    for (const Frame& f : s.frames) {
      if (f.informed.count(to)) continue;
      auto it = f.choice->informer.find(to);
      if (it != f.choice->informer.end() && it->second != from) return false;
    }
    return true;
  }

  static void inform(PathState& s, const std::string& from, const std::string& to, const std::string& label) {
    for (Frame& f : s.frames) {
      if (f.informed.count(to)) continue;
      f.choice->informer.emplace(to, from);
      f.choice->first_labels[to].insert(label);
      f.informed.insert(to);
    }
  }

  // ---- what can happen now

  // The messages that can be sent now (by `only_from`, when given): sends over connected pairs,
  // and in explicit protocols connects to unconnected ones. `discipline` false: ignore it.
  std::vector<Action> messages(const PathState& s, const std::string* only_from, bool discipline) const {
    std::vector<Action> out;
    for (const std::string& from : roles_) {
      if (only_from && from != *only_from) continue;
      for (const std::string& to : roles_) {
        if (from == to || (discipline && !may_inform(s, from, to))) continue;
        const Pair pair = pair_of(from, to);
        if (!explicit_ || s.must.count(pair)) out.push_back({StatementKind::kSend, from, to});
        if (explicit_ && !s.may.count(pair)) out.push_back({StatementKind::kConnect, from, to});
      }
    }
    return out;
  }

  std::vector<Pair> disconnectable(const PathState& s) const {
    std::vector<Pair> out;
    for (const Pair& pair : s.must) {
      if (knows(s, pair.first) && knows(s, pair.second)) out.push_back(pair);
    }
    return out;
  }

  std::vector<std::string> choosers(const PathState& s) const {
    std::vector<std::string> out;
    for (const std::string& role : roles_) {
      if (inform_all_ ? can_inform_all(s, role) : !messages(s, &role, true).empty()) out.push_back(role);
    }
    return out;
  }

  // Inform-all: whether `chooser` can tell every other role the branch, in the same way in every
  // branch: over a connection every path has, or (explicit) by connecting where no path has one.
  bool can_inform_all(const PathState& s, const std::string& chooser) const {
    if (!explicit_) return true;
    for (const std::string& role : roles_) {
      const Pair pair = pair_of(chooser, role);
      if (role != chooser && !s.must.count(pair) && s.may.count(pair)) return false;
    }
    return true;
  }

  // Inform-all: the beginning of a branch of a choice at `chooser`, the chooser sending `label`
  // to every other role, in `order`: over the connection, or connecting (with the label).
  void inform_all(Block& out, PathState& s, const std::string& chooser, const std::vector<std::string>& order,
                  const std::string& label) {
    for (const std::string& role : order) {
      const bool connected = !explicit_ || s.must.count(pair_of(chooser, role)) > 0;
      emit_message(out, s, {connected ? StatementKind::kSend : StatementKind::kConnect, chooser, role}, {},
                   true, &label);
    }
  }

  std::vector<const CalleeInfo*> callable(const PathState& s) const {
    std::size_t knowing = 0;
    for (const std::string& role : roles_) knowing += knows(s, role) ? 1 : 0;
    std::vector<const CalleeInfo*> out;
    for (const CalleeInfo& callee : callees_) {
      // Inform-all: the roles a `do` leaves out would not learn the branches of its choices.
      if (inform_all_ && callee.has_choice && callee.roles < roles_.size()) continue;
      if (callee.roles <= knowing) out.push_back(&callee);
    }
    return out;
  }

  // ---- statements

  Message message(const std::string& label) {
    Message m{name(label), {}, {}};
    const int payloads = pick(0, 2);
    for (int i = 0; i < payloads; ++i) m.payload.push_back(random_sort(payload_sorts_, 0));
    // Sometimes named, as Scribble and νScr write payloads: `m(x0: int)`.
    if (payloads > 0 && chance(30)) {
      for (int i = 0; i < payloads; ++i) m.payload_names.push_back("x" + std::to_string(i));
    }
    return m;
  }

  // Emits `action` with a label not in `excluded` (or with `fixed`, when given); returns the label.
  std::string emit_message(Block& out, PathState& s, const Action& action,
                           const std::set<std::string>& excluded, bool needs_label,
                           const std::string* fixed = nullptr) {
    std::string label = fixed ? *fixed : pick_from(labels_for(s, action.to, excluded));
    Statement st;
    st.kind = action.kind;
    st.from = name(action.from);
    st.to = name(action.to);
    // A connect may go without a message, unless it has to tell a branch apart.
    const bool bare =
        action.kind == StatementKind::kConnect && !needs_label && knows(s, action.to) && chance(25);
    if (!bare) st.message = message(label);
    out.push_back(std::move(st));
    if (action.kind == StatementKind::kConnect) {
      s.must.insert(pair_of(action.from, action.to));
      s.may.insert(pair_of(action.from, action.to));
    }
    inform(s, action.from, action.to, label);
    for (std::size_t g = 0; g < s.guarded.size(); ++g) s.guarded[g] = true;
    return label;
  }

  void emit_disconnect(Block& out, PathState& s, const Pair& pair) {
    Statement st;
    st.kind = StatementKind::kDisconnect;
    const bool swap = chance(50);
    st.from = name(swap ? pair.second : pair.first);
    st.to = name(swap ? pair.first : pair.second);
    out.push_back(std::move(st));
    s.must.erase(pair);
    s.may.erase(pair);
    for (std::size_t g = 0; g < s.guarded.size(); ++g) s.guarded[g] = true;
  }

  void emit_bare_connect(Block& out, PathState& s, const Pair& pair) {
    Statement st;
    st.kind = StatementKind::kConnect;
    st.from = name(pair.first);
    st.to = name(pair.second);
    out.push_back(std::move(st));
    s.must.insert(pair);
    s.may.insert(pair);
    for (std::size_t g = 0; g < s.guarded.size(); ++g) s.guarded[g] = true;
  }

  // A block: some statements, then fall through (perhaps marked by `end;`) or `continue`.
  // Returns the state where it falls through, or nothing when it loops.
  std::optional<PathState> block(Block& out, PathState state, int depth, BlockKind kind) {
    const int length = pick(0, std::min(fuel_, kind == BlockKind::kTop ? 8 : 3));
    for (int i = 0; i < length && fuel_ > 0; ++i) {
      bool emitted = false;
      std::optional<PathState> after = statement(out, state, depth, emitted);
      if (!emitted) break;
      if (!after) return std::nullopt;
      state = std::move(*after);
    }
    return finish(out, std::move(state), kind);
  }

  std::optional<PathState> statement(Block& out, const PathState& s, int depth, bool& emitted) {
    enum Kind { kMessage, kDisconnect, kChoice, kRec, kDo };
    std::vector<Kind> kinds;
    std::vector<int> weights;
    auto offer = [&](Kind kind, int weight) {
      kinds.push_back(kind);
      weights.push_back(weight);
    };
    if (!messages(s, nullptr, true).empty()) offer(kMessage, 8);
    if (explicit_ && !disconnectable(s).empty()) offer(kDisconnect, 1);
    if (depth < kMaxDepth && fuel_ >= 2 && !choosers(s).empty()) offer(kChoice, 3);
    if (depth < kMaxDepth && fuel_ >= 2) offer(kRec, 1);
    if (!explicit_ && !callable(s).empty()) offer(kDo, 2);
    if (kinds.empty()) return std::nullopt;
    emitted = true;
    --fuel_;
    PathState state = s;
    switch (kinds[pick_weighted(weights)]) {
      case kMessage:
        emit_message(out, state, pick_from(messages(s, nullptr, true)), {}, false);
        return state;
      case kDisconnect:
        emit_disconnect(out, state, pick_from(disconnectable(s)));
        return state;
      case kChoice: {
        std::set<std::string> first_labels;
        return choice(out, state, depth, pick_from(choosers(s)), first_labels);
      }
      case kRec:
        return loop(out, std::move(state), depth, nullptr, nullptr);
      case kDo: {
        const CalleeInfo& callee = *pick_from(callable(s));
        call(out, state, callee);
        has_choice_ = has_choice_ || callee.has_choice;
        if (!callee.falls_through) return std::nullopt;
        return state;
      }
    }
    return state;
  }

  // `rec L { ... }`; when `chooser` is given, its body begins with a message of the chooser
  // (it begins a branch of a choice at `chooser`).
  std::optional<PathState> loop(Block& out, PathState state, int depth, const std::string* chooser,
                                std::set<std::string>* first_labels) {
    Statement rec;
    rec.kind = StatementKind::kRec;
    rec.label = name(pick_from(kLoopLabels));
    rec.blocks.emplace_back();
    loops_.push_back({rec.label.text, state.must, state.may});
    state.guarded.push_back(false);
    std::optional<PathState> after = std::move(state);
    if (chooser) after = led_by(rec.blocks.front(), std::move(*after), depth + 1, *chooser, *first_labels);
    // Inform-all: mostly a `while` loop, whose body begins with a choice (to go on or not).
    if (inform_all_ && after && fuel_ >= 2 && !choosers(*after).empty() && chance(60)) {
      --fuel_;
      std::set<std::string> unused;
      const std::string who = pick_from(choosers(*after));
      after = choice(rec.blocks.front(), *after, depth + 1, who, unused);
    }
    if (after) after = block(rec.blocks.front(), std::move(*after), depth + 1, BlockKind::kLoopBody);
    loops_.pop_back();
    out.push_back(std::move(rec));
    if (after) after->guarded.pop_back();
    return after;
  }

  // `do P(roles...)`, with roles that know every enclosing branch.
  void call(Block& out, const PathState& s, const CalleeInfo& callee) {
    std::vector<std::string> free;
    for (const std::string& role : roles_) {
      if (knows(s, role)) free.push_back(role);
    }
    Statement st;
    st.kind = StatementKind::kDo;
    st.label = name(callee.name);
    for (std::size_t i = 0; i < callee.roles; ++i) {
      const std::size_t k = static_cast<std::size_t>(pick(0, static_cast<int>(free.size()) - 1));
      st.arguments.push_back(name(free[k]));
      free.erase(free.begin() + static_cast<std::ptrdiff_t>(k));
    }
    out.push_back(std::move(st));
  }

  // The beginning of a branch of a choice at `chooser`: a message of the chooser with a label
  // not in `first_labels`, or (rarely) a nested choice at the chooser or a loop beginning so.
  std::optional<PathState> led_by(Block& out, PathState s, int depth, const std::string& chooser,
                                  std::set<std::string>& first_labels) {
    std::vector<int> weights = {12};
    if (depth < kMaxDepth && fuel_ >= 2) weights = {12, 1, 1};
    switch (pick_weighted(weights)) {
      case 1:
        --fuel_;
        return choice(out, s, depth, chooser, first_labels);
      case 2:
        --fuel_;
        return loop(out, std::move(s), depth, &chooser, &first_labels);
      default:
        break;
    }
    std::vector<Action> actions = messages(s, &chooser, true);
    if (actions.empty()) actions = messages(s, &chooser, false);  // the discipline cannot be kept here
    // Explicit: a connect that begins a branch must carry the label.
    const std::string label = emit_message(out, s, pick_from(actions), first_labels, true);
    first_labels.insert(label);
    return s;
  }

  std::optional<PathState> choice(Block& out, const PathState& s, int depth, const std::string& chooser,
                                  std::set<std::string>& first_labels) {
    Statement st;
    st.kind = StatementKind::kChoice;
    st.from = name(chooser);
    auto info = std::make_shared<ChoiceInfo>();
    const int branches = pick(2, 3);
    has_choice_ = true;
    // Inform-all: the order in which the chooser tells the others, the same in every branch.
    std::vector<std::string> order;
    std::vector<std::string> free_labels = kLabels;
    if (inform_all_) {
      std::vector<std::string> others;
      for (const std::string& role : roles_) {
        if (role != chooser) others.push_back(role);
      }
      while (!others.empty()) {
        const std::size_t k = static_cast<std::size_t>(pick(0, static_cast<int>(others.size()) - 1));
        order.push_back(others[k]);
        others.erase(others.begin() + static_cast<std::ptrdiff_t>(k));
      }
    }
    std::vector<std::size_t> falling;  // the branches that fall through
    std::vector<PathState> ends;
    for (int b = 0; b < branches; ++b) {
      PathState state = s;
      if (disciplined_) state.frames.push_back(Frame{info, {chooser}});
      st.blocks.emplace_back();
      std::optional<PathState> end;
      if (inform_all_) {
        // A label of this branch only, the same for every role.
        const std::size_t k = static_cast<std::size_t>(pick(0, static_cast<int>(free_labels.size()) - 1));
        const std::string label = free_labels[k];
        free_labels.erase(free_labels.begin() + static_cast<std::ptrdiff_t>(k));
        inform_all(st.blocks.back(), state, chooser, order, label);
        end = std::move(state);
      } else {
        end = led_by(st.blocks.back(), std::move(state), depth + 1, chooser, first_labels);
      }
      if (end) end = block(st.blocks.back(), std::move(*end), depth + 1, BlockKind::kBranch);
      if (end) {
        falling.push_back(static_cast<std::size_t>(b));
        ends.push_back(std::move(*end));
      }
    }
    if (ends.empty()) {
      out.push_back(std::move(st));
      return std::nullopt;
    }
    if (explicit_ && chance(40)) equalise(st, falling, ends);
    // The roles that learnt the branch on some path but not on every path that falls through
    // must still learn it (from the same peer) before they act after the choice.
    std::set<std::string> everywhere(roles_.begin(), roles_.end());
    for (PathState& end : ends) {
      auto own = std::find_if(end.frames.begin(), end.frames.end(),
                              [&](const Frame& f) { return f.choice == info; });
      if (own == end.frames.end()) continue;
      std::set<std::string> kept;
      std::set_intersection(everywhere.begin(), everywhere.end(), own->informed.begin(), own->informed.end(),
                            std::inserter(kept, kept.end()));
      everywhere = std::move(kept);
      end.frames.erase(own);
    }
    PathState after = join(ends);
    if (disciplined_) {
      Frame post{info, std::set<std::string>(roles_.begin(), roles_.end())};
      for (const auto& [role, peer] : info->informer) {
        if (!everywhere.count(role)) post.informed.erase(role);
      }
      if (post.informed.size() < roles_.size()) after.frames.push_back(std::move(post));
    }
    out.push_back(std::move(st));
    return after;
  }

  // Explicit: disconnects, at the end of the branches that fall through, the pairs connected on
  // some of them only, so that they can be used again after the choice.
  void equalise(Statement& choice, const std::vector<std::size_t>& falling, std::vector<PathState>& ends) {
    std::set<Pair> common = ends.front().must;
    for (const PathState& end : ends) {
      std::set<Pair> kept;
      std::set_intersection(common.begin(), common.end(), end.must.begin(), end.must.end(),
                            std::inserter(kept, kept.end()));
      common = std::move(kept);
    }
    for (std::size_t i = 0; i < ends.size(); ++i) {
      PathState& end = ends[i];
      const std::set<Pair> must = end.must;
      Block& branch = choice.blocks[falling[i]];
      // Before the branch's `end;`, which must stay last.
      std::optional<Statement> marker;
      if (!branch.empty() && branch.back().kind == StatementKind::kEnd) {
        marker = std::move(branch.back());
        branch.pop_back();
      }
      for (const Pair& pair : must) {
        if (common.count(pair) || !knows(end, pair.first) || !knows(end, pair.second)) continue;
        emit_disconnect(branch, end, pair);
      }
      if (marker) branch.push_back(std::move(*marker));
    }
  }

  // What must happen before `continue` to `loop` so that the loop's connections are what they
  // were when it began: disconnects (first) and bare connects (second); nothing when impossible.
  std::optional<std::pair<std::vector<Pair>, std::vector<Pair>>> restore(const PathState& s,
                                                                         const Loop& loop) const {
    std::pair<std::vector<Pair>, std::vector<Pair>> fixes;
    if (!explicit_) return fixes;
    for (const Pair& pair : s.may) {
      if (loop.may.count(pair)) continue;
      if (!s.must.count(pair) || !knows(s, pair.first) || !knows(s, pair.second)) return std::nullopt;
      fixes.first.push_back(pair);
    }
    for (const Pair& pair : loop.must) {
      if (s.must.count(pair)) continue;
      if (s.may.count(pair) || !knows(s, pair.first) || !knows(s, pair.second)) return std::nullopt;
      fixes.second.push_back(pair);
    }
    return fixes;
  }

  std::optional<PathState> finish(Block& out, PathState s, BlockKind kind) {
    // The loops a `continue` can reach (the innermost of each label) with guarded recursion.
    std::vector<std::size_t> targets;
    std::set<std::string> seen;
    for (std::size_t i = loops_.size(); i-- > 0;) {
      if (!seen.insert(loops_[i].label).second) continue;
      auto fixes = restore(s, loops_[i]);
      if (fixes && (s.guarded[i] || !fixes->first.empty() || !fixes->second.empty())) targets.push_back(i);
    }
    std::vector<int> weights;
    switch (kind) {
      case BlockKind::kTop:
        weights = {8, 1};
        break;
      case BlockKind::kBranch:
        weights = {5, 1};
        break;
      case BlockKind::kLoopBody:
        weights = {2, 1};
        break;
    }
    if (!targets.empty()) weights.push_back(kind == BlockKind::kLoopBody ? 8 : 4);
    switch (pick_weighted(weights)) {
      case 0:
        return s;
      case 1: {
        // `end;` marks the end of its block only: what follows the block comes next.
        Statement end;
        end.kind = StatementKind::kEnd;
        out.push_back(std::move(end));
        return s;
      }
      default: {
        const Loop& loop = loops_[pick_from(targets)];
        auto fixes = restore(s, loop);
        for (const Pair& pair : fixes->first) emit_disconnect(out, s, pair);
        for (const Pair& pair : fixes->second) emit_bare_connect(out, s, pair);
        Statement st;
        st.kind = StatementKind::kContinue;
        st.label = name(loop.label);
        out.push_back(std::move(st));
        return std::nullopt;
      }
    }
  }

  const std::vector<std::string> roles_;
  const bool explicit_;
  const bool disciplined_;
  const bool inform_all_;
  bool has_choice_ = false;
  int fuel_;  // statements left to generate (choice branches may overrun it a little)
  const std::vector<std::string> payload_sorts_;
  const std::vector<CalleeInfo> callees_;
  std::vector<Loop> loops_;  // the enclosing `rec`s, innermost last
};

// ------------------------------------------------------------------------------ files

std::vector<std::string> distinct_roles(int count) {
  std::vector<std::string> roles;
  std::vector<std::string> free = kRoleNames;
  for (int i = 0; i < count; ++i) {
    const std::size_t k = static_cast<std::size_t>(pick(0, static_cast<int>(free.size()) - 1));
    roles.push_back(free[k]);
    free.erase(free.begin() + static_cast<std::ptrdiff_t>(k));
  }
  return roles;
}

gtype::SourceFile generate_file(int size, bool safe) {
  gtype::SourceFile file;
  std::vector<std::string> payload_sorts;  // declared so far
  const int sorts = pick(0, 2);
  for (int i = 0; i < sorts; ++i) {
    gtype::SortDecl sort;
    sort.name = name(kSortNames[static_cast<std::size_t>(i)]);
    std::vector<std::string> fields = kFieldNames;
    const int count = pick(1, 3);
    for (int f = 0; f < count; ++f) {
      const std::size_t k = static_cast<std::size_t>(pick(0, static_cast<int>(fields.size()) - 1));
      sort.fields.push_back(gtype::Field{name(fields[k]), random_sort(payload_sorts, 0)});
      fields.erase(fields.begin() + static_cast<std::ptrdiff_t>(k));
    }
    file.sorts.push_back(std::move(sort));
    payload_sorts.push_back(kSortNames[static_cast<std::size_t>(i)]);
  }
  if (chance(25)) {
    file.types.push_back(gtype::TypeDecl{name("Count"), "cpp", "std::int64_t", "<cstdint>", {}});
    payload_sorts.push_back("Count");
  }

  const int protocols = pick(1, 1 + size / 50);
  const int fuel = 2 + size / 5 / protocols;
  std::vector<CalleeInfo> callees;  // the non-explicit protocols so far, which `do` may inline
  for (int p = 0; p < protocols; ++p) {
    gtype::GlobalProtocol protocol;
    protocol.name = name("Proto" + std::to_string(p));
    protocol.explicit_connections = chance(40);
    const Discipline discipline = safe         ? Discipline::kInformAll
                                  : chance(30) ? Discipline::kNone
                                               : Discipline::kLearnFirst;
    protocol.roles.clear();
    for (const std::string& role : distinct_roles(pick(2, 5))) protocol.roles.push_back(name(role));
    std::vector<std::string> roles;
    for (const Name& role : protocol.roles) roles.push_back(role.text);
    ProtocolGenerator generator(roles, protocol.explicit_connections, discipline, fuel, payload_sorts,
                                protocol.explicit_connections ? std::vector<CalleeInfo>{} : callees);
    bool falls_through = true;
    protocol.body = generator.generate(falls_through);
    if (!protocol.explicit_connections)
      callees.push_back({protocol.name.text, roles.size(), falls_through, generator.has_choice()});
    file.protocols.push_back(std::move(protocol));
  }
  return file;
}

}  // namespace

rc::Gen<RandomFile> random_file() {
  return rc::gen::withSize(
      [](int size) { return rc::gen::exec([size] { return RandomFile{generate_file(size, false)}; }); });
}

rc::Gen<RandomFile> random_safe_file() {
  return rc::gen::withSize(
      [](int size) { return rc::gen::exec([size] { return RandomFile{generate_file(size, true)}; }); });
}

void showValue(const RandomFile& value, std::ostream& out) {
  out << "\n" << gtype::print_file(value.file, gtype::Spelling::kArrow);
}

}  // namespace gtype_test
