// Pass: projection of a global type onto one role.
//
// Checks nothing of the protocol itself (check/ has done that) except what only projection can
// see: that every role other than the chooser can tell the branches of each choice apart. The
// rules are the contract's (section 1, "Projection of a choice"); a branch where the role does
// nothing is `end` or a lone recursion variable. A branch may also begin with a loop whose first
// action is a receive or accept (`mu t.b?l().t`); it is kept whole, so its label must then begin
// no other branch. Projected actions carry the place of their global statement, so that a
// projection error can point at what the role does in each branch.
#include <cassert>
#include <map>

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

bool does_nothing(const LocalType& t) { return t.kind == LocalKind::kEnd || t.kind == LocalKind::kVar; }

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

struct Branch {
  std::size_t index;  // which branch of the choice being projected
  LocalTypePtr type;
};

class Projector {
 public:
  Projector(std::string role, DiagnosticEngine& diagnostics) : role_(std::move(role)), diagnostics_(diagnostics) {}

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
        LocalTypePtr body = project(g.next);
        if (!body) return nullptr;
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

  // Drops the branches where the role does nothing and merges the rest.
  LocalTypePtr merge(const GlobalNode& choice, const std::vector<Branch>& branches) {
    std::vector<Branch> acting;
    for (const Branch& b : branches) {
      if (!does_nothing(*b.type)) acting.push_back(b);
    }
    if (acting.empty()) {
      // The role takes no part: it goes on as every branch does, or ends if they differ.
      for (const Branch& b : branches) {
        if (!same_local_type(*b.type, *branches.front().type)) return make_end();
      }
      return branches.front().type;
    }
    // A role that does the same in every branch need not learn which was chosen. But where it
    // does nothing in some branches, it must learn from a message that it is to act.
    bool all_same = acting.size() == branches.size();
    for (const Branch& b : acting) all_same = all_same && same_local_type(*b.type, *acting.front().type);
    if (all_same) return acting.front().type;

    // Every acting branch must begin with receives or accepts from one peer. Its options: the
    // branch itself when it begins with an input, the options of an external choice, or a loop
    // all of whose first actions are inputs, kept whole.
    std::vector<Branch> options;
    for (const Branch& b : acting) {
      if (const LocalType* culprit = take_options(b.index, b.type, options)) {
        fail(choice, {{b.index, b.type}},
             "in branch " + std::to_string(b.index + 1) + " it first " + describe(*culprit) +
                 ", so it cannot learn which branch was chosen",
             culprit);
        return nullptr;
      }
    }
    const LocalType& first = *first_actions(*options.front().type).front();
    for (const Branch& b : options) {
      for (const LocalType* action : first_actions(*b.type)) {
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
          again = again || same_local_type(*group.front().type, *b.type);
        if (again) continue;
      }
      std::optional<std::size_t> group;
      for (const LocalType* action : first_actions(*b.type)) {
        const std::string label = action->message ? action->message->label.text : std::string();
        auto found = group_of.find(label);
        if (found == group_of.end()) continue;
        const Branch& other = groups[found->second].front();
        if (b.type->kind == LocalKind::kRec || other.type->kind == LocalKind::kRec) {
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
        for (const LocalType* action : first_actions(*b.type)) {
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
    std::vector<LocalTypePtr> merged;
    for (const std::vector<Branch>& group : groups) {
      if (group.size() == 1) {
        merged.push_back(group.front().type);
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
      merged.push_back(make_action(head.kind, head.peer.text, head.message, next, head.location));
    }
    return make_choice(std::move(merged), choice.location);
  }

  // Adds the options `type` offers as a branch of an external choice (see merge); returns the
  // action or choice that keeps it from being one, or null.
  static const LocalType* take_options(std::size_t index, const LocalTypePtr& type,
                                       std::vector<Branch>& options) {
    if (type->kind == LocalKind::kChoice) {
      for (const LocalType* action : first_actions(*type)) {
        if (!is_input(action->kind)) return type.get();
      }
      for (const LocalTypePtr& option : type->branches) {
        if (const LocalType* culprit = take_options(index, option, options)) return culprit;
      }
      return nullptr;
    }
    for (const LocalType* action : first_actions(*type)) {
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
