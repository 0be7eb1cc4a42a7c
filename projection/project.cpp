// Pass: projection of a global type onto one role.
//
// Checks nothing of the protocol itself (check/ has done that) except what only projection can
// see: that every role other than the chooser can tell the branches of each choice apart. The
// rules are the contract's (section 1, "Projection of a choice", revised): the branches where
// the role does nothing and ends are dropped; equal projections merge to themselves; otherwise
// each must begin with receives or accepts from one peer, distinct labels, a label in several
// branches merging their continuations. A branch that only loops back (`t`) is kept as `t`: its
// first actions are those of the loop's body, known once the whole body is projected, so it is
// checked then (PendingLoop), and dropped where the body reaches the choice again without the
// role acting (the role then waits in the choice through the loop's rounds). A branch may also
// begin with a loop whose first action is a receive or accept (`mu t.b?l().t`); it is kept
// whole, unless a label of its first round begins another branch: then it is unfolded once
// (merge_unfolded) and the continuations merge, as for any shared label. Projected actions carry the place of
// their global statement, so that a projection error can point at what the role does in each
// branch.
#include <algorithm>
#include <cassert>
#include <map>
#include <set>

#include "global_type.h"
#include "gtype/print.h"
#include "gtype/projection.h"

namespace gtype::projection {
namespace {

LocalTypePtr make_end() { return std::make_shared<LocalType>(); }

LocalTypePtr make_var(const std::string& variable) {
  auto t = std::make_shared<LocalType>();
  t->kind = LocalKind::kVar;
  t->variable = variable;
  return t;
}

LocalTypePtr make_action(LocalKind kind, const std::string& peer, const std::optional<Message>& message,
                         LocalTypePtr next, SourceLocation location) {
  auto t = std::make_shared<LocalType>();
  t->kind = kind;
  t->location = location;
  t->peer = Name{peer, {}};
  t->message = message;
  t->next = std::move(next);
  return t;
}

// A choice of one branch is that branch.
LocalTypePtr make_choice(std::vector<LocalTypePtr> branches, SourceLocation location) {
  assert(!branches.empty());
  if (branches.size() == 1) return branches.front();
  auto t = std::make_shared<LocalType>();
  t->kind = LocalKind::kChoice;
  t->location = location;
  t->branches = std::move(branches);
  return t;
}

bool uses_variable(const LocalType& t, const std::string& variable) {
  if (t.kind == LocalKind::kVar) return t.variable == variable;
  if (t.kind == LocalKind::kRec && t.variable == variable) return false;  // shadowed
  if (t.next && uses_variable(*t.next, variable)) return true;
  for (const LocalTypePtr& branch : t.branches) {
    if (uses_variable(*branch, variable)) return true;
  }
  return false;
}

// The first action of a type, looking through `mu`; the type itself when it is no action.
const LocalType& first_of(const LocalType& t) {
  const LocalType* first = &t;
  while (first->kind == LocalKind::kRec && first->next) first = first->next.get();
  return *first;
}

// The actions a type can begin with, through `mu` and choices; the type itself when it begins
// with no action (end, a variable).
std::vector<const LocalType*> first_actions(const LocalType& t) {
  const LocalType& first = first_of(t);
  if (first.kind != LocalKind::kChoice) return {&first};
  std::vector<const LocalType*> out;
  for (const LocalTypePtr& branch : first.branches) {
    for (const LocalType* action : first_actions(*branch)) out.push_back(action);
  }
  return out;
}

// first_actions without the lone variables of choices: a branch that loops back begins with
// what its loop begins with, which is checked with the loop (see PendingLoop).
std::vector<const LocalType*> first_actions_here(const LocalType& t) {
  std::vector<const LocalType*> out = first_actions(t);
  std::erase_if(out, [](const LocalType* first) { return first->kind == LocalKind::kVar; });
  return out;
}

// What a role does first, for error messages.
std::string describe(const LocalType& t) {
  auto quoted = [](std::string text) { return text.insert(0, 1, '\'').append(1, '\''); };
  const std::string peer = quoted(t.peer.text);
  const std::string message = t.message ? quoted(print_message(*t.message)) : std::string();
  switch (t.kind) {
    case LocalKind::kSend:
      return "sends " + message + " to " + peer;
    case LocalKind::kReceive:
      return "receives " + message + " from " + peer;
    case LocalKind::kConnect:
      return "connects to " + peer + (t.message ? " with " + message : " without a message");
    case LocalKind::kAccept:
      return "accepts a connection from " + peer + (t.message ? " with " + message : " without a message");
    case LocalKind::kDisconnect:
      return "disconnects from " + peer;
    case LocalKind::kChoice: {
      bool sends = false;
      for (const LocalType* action : first_actions(t)) sends = sends || is_output(action->kind);
      return sends ? "makes a choice of its own" : "waits for one of several messages";
    }
    case LocalKind::kRec:
      return "enters a loop that " + describe(first_of(t));
    default:
      return "does nothing";
  }
}

// The free variables of `t`, those bound by `mu`s inside it excluded.
void free_variables(const LocalType& t, std::set<std::string>& bound, std::set<std::string>& out) {
  if (t.kind == LocalKind::kVar && !bound.count(t.variable)) out.insert(t.variable);
  const bool binds = t.kind == LocalKind::kRec && bound.insert(t.variable).second;
  if (t.next) free_variables(*t.next, bound, out);
  for (const LocalTypePtr& branch : t.branches) free_variables(*branch, bound, out);
  if (binds) bound.erase(t.variable);
}

// `t` with `loop` for the free occurrences of `loop->variable`; null where a `mu` of `t` would
// capture a free variable of `loop` (a nested loop reusing an outer loop's name).
LocalTypePtr substitute(const LocalTypePtr& t, const LocalTypePtr& loop, const std::set<std::string>& free) {
  if (t->kind == LocalKind::kVar) return t->variable == loop->variable ? loop : t;
  if (t->kind == LocalKind::kRec && t->variable == loop->variable) return t;  // shadowed
  if (t->kind == LocalKind::kRec && free.count(t->variable) && uses_variable(*t->next, loop->variable))
    return nullptr;
  auto copy = std::make_shared<LocalType>(*t);
  if (t->next && !(copy->next = substitute(t->next, loop, free))) return nullptr;
  for (LocalTypePtr& branch : copy->branches) {
    if (!(branch = substitute(branch, loop, free))) return nullptr;
  }
  return copy;
}

// `mu t.S` unfolded once: S with `mu t.S` for t (null where that would capture a name).
LocalTypePtr unfold(const LocalTypePtr& loop) {
  assert(loop->kind == LocalKind::kRec);
  std::set<std::string> bound, free;
  free_variables(*loop, bound, free);
  return substitute(loop->next, loop, free);
}

// Whether `a` and `b` are the same type up to the names of their loops (lowering numbers the
// loops of each copy of a protocol apart: `mu loop_2.` and `mu loop_3.` may be the same loop).
// `renamed` maps each loop variable of `a` bound on the way down to its partner in `b`.
bool alpha_equal(const LocalType& a, const LocalType& b, std::map<std::string, std::string>& renamed) {
  // Shared subterms (projections share them freely) are equal unless a loop was renamed.
  if (&a == &b &&
      std::all_of(renamed.begin(), renamed.end(), [](const auto& p) { return p.first == p.second; }))
    return true;
  if (a.kind != b.kind || a.peer.text != b.peer.text || a.branches.size() != b.branches.size()) return false;
  if (a.message.has_value() != b.message.has_value() || (a.message && !same_message(*a.message, *b.message)))
    return false;
  if (a.kind == LocalKind::kVar) {
    auto partner = renamed.find(a.variable);
    if (partner != renamed.end()) return partner->second == b.variable;
    for (const auto& [unused, bound_in_b] : renamed) {
      if (bound_in_b == b.variable) return false;  // free in a, bound in b
    }
    return a.variable == b.variable;
  }
  std::optional<std::pair<std::string, std::optional<std::string>>> saved;
  if (a.kind == LocalKind::kRec) {
    auto old = renamed.find(a.variable);
    saved.emplace(a.variable, old == renamed.end() ? std::nullopt : std::optional(old->second));
    renamed[a.variable] = b.variable;
  }
  bool same =
      (a.next == nullptr) == (b.next == nullptr) && (!a.next || alpha_equal(*a.next, *b.next, renamed));
  for (std::size_t i = 0; same && i < a.branches.size(); ++i)
    same = alpha_equal(*a.branches[i], *b.branches[i], renamed);
  if (saved) {
    if (saved->second)
      renamed[saved->first] = *saved->second;
    else
      renamed.erase(saved->first);
  }
  return same;
}

bool alpha_equal(const LocalType& a, const LocalType& b) {
  std::map<std::string, std::string> renamed;
  return alpha_equal(a, b, renamed);
}

// The branches of a merge, printed and sorted: the same key means the same merge.
std::string merge_key(const std::vector<LocalTypePtr>& types) {
  std::vector<std::string> printed;
  printed.reserve(types.size());
  for (const LocalTypePtr& t : types) printed.push_back(print_local_type(*t));
  std::sort(printed.begin(), printed.end());
  std::string key;
  for (const std::string& p : printed) key.append(p).append(1, '\n');
  return key;
}

struct Branch {
  std::size_t index;  // which branch of the choice being projected
  LocalTypePtr type;
};

// A branch kept as a lone `t` in a merged choice, to be checked when the body of `rec t` is
// projected: the body's first actions must be receives or accepts from `peer` (the peer of the
// other branches; empty when there are none) with labels other than `labels`.
struct PendingLoop {
  std::string variable;
  const GlobalNode* choice;
  std::size_t index;  // the branch
  std::string peer;
  std::map<std::string, std::size_t> labels;  // label of another branch -> that branch
  const LocalType* local = nullptr;           // the merged choice the branch is in
};

// The choices of `t` with a branch `variable` (bound outside `t`): a DAG walk, each shared
// node once.
void choices_looping_to(const LocalType& t, const std::string& variable, std::set<const LocalType*>& visited,
                        std::set<const LocalType*>& out) {
  if (!visited.insert(&t).second) return;
  if (t.kind == LocalKind::kRec && t.variable == variable) return;  // shadowed
  for (const LocalTypePtr& branch : t.branches) {
    if (branch->kind == LocalKind::kVar && branch->variable == variable) out.insert(&t);
    choices_looping_to(*branch, variable, visited, out);
  }
  if (t.next) choices_looping_to(*t.next, variable, visited, out);
}

// The body of `mu variable.` without the branches `variable` of the choices it begins with:
// such a branch loops back to the choice itself, before the role acts, and adds nothing.
LocalTypePtr drop_loops_to_self(const LocalTypePtr& t, const std::string& variable) {
  if (t->kind == LocalKind::kRec) {
    if (t->variable == variable) return t;  // shadowed
    LocalTypePtr next = drop_loops_to_self(t->next, variable);
    if (next == t->next) return t;
    auto copy = std::make_shared<LocalType>(*t);
    copy->next = std::move(next);
    return copy;
  }
  if (t->kind != LocalKind::kChoice) return t;
  std::vector<LocalTypePtr> kept;
  bool changed = false;
  for (const LocalTypePtr& branch : t->branches) {
    if (branch->kind == LocalKind::kVar && branch->variable == variable) {
      changed = true;
      continue;
    }
    kept.push_back(drop_loops_to_self(branch, variable));
    changed = changed || kept.back() != branch;
  }
  if (!changed) return t;
  if (kept.empty()) return make_var(variable);  // the choice only loops: `mu t.t`, nothing
  if (kept.size() == 1) return kept.front();
  auto copy = std::make_shared<LocalType>(*t);
  copy->branches = std::move(kept);
  return copy;
}

class Projector {
 public:
  Projector(std::string role, DiagnosticEngine& diagnostics)
      : role_(std::move(role)), diagnostics_(diagnostics) {}

  // Null when projection is undefined (already reported).
  LocalTypePtr project(const GlobalPtr& g) {
    auto memo = memo_.find(g.get());
    if (memo != memo_.end()) return memo->second;
    LocalTypePtr result = compute(*g);
    memo_[g.get()] = result;
    return result;
  }

 private:
  LocalTypePtr compute(const GlobalNode& g) {
    switch (g.kind) {
      case GlobalKind::kEnd:
        return make_end();
      case GlobalKind::kVar:
        return make_var(g.variable);
      case GlobalKind::kRec: {
        const std::size_t pending_before = pending_.size();
        LocalTypePtr body = project(g.next);
        if (!body) return nullptr;
        body = drop_loops_to_self(body, g.variable);
        if (!check_loop_branches(g, *body, pending_before)) return nullptr;
        if (body->kind == LocalKind::kVar && body->variable == g.variable) return make_end();  // mu t.t
        if (!uses_variable(*body, g.variable)) return body;
        auto t = std::make_shared<LocalType>();
        t->kind = LocalKind::kRec;
        t->location = g.location;
        t->variable = g.variable;
        t->next = std::move(body);
        return t;
      }
      case GlobalKind::kInteraction:
        return interaction(g);
      case GlobalKind::kChoice:
        return g.from == role_ ? internal_choice(g) : merge_choice(g);
    }
    return nullptr;
  }

  LocalTypePtr interaction(const GlobalNode& g) {
    LocalTypePtr next = project(g.next);
    if (!next) return nullptr;
    const bool sender = g.from == role_;
    if (!sender && g.to != role_) return next;
    const std::string& peer = sender ? g.to : g.from;
    switch (g.action) {
      case StatementKind::kSend:
        return make_action(sender ? LocalKind::kSend : LocalKind::kReceive, peer, g.message, next,
                           g.location);
      case StatementKind::kConnect:
        return make_action(sender ? LocalKind::kConnect : LocalKind::kAccept, peer, g.message, next,
                           g.location);
      default:
        return make_action(LocalKind::kDisconnect, peer, std::nullopt, next, g.location);
    }
  }

  LocalTypePtr internal_choice(const GlobalNode& g) {
    std::vector<LocalTypePtr> branches;
    for (const GlobalPtr& branch : g.branches) {
      LocalTypePtr t = project(branch);
      if (!t) return nullptr;
      // A choice at the same role that begins a branch is part of this one.
      if (t->kind == LocalKind::kChoice) {
        branches.insert(branches.end(), t->branches.begin(), t->branches.end());
      } else {
        branches.push_back(std::move(t));
      }
    }
    return make_choice(std::move(branches), g.location);
  }

  LocalTypePtr merge_choice(const GlobalNode& g) {
    std::vector<Branch> branches;
    for (std::size_t i = 0; i < g.branches.size(); ++i) {
      LocalTypePtr t = project(g.branches[i]);
      if (!t) return nullptr;
      branches.push_back({i, std::move(t)});
    }
    return merge(g, branches);
  }

  // Drops the branches where the role does nothing and ends, and merges the rest.
  LocalTypePtr merge(const GlobalNode& choice, const std::vector<Branch>& branches) {
    std::vector<Branch> acting, loops;
    for (const Branch& b : branches) {
      if (b.type->kind != LocalKind::kEnd) acting.push_back(b);
    }
    if (acting.empty()) return make_end();  // the role takes no part
    // A role that does the same in every branch left need not learn which was chosen; where it
    // does not, the verifier finds what goes wrong.
    bool all_same = true;
    for (const Branch& b : acting) all_same = all_same && alpha_equal(*b.type, *acting.front().type);
    if (all_same) return acting.front().type;

    // Every other branch must begin with receives or accepts from one peer. Its options: the
    // branch itself when it begins with an input, the options of an external choice, or a loop
    // all of whose first actions are inputs, kept whole. A lone `t` is checked later.
    std::vector<Branch> options;
    for (const Branch& b : acting) {
      if (b.type->kind == LocalKind::kVar) {
        loops.push_back(b);
        continue;
      }
      if (const LocalType* culprit = take_options(b.index, b.type, options, loops)) {
        fail(choice, {{b.index, b.type}},
             "in branch " + std::to_string(b.index + 1) + " it first " + describe(*culprit) +
                 ", so it cannot learn which branch was chosen",
             culprit);
        return nullptr;
      }
    }
    const std::size_t pending_before = pending_.size();
    if (options.empty()) {  // only loops back, to different loops
      Merged merged;
      add_loop_branches(choice, loops, options, merged);
      return settle(make_merged(std::move(merged), choice.location), pending_before);
    }
    const LocalType& first = *first_actions_here(*options.front().type).front();
    for (const Branch& b : options) {
      for (const LocalType* action : first_actions_here(*b.type)) {
        if (action->peer.text == first.peer.text) continue;
        fail(choice, {options.front(), b},
             "it " + describe(first) + " in branch " + std::to_string(options.front().index + 1) + " but " +
                 describe(*action) + " in branch " + std::to_string(b.index + 1) +
                 "; the branches must begin with messages from one peer",
             nullptr, action);
        return nullptr;
      }
    }
    // Group the options by label, in order of first appearance: the options that begin with
    // the same message merge. A loop keeps all its first labels for itself.
    std::vector<std::vector<Branch>> groups;
    std::map<std::string, std::size_t> group_of;
    for (const Branch& b : options) {
      if (b.type->kind == LocalKind::kRec) {
        bool again = false;  // the very same loop in another branch
        for (const std::vector<Branch>& group : groups)
          again = again || alpha_equal(*group.front().type, *b.type);
        if (again) continue;
      }
      std::optional<std::size_t> group;
      for (const LocalType* action : first_actions_here(*b.type)) {
        const std::string label = action->message ? action->message->label.text : std::string();
        auto found = group_of.find(label);
        if (found == group_of.end()) continue;
        const Branch& other = groups[found->second].front();
        if (b.type->kind == LocalKind::kRec || other.type->kind == LocalKind::kRec) {
          if (LocalTypePtr merged = merge_unfolded(choice, options, loops)) return merged;
          if (!unfold_failed_) return nullptr;  // reported inside
          unfold_failed_ = false;
          fail(choice, {other, b},
               "label '" + label + "' begins branch " + std::to_string(other.index + 1) + " and branch " +
                   std::to_string(b.index + 1) +
                   ", and one of them is a loop, which cannot be merged with another branch",
               nullptr);
          return nullptr;
        }
        group = found->second;
      }
      if (!group) {
        group = groups.size();
        groups.emplace_back();
        for (const LocalType* action : first_actions_here(*b.type)) {
          group_of.emplace(action->message ? action->message->label.text : std::string(), *group);
        }
      }
      groups[*group].push_back(b);
    }
    // An accept without a message tells the role nothing when some other branch begins with
    // another message from the same peer.
    if (groups.size() > 1 && group_of.count("")) {
      Branch one = groups[group_of.at("")].front();
      Branch two = groups[group_of.at("") == 0 ? 1 : 0].front();
      if (two.index < one.index) std::swap(one, two);
      fail(choice, {one, two},
           "it " + describe(*first_actions(*one.type).front()) + " in branch " +
               std::to_string(one.index + 1) + " but " + describe(*first_actions(*two.type).front()) +
               " in branch " + std::to_string(two.index + 1) + ", so it cannot tell the branches apart",
           nullptr);
      return nullptr;
    }
    Merged merged;
    add_loop_branches(choice, loops, options, merged);
    for (const std::vector<Branch>& group : groups) {
      if (group.size() == 1) {
        merged.emplace_back(group.front().index, group.front().type);
        continue;
      }
      const LocalType& head = *group.front().type;
      std::vector<Branch> continuations;
      for (const Branch& b : group) {
        const LocalType& t = *b.type;
        const bool same_message = t.message.has_value() == head.message.has_value() &&
                                  (!t.message || gtype::same_message(*t.message, *head.message));
        if (t.kind != head.kind || !same_message) {
          fail(choice, {group.front(), b},
               "it " + describe(head) + " in branch " + std::to_string(group.front().index + 1) + " but " +
                   describe(t) + " in branch " + std::to_string(b.index + 1) +
                   "; the same label must be the same action with the same payload in every branch",
               nullptr);
          return nullptr;
        }
        continuations.push_back({b.index, t.next});
      }
      LocalTypePtr next = merge(choice, continuations);
      if (!next) return nullptr;
      merged.emplace_back(group.front().index,
                          make_action(head.kind, head.peer.text, head.message, next, head.location));
    }
    return settle(make_merged(std::move(merged), choice.location), pending_before);
  }

  // Merges `options` and `loops` again with every loop among the options unfolded once, so that
  // a label its first round shares with another branch merges their continuations. Null with
  // unfold_failed_ set where that cannot work: a loop that would capture a name, or a merge that
  // comes back to itself (two loops whose rounds never line up); null otherwise when an error
  // was reported inside.
  LocalTypePtr merge_unfolded(const GlobalNode& choice, const std::vector<Branch>& options,
                              const std::vector<Branch>& loops) {
    std::vector<Branch> branches = loops;
    std::vector<LocalTypePtr> types;
    for (const Branch& b : options) {
      LocalTypePtr t = b.type->kind == LocalKind::kRec ? unfold(b.type) : b.type;
      if (!t) {
        unfold_failed_ = true;
        return nullptr;
      }
      branches.push_back({b.index, t});
      types.push_back(b.type);
    }
    for (const Branch& b : loops) types.push_back(b.type);
    const std::string key = merge_key(types);
    if (!unfolding_.insert(key).second) {
      unfold_failed_ = true;
      return nullptr;
    }
    std::stable_sort(branches.begin(), branches.end(),
                     [](const Branch& x, const Branch& y) { return x.index < y.index; });
    LocalTypePtr merged = merge(choice, branches);
    unfolding_.erase(key);
    return merged;
  }

  // Records that the lone `t`s left pending since `pending_before` are branches of `choice`.
  LocalTypePtr settle(LocalTypePtr choice, std::size_t pending_before) {
    for (std::size_t i = pending_before; i < pending_.size(); ++i) {
      if (pending_[i].local == nullptr) pending_[i].local = choice.get();
    }
    return choice;
  }

  // The branches of a merged choice, each with the first branch of the global choice it comes
  // from: they are put back in that order.
  using Merged = std::vector<std::pair<std::size_t, LocalTypePtr>>;

  static LocalTypePtr make_merged(Merged merged, SourceLocation location) {
    std::stable_sort(merged.begin(), merged.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<LocalTypePtr> branches;
    for (auto& entry : merged) branches.push_back(std::move(entry.second));
    return make_choice(std::move(branches), location);
  }

  // Keeps each lone `t` (once) as a branch of the merged choice, to be checked with the body of
  // `rec t` (check_loop_branches).
  void add_loop_branches(const GlobalNode& choice, const std::vector<Branch>& loops,
                         const std::vector<Branch>& options, Merged& merged) {
    std::string peer;
    std::map<std::string, std::size_t> labels;
    for (const Branch& b : options) {
      for (const LocalType* action : first_actions_here(*b.type)) {
        peer = action->peer.text;
        labels.emplace(action->message ? action->message->label.text : std::string(), b.index);
      }
    }
    std::set<std::string> kept;
    for (const Branch& b : loops) {
      if (!kept.insert(b.type->variable).second) continue;  // the same loop, from another branch
      pending_.push_back({b.type->variable, &choice, b.index, peer, labels});
      merged.emplace_back(b.index, b.type);
    }
  }

  // Checks the lone `t`s that the body of `rec t` (projected, `body`) left pending: the body
  // must begin with receives or accepts from the peer of the other branches of each choice,
  // with labels of their own. Returns false when one fails (reported).
  bool check_loop_branches(const GlobalNode& rec, const LocalType& body, std::size_t pending_before) {
    const std::vector<const LocalType*> firsts = first_actions(body);
    // Only the choices still in the body: those the body begins with lost their `t` branch.
    std::set<const LocalType*> visited, looping;
    bool any = false;
    for (std::size_t i = pending_before; i < pending_.size(); ++i)
      any = any || pending_[i].variable == rec.variable;
    if (any) choices_looping_to(body, rec.variable, visited, looping);
    bool ok = true;
    std::vector<PendingLoop> others;
    for (std::size_t i = pending_before; i < pending_.size(); ++i) {
      const PendingLoop& loop = pending_[i];
      if (loop.variable != rec.variable) {
        others.push_back(loop);
        continue;
      }
      if (!looping.count(loop.local)) continue;
      for (const LocalType* first : firsts) {
        if (!is_action(first->kind)) continue;  // another loop's round, or nothing
        std::string why;
        if (!is_input(first->kind)) {
          why = "it first " + describe(*first) + " there, so it cannot learn which branch was chosen";
        } else if (!loop.peer.empty() && first->peer.text != loop.peer) {
          why = "it first " + describe(*first) + " there, but hears from '" + loop.peer +
                "' in the other branches; the branches must begin with messages from one peer";
        } else if (auto other = loop.labels.find(first->message ? first->message->label.text : std::string());
                   other != loop.labels.end()) {
          why = "it first " + describe(*first) + " there, as in branch " + std::to_string(other->second + 1) +
                ", and a loop's next round cannot be merged with another branch";
        } else {
          continue;
        }
        fail_loop(rec, loop, *first, why);
        ok = false;
        break;
      }
    }
    pending_.resize(pending_before);
    pending_.insert(pending_.end(), others.begin(), others.end());
    return ok;
  }

  void fail_loop(const GlobalNode& rec, const PendingLoop& loop, const LocalType& first,
                 const std::string& why) {
    const GlobalNode& choice = *loop.choice;
    Diagnostic& d =
        diagnostics_.error(choice.location, "cannot project the choice at '" + choice.from + "' onto role '" +
                                                role_ + "': branch " + std::to_string(loop.index + 1) +
                                                " loops back to 'rec " + rec.variable + "', and " + why);
    d.notes.push_back(
        {choice.branch_locations[loop.index], "branch " + std::to_string(loop.index + 1) + " begins here"});
    if (first.location.valid())
      d.notes.push_back(
          {first.location, "'" + role_ + "' " + describe(first) + " here, in the loop's next round"});
    for (const CallSite* site = choice.calls.get(); site != nullptr; site = site->outer.get()) {
      d.notes.push_back({site->call->location, "in '" + site->call->label.text + "', inlined here"});
    }
  }

  // Adds the options `type` offers as a branch of an external choice (see merge); returns the
  // action or choice that keeps it from being one, or null.
  static const LocalType* take_options(std::size_t index, const LocalTypePtr& type,
                                       std::vector<Branch>& options, std::vector<Branch>& loops) {
    if (type->kind == LocalKind::kVar) {
      loops.push_back({index, type});
      return nullptr;
    }
    if (type->kind == LocalKind::kChoice) {
      for (const LocalType* action : first_actions_here(*type)) {
        if (!is_input(action->kind)) return type.get();
      }
      for (const LocalTypePtr& option : type->branches) {
        if (const LocalType* culprit = take_options(index, option, options, loops)) return culprit;
      }
      return nullptr;
    }
    if (first_actions_here(*type).empty()) return type.get();  // a loop that only loops back
    for (const LocalType* action : first_actions_here(*type)) {
      if (!is_input(action->kind)) return type->kind == LocalKind::kRec ? type.get() : action;
    }
    options.push_back({index, type});
    return nullptr;
  }

  // Reports that the choice cannot be projected onto the role; the notes show what the role
  // does first in each branch concerned (`first_place`, `second_place` when given), or where
  // the branch begins, when that has no place.
  void fail(const GlobalNode& choice, std::vector<Branch> culprits, const std::string& why,
            const LocalType* first_place = nullptr, const LocalType* second_place = nullptr) {
    Diagnostic& d = diagnostics_.error(choice.location, "cannot project the choice at '" + choice.from +
                                                            "' onto role '" + role_ + "': " + why);
    for (std::size_t i = 0; i < culprits.size(); ++i) {
      const Branch& b = culprits[i];
      const std::string branch = "branch " + std::to_string(b.index + 1);
      const LocalType* place = i == 0 ? first_place : second_place;
      if (place == nullptr) place = first_actions(*b.type).front();
      if (place->location.valid()) {
        d.notes.push_back({place->location, "'" + role_ + "' " + describe(*place) + " here, in " + branch});
      } else {
        d.notes.push_back({choice.branch_locations[b.index], branch + " begins here"});
      }
    }
    for (const CallSite* site = choice.calls.get(); site != nullptr; site = site->outer.get()) {
      d.notes.push_back({site->call->location, "in '" + site->call->label.text + "', inlined here"});
    }
  }

  std::string role_;
  DiagnosticEngine& diagnostics_;
  std::map<const GlobalNode*, LocalTypePtr> memo_;
  std::vector<PendingLoop> pending_;  // lone `t`s of merged choices, until `rec t` is projected
  std::set<std::string> unfolding_;   // merge_keys of the merges with loops unfolded, in progress
  bool unfold_failed_ = false;        // merge_unfolded could not merge (nothing reported)
};

}  // namespace
}  // namespace gtype::projection

namespace gtype {

bool project_protocol(const Program& program, const GlobalProtocol& protocol, DiagnosticEngine& diagnostics,
                      std::vector<RoleProjection>& out) {
  const projection::GlobalPtr global = projection::lower(program, protocol);
  bool ok = true;
  out.clear();
  for (const Name& role : protocol.roles) {
    LocalTypePtr type = projection::Projector(role.text, diagnostics).project(global);
    if (!type) {
      ok = false;
      continue;
    }
    out.push_back({role.text, std::move(type)});
  }
  return ok;
}

}  // namespace gtype
