// Pass: local systems.
//
// Checks each local system: roles declared once; every peer is another role of the system;
// connect, accept and disconnect only in an explicit system; `mu` variables bound and guarded;
// every choice has branches that all begin with sends or connects (internal) or all with
// receives or accepts from one peer (external; `&{ }` must be external), each carrying a label
// (but for a connect, `q!!.T`, told apart by its peer), with distinct labels (per peer for an
// internal choice). A branch that begins with `mu` or with
// a nested choice begins with the first actions of their branches (projection flattens choices
// only where it can; `mu t.+{ … }` stays a branch as it is), and a branch that is a variable,
// `+{ t ; a?x().end }`, with the first actions of its loop (projection keeps a branch that
// loops back so). Does not check that the roles fit
// together: that is what `gtype verify` explores.
#include <map>
#include <set>

#include "passes.h"

namespace gtype::check {
namespace {

struct Variable {
  std::string name;
  SourceLocation location;
  bool guarded;
  const LocalType* loop;  // the `mu` that binds it
};

using Loops = std::map<std::string, const LocalType*>;  // variable -> the `mu` binding it

class LocalSystemChecker {
 public:
  LocalSystemChecker(const LocalSystem& system, DiagnosticEngine& diagnostics)
      : system_(system), diagnostics_(diagnostics) {}

  void run() {
    for (const LocalRole& role : system_.roles) {
      auto [it, inserted] = roles_.emplace(role.role.text, role.role.location);
      if (!inserted) {
        Diagnostic& d = diagnostics_.error(role.role.location, "duplicate role '" + role.role.text +
                                                                   "' in local system '" + system_.name.text + "'");
        d.notes.push_back({it->second, "'" + role.role.text + "' was first declared here"});
      }
    }
    for (const LocalRole& role : system_.roles) {
      if (role.type) type(role.role.text, *role.type, {});
    }
  }

 private:
  void type(const std::string& self, const LocalType& t, std::vector<Variable> scope) {
    switch (t.kind) {
      case LocalKind::kSend:
      case LocalKind::kReceive:
      case LocalKind::kConnect:
      case LocalKind::kAccept:
      case LocalKind::kDisconnect:
        action(self, t);
        for (Variable& v : scope) v.guarded = true;
        if (t.next) type(self, *t.next, std::move(scope));
        return;
      case LocalKind::kChoice: {
        Loops loops;
        for (const Variable& v : scope) loops[v.name] = v.loop;
        choice(t, loops);
        for (const LocalTypePtr& branch : t.branches) type(self, *branch, scope);
        return;
      }
      case LocalKind::kRec:
        scope.push_back({t.variable, t.location, false, &t});
        if (t.next) type(self, *t.next, std::move(scope));
        return;
      case LocalKind::kVar: {
        for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
          if (it->name != t.variable) continue;
          if (!it->guarded) {
            Diagnostic& d = diagnostics_.error(t.location, "unguarded recursion: '" + t.variable +
                                                               "' is reached without any action since 'mu " +
                                                               t.variable + "'");
            d.notes.push_back({it->location, "the loop starts here"});
          }
          return;
        }
        auto bound = [&] {
          std::vector<std::string> names;
          for (const Variable& v : scope) names.push_back(v.name);
          return names;
        };
        diagnostics_.error(t.location, "unbound recursion variable '" + t.variable + "'" +
                                           did_you_mean(diagnostics_, t.variable, bound));
        return;
      }
      case LocalKind::kEnd:
        return;
    }
  }

  void action(const std::string& self, const LocalType& t) {
    const std::string& peer = t.peer.text;
    if (peer == self) {
      diagnostics_.error(t.peer.location, "role '" + self + "' cannot interact with itself");
    } else if (!peer.empty() && !roles_.count(peer)) {
      auto roles = [&] {
        std::vector<std::string> names;
        for (const auto& [role, location] : roles_) names.push_back(role);
        return names;
      };
      Diagnostic& d =
          diagnostics_.error(t.peer.location, "unknown role '" + peer + "' in local system '" +
                                                  system_.name.text + "'" + did_you_mean(diagnostics_, peer, roles));
      d.notes.push_back({system_.name.location, "the roles of '" + system_.name.text + "' are the entries here"});
    }
    const bool connection = t.kind == LocalKind::kConnect || t.kind == LocalKind::kAccept ||
                            t.kind == LocalKind::kDisconnect;
    if (connection && !system_.explicit_connections) {
      Diagnostic& d = diagnostics_.error(t.location, "connection actions ('!!', '?\?', '#') are only allowed in an "
                                                     "explicit local system");
      d.notes.push_back({system_.location, "declare it 'explicit local system " + system_.name.text + "'"});
    }
  }

  // The actions a branch can begin with: its first action, or, when it begins with a `mu` or
  // a nested choice, those of their branches, or, when it is a variable, those of its loop
  // (each loop once: an unguarded one is reported elsewhere). Null for a branch that can begin
  // with nothing.
  static void first_actions(const LocalType& t, Loops loops, std::set<const LocalType*>& unfolded,
                            std::vector<const LocalType*>& out) {
    if (t.kind == LocalKind::kRec && t.next) {
      loops[t.variable] = &t;
      first_actions(*t.next, std::move(loops), unfolded, out);
    } else if (t.kind == LocalKind::kChoice) {
      for (const LocalTypePtr& branch : t.branches) first_actions(*branch, loops, unfolded, out);
    } else if (t.kind == LocalKind::kVar) {
      auto loop = loops.find(t.variable);
      if (loop == loops.end()) return out.push_back(nullptr);  // unbound: reported elsewhere
      if (unfolded.insert(loop->second).second) first_actions(*loop->second, loops, unfolded, out);
    } else {
      out.push_back(is_action(t.kind) ? &t : nullptr);
    }
  }

  void choice(const LocalType& t, const Loops& loops) {
    std::vector<const LocalType*> firsts;
    for (const LocalTypePtr& branch : t.branches) {
      std::vector<const LocalType*> actions;
      std::set<const LocalType*> unfolded;
      first_actions(*branch, loops, unfolded, actions);
      for (const LocalType* first : actions) {
        if (first == nullptr) {
          diagnostics_.error(branch->location,
                             "a choice branch must begin with a send, connect, receive or accept");
          break;
        }
        if (first->kind == LocalKind::kDisconnect) {
          diagnostics_.error(first->location,
                             "a choice branch cannot begin with a disconnect ('#'): it must begin "
                             "with a send, connect, receive or accept");
        } else if (!first->message && first->kind != LocalKind::kConnect) {
          diagnostics_.error(first->location,
                             "a choice branch must begin with a message, to tell the branches apart");
        } else {
          firsts.push_back(first);
        }
      }
    }
    if (firsts.empty()) return;
    const bool internal = is_output(firsts.front()->kind);
    if (t.written_as_external && internal) {
      diagnostics_.error(firsts.front()->location, "'&{ }' is an external choice, but this branch sends");
      return;
    }
    std::map<std::pair<std::string, std::string>, SourceLocation> labels;  // (peer, label)
    for (const LocalType* first : firsts) {
      if (is_output(first->kind) != internal) {
        Diagnostic& d = diagnostics_.error(first->location, "a choice cannot mix sends and receives");
        d.notes.push_back({firsts.front()->location, std::string("the first branch ") +
                                                         (internal ? "sends" : "receives")});
        continue;
      }
      if (!internal && first->peer.text != firsts.front()->peer.text) {
        Diagnostic& d = diagnostics_.error(first->peer.location, "an external choice must receive from one peer: '" +
                                                                     first->peer.text + "' is not '" +
                                                                     firsts.front()->peer.text + "'");
        d.notes.push_back({firsts.front()->peer.location, "the first branch receives from '" +
                                                              firsts.front()->peer.text + "'"});
        continue;
      }
      // A connect without a message (`q!!.T`) is told apart by its peer alone.
      const std::string label = first->message ? first->message->label.text : std::string();
      const SourceLocation at = first->message ? first->message->label.location : first->location;
      auto [it, inserted] = labels.emplace(std::make_pair(first->peer.text, label), at);
      if (!inserted) {
        Diagnostic& d =
            diagnostics_.error(at, first->message ? "label '" + label + "' begins two branches of this choice"
                                                  : "a connect to '" + first->peer.text +
                                                        "' without a message begins two branches of "
                                                        "this choice");
        d.notes.push_back({it->second, "it also begins this branch"});
      }
    }
  }

  const LocalSystem& system_;
  DiagnosticEngine& diagnostics_;
  std::map<std::string, SourceLocation> roles_;
};

}  // namespace

void check_local_systems(const Program& program, DiagnosticEngine& diagnostics) {
  for (const SourceFile& file : program.files) {
    for (const LocalSystem& system : file.local_systems) LocalSystemChecker(system, diagnostics).run();
  }
}

}  // namespace gtype::check
