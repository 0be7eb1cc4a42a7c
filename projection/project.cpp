// Pass: projection of a global type onto one role.
//
// Checks nothing of the protocol itself (check/ has done that) except what only projection can
// see: that every role other than the chooser can tell the branches of each choice apart. The
// rules are the contract's (section 1, "Projection of a choice"); a branch where the role does
// nothing is `end` or a lone recursion variable.
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
                         LocalTypePtr next) {
  auto t = std::make_shared<LocalType>();
  t->kind = kind;
  t->peer = Name{peer, {}};
  t->message = message;
  t->next = std::move(next);
  return t;
}

// A choice of one branch is that branch.
LocalTypePtr make_choice(std::vector<LocalTypePtr> branches) {
  assert(!branches.empty());
  if (branches.size() == 1) return branches.front();
  auto t = std::make_shared<LocalType>();
  t->kind = LocalKind::kChoice;
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

// What a role does first, for error messages.
std::string describe(const LocalType& t) {
  switch (t.kind) {
    case LocalKind::kSend:
      return "sends '" + t.message->label.text + "' to '" + t.peer.text + "'";
    case LocalKind::kReceive:
      return "receives '" + t.message->label.text + "' from '" + t.peer.text + "'";
    case LocalKind::kConnect:
      return "connects to '" + t.peer.text + "'";
    case LocalKind::kAccept:
      return "accepts a connection from '" + t.peer.text + "'";
    case LocalKind::kDisconnect:
      return "disconnects from '" + t.peer.text + "'";
    case LocalKind::kChoice:
      return "makes a choice";
    case LocalKind::kRec:
      return "enters a loop";
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
        return make_action(sender ? LocalKind::kSend : LocalKind::kReceive, peer, g.message, next);
      case StatementKind::kConnect:
        return make_action(sender ? LocalKind::kConnect : LocalKind::kAccept, peer, g.message, next);
      default:
        return make_action(LocalKind::kDisconnect, peer, std::nullopt, next);
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
    return make_choice(std::move(branches));
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
    bool all_same = true;
    for (const Branch& b : acting) all_same = all_same && same_local_type(*b.type, *acting.front().type);
    if (all_same) return acting.front().type;

    // Every acting branch must begin with receives or accepts from one peer.
    std::vector<Branch> inputs;  // one per first message, with its branch
    for (const Branch& b : acting) {
      if (is_input(b.type->kind)) {
        inputs.push_back(b);
        continue;
      }
      bool external = b.type->kind == LocalKind::kChoice;
      for (const LocalTypePtr& option : b.type->branches) external = external && is_input(option->kind);
      if (!external) {
        fail(choice, {b.index}, "in branch " + std::to_string(b.index + 1) + " it first " + describe(*b.type) +
                                    ", so it cannot learn which branch was chosen");
        return nullptr;
      }
      for (const LocalTypePtr& option : b.type->branches) inputs.push_back({b.index, option});
    }
    const Branch& first = inputs.front();
    for (const Branch& b : inputs) {
      if (b.type->peer.text != first.type->peer.text) {
        fail(choice, {first.index, b.index},
             "it " + describe(*first.type) + " in branch " + std::to_string(first.index + 1) + " but " +
                 describe(*b.type) + " in branch " + std::to_string(b.index + 1) +
                 "; the branches must begin with messages from one peer");
        return nullptr;
      }
    }
    // Group by label, in order of first appearance; a label in several branches merges them.
    std::vector<std::vector<Branch>> groups;
    std::map<std::string, std::size_t> group_of;
    for (const Branch& b : inputs) {
      const std::string label = b.type->message ? b.type->message->label.text : std::string();
      auto [it, inserted] = group_of.emplace(label, groups.size());
      if (inserted) groups.emplace_back();
      groups[it->second].push_back(b);
    }
    std::vector<LocalTypePtr> merged;
    for (const std::vector<Branch>& group : groups) {
      const LocalType& head = *group.front().type;
      std::vector<Branch> continuations;
      for (const Branch& b : group) {
        const LocalType& t = *b.type;
        const bool same_message = t.message.has_value() == head.message.has_value() &&
                                  (!t.message || same_local_message(*t.message, *head.message));
        if (t.kind != head.kind || !same_message) {
          fail(choice, {group.front().index, b.index},
               "it " + describe(head) + " in branch " + std::to_string(group.front().index + 1) + " and " +
                   describe(t) + " in branch " + std::to_string(b.index + 1) +
                   " with a different action or payload");
          return nullptr;
        }
        continuations.push_back({b.index, t.next});
      }
      LocalTypePtr next = continuations.size() == 1 ? continuations.front().type : merge(choice, continuations);
      if (!next) return nullptr;
      merged.push_back(make_action(head.kind, head.peer.text, head.message, next));
    }
    return make_choice(std::move(merged));
  }

  static bool same_local_message(const Message& a, const Message& b) { return same_message(a, b); }

  void fail(const GlobalNode& choice, std::vector<std::size_t> branches, const std::string& why) {
    Diagnostic& d = diagnostics_.error(choice.location, "cannot project the choice at '" + choice.from +
                                                            "' onto role '" + role_ + "': " + why);
    if (branches.size() == 2 && branches[0] == branches[1]) branches.pop_back();
    for (std::size_t b : branches) {
      d.notes.push_back({choice.branch_locations[b], "branch " + std::to_string(b + 1) + " begins here"});
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
