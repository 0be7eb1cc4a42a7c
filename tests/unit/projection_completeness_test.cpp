// Projection has no false alarms (issue 10): a protocol that projection rejects must be one whose
// roles cannot play it safely without being told more. For each random protocol that does not
// project, every role is given a naive local type instead, the one it would have if it could
// play every choice it does not make as it comes (no merging: at a choice of another role, a
// choice of its own projections of the branches, each as it is); the system of those types
// must not verify. A naive system that verifies is a protocol whose roles can play it, which
// projection should not reject: the property fails and prints it.
//
// Which protocols are compared: those that do not project, whose naive types form a local system
// that gtype accepts (no loop that comes back to itself before acting, no choice that mixes
// sends and receives, no two branches of one label: what the language cannot say, projection
// cannot give), within the test's state limit. Verified at bound 1. The tags say how many.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtype/automaton.h"
#include "gtype/check.h"
#include "gtype/print.h"
#include "gtype/program.h"
#include "gtype/projection.h"
#include "gtype/verify.h"
#include "loaded.h"
#include "random_protocol.h"
#include "rewrite.h"

namespace {

using gtype::Block;
using gtype::LocalKind;
using gtype::LocalType;
using gtype::LocalTypePtr;
using gtype::StatementKind;

constexpr std::uint64_t kMaxStates = 200'000;

std::shared_ptr<LocalType> node(LocalKind kind) {
  auto t = std::make_shared<LocalType>();
  t->kind = kind;
  return t;
}

bool uses(const LocalType& t, const std::string& variable) {
  if (t.kind == LocalKind::kVar) return t.variable == variable;
  if (t.kind == LocalKind::kRec && t.variable == variable) return false;
  if (t.next && uses(*t.next, variable)) return true;
  for (const LocalTypePtr& b : t.branches) {
    if (uses(*b, variable)) return true;
  }
  return false;
}

// Whether a loop variable of `open` is reached from `t` before any action.
bool reaches_unguarded(const LocalType& t, std::set<std::string> open) {
  switch (t.kind) {
    case LocalKind::kVar:
      return open.count(t.variable) > 0;
    case LocalKind::kRec:
      open.insert(t.variable);
      return reaches_unguarded(*t.next, std::move(open));
    case LocalKind::kChoice:
      for (const LocalTypePtr& b : t.branches) {
        if (reaches_unguarded(*b, open)) return true;
      }
      return false;
    default:
      return false;
  }
}

// Whether some loop of `t` can come back to itself before any action: the automaton builder
// has no state for it (see the banner).
bool has_unguarded_loop(const LocalType& t) {
  if (t.kind == LocalKind::kRec && reaches_unguarded(*t.next, {t.variable})) return true;
  if (t.next && has_unguarded_loop(*t.next)) return true;
  for (const LocalTypePtr& b : t.branches) {
    if (has_unguarded_loop(*b)) return true;
  }
  return false;
}

// The naive local type of `role` for block[index..] followed by `rest`; null where the automaton
// builder could not take it (see the banner).
class NaiveProjector {
 public:
  explicit NaiveProjector(std::string role) : role_(std::move(role)) {}

  LocalTypePtr block(const Block& statements, std::size_t index, const LocalTypePtr& rest) {
    if (!rest) return nullptr;
    if (index == statements.size()) return rest;
    const gtype::Statement& s = statements[index];
    switch (s.kind) {
      case StatementKind::kSend:
      case StatementKind::kConnect:
      case StatementKind::kDisconnect:
        return action(s, block(statements, index + 1, rest));
      case StatementKind::kChoice:
        return choice(s, block(statements, index + 1, rest));
      case StatementKind::kRec: {
        const LocalTypePtr after = block(statements, index + 1, rest);
        LocalTypePtr body = block(s.blocks.at(0), 0, after);
        if (!body) return nullptr;
        if (body->kind == LocalKind::kVar && body->variable == s.label.text) return node(LocalKind::kEnd);
        if (!uses(*body, s.label.text)) return body;
        auto loop = node(LocalKind::kRec);
        loop->variable = s.label.text;
        loop->next = body;
        return loop;
      }
      case StatementKind::kContinue: {
        auto variable = node(LocalKind::kVar);
        variable->variable = s.label.text;
        return variable;
      }
      case StatementKind::kDo:
        return nullptr;  // inlined before
      case StatementKind::kEnd:
        return block(statements, index + 1, rest);
    }
    return nullptr;
  }

 private:
  LocalTypePtr action(const gtype::Statement& s, LocalTypePtr next) {
    if (!next) return nullptr;
    const bool from = s.from.text == role_, to = s.to.text == role_;
    if (!from && !to) return next;
    auto t = node(LocalKind::kEnd);
    t->peer = gtype::Name{from ? s.to.text : s.from.text, {}};
    t->message = s.message;
    t->next = std::move(next);
    switch (s.kind) {
      case StatementKind::kSend:
        t->kind = from ? LocalKind::kSend : LocalKind::kReceive;
        break;
      case StatementKind::kConnect:
        t->kind = from ? LocalKind::kConnect : LocalKind::kAccept;
        break;
      default:
        t->kind = LocalKind::kDisconnect;
        t->message.reset();
    }
    return t;
  }

  // The chooser chooses; another role takes the branches as they come (merge_freely): those
  // where it does nothing and ends dropped.
  LocalTypePtr choice(const gtype::Statement& s, const LocalTypePtr& after) {
    if (!after) return nullptr;
    std::vector<LocalTypePtr> branches;
    for (const Block& b : s.blocks) {
      LocalTypePtr t = block(b, 0, after);
      if (!t) return nullptr;
      if (s.from.text != role_ && t->kind == LocalKind::kEnd) continue;
      branches.push_back(std::move(t));
    }
    if (branches.empty()) return node(LocalKind::kEnd);
    if (s.from.text == role_) {
      auto t = node(LocalKind::kChoice);
      t->branches = std::move(branches);
      return t;
    }
    return merge_freely(branches);
  }

  // A choice of `types` where those that begin with the same action share it and go on with
  // their continuations merged the same way; equal types are one. Unlike projection, any
  // actions may meet (sends and receives, several peers): the local-system check decides
  // whether the result is a local type at all. Null where a loop would have to be merged with
  // something else (not compared).
  static LocalTypePtr merge_freely(const std::vector<LocalTypePtr>& types) {
    std::vector<LocalTypePtr> options;
    for (const LocalTypePtr& t : types) {
      if (t->kind == LocalKind::kChoice) {
        options.insert(options.end(), t->branches.begin(), t->branches.end());
      } else {
        options.push_back(t);
      }
    }
    std::vector<LocalTypePtr> distinct;
    for (const LocalTypePtr& t : options) {
      bool again = false;
      for (const LocalTypePtr& seen : distinct) again = again || gtype::same_local_type(*seen, *t);
      if (!again) distinct.push_back(t);
    }
    if (distinct.size() == 1) return distinct.front();
    std::vector<std::vector<LocalTypePtr>> groups;  // by first action, in order
    for (const LocalTypePtr& t : distinct) {
      if (!gtype::is_action(t->kind)) return nullptr;
      bool placed = false;
      for (std::vector<LocalTypePtr>& group : groups) {
        const LocalType& head = *group.front();
        const bool same = head.kind == t->kind && head.peer.text == t->peer.text &&
                          head.message.has_value() == t->message.has_value() &&
                          (!head.message || gtype::same_message(*head.message, *t->message));
        if (!same) continue;
        group.push_back(t);
        placed = true;
        break;
      }
      if (!placed) groups.push_back({t});
    }
    std::vector<LocalTypePtr> merged;
    for (const std::vector<LocalTypePtr>& group : groups) {
      if (group.size() == 1) {
        merged.push_back(group.front());
        continue;
      }
      std::vector<LocalTypePtr> continuations;
      for (const LocalTypePtr& t : group) continuations.push_back(t->next);
      LocalTypePtr next = merge_freely(continuations);
      if (!next) return nullptr;
      auto shared = std::make_shared<LocalType>(*group.front());
      shared->next = std::move(next);
      merged.push_back(std::move(shared));
    }
    if (merged.size() == 1) return merged.front();
    auto t = node(LocalKind::kChoice);
    t->branches = std::move(merged);
    return t;
  }

  std::string role_;
};

using gtype_test::Loaded;

RC_GTEST_PROP(ProjectionCompleteness, ARejectedProtocolsNaiveSystemDoesNotVerify, ()) {
  const gtype_test::RandomFile random = *gtype_test::random_file();
  const std::string text = gtype::print_file(random.file, gtype::Spelling::kArrow);
  Loaded loaded(text);
  RC_PRE(loaded.fine());
  for (const gtype::GlobalProtocol& protocol : loaded.file().protocols) {
    gtype::SourceManager no_sources;
    gtype::DiagnosticEngine diagnostics(no_sources);
    std::vector<gtype::RoleProjection> projected;
    if (gtype::project_protocol(loaded.program(), protocol, diagnostics, projected)) {
      RC_TAG("projects");
      continue;
    }
    std::string errors;
    for (const gtype::Diagnostic& d : diagnostics.errors()) errors += d.message + "\n";
    const Block body = gtype_test::inline_calls(protocol.body, loaded.file());
    std::vector<gtype::RoleType> roles;
    std::string types;
    bool built = true;
    for (const gtype::Name& role : protocol.roles) {
      LocalTypePtr t = NaiveProjector(role.text).block(body, 0, node(LocalKind::kEnd));
      if (!t || has_unguarded_loop(*t)) {
        built = false;
        break;
      }
      types += role.text + ": " + gtype::print_local_type(*t) + "\n";
      roles.push_back({role.text, t});
    }
    if (!built) {
      RC_TAG("not compared: a naive type without a state");
      continue;
    }
    // Only a local system as the language has them (no choice that mixes sends and receives,
    // no two branches of one label) is a way to play the protocol that projection could give.
    gtype::SourceFile declarations;  // the sorts the payloads name
    declarations.sorts = loaded.file().sorts;
    declarations.types = loaded.file().types;
    Loaded naive(gtype::print_file(declarations, gtype::Spelling::kArrow) +
                 (protocol.explicit_connections ? "explicit " : "") + "local system " + protocol.name.text +
                 " {\n" + types + "}\n");
    if (!naive.fine()) {
      RC_TAG("not compared: the naive types are no local system: " + naive.first_error_kind());
      continue;
    }
    std::vector<gtype::RoleType> checked;
    for (const gtype::LocalRole& role : naive.file().local_systems.at(0).roles)
      checked.push_back({role.role.text, role.type});
    const gtype::AutomatonSystem system =
        gtype::build_automata(protocol.name.text, protocol.explicit_connections, checked);
    gtype::VerifyOptions options;
    options.max_states = kMaxStates;
    const gtype::VerifyResult result = gtype::verify_system(system, options);
    if (result.verdict == gtype::Verdict::kInconclusive) {
      RC_TAG("not compared: inconclusive");
      continue;
    }
    if (result.verdict == gtype::Verdict::kVerified)
      RC_FAIL("projection rejects " + protocol.name.text + ", whose naive system verifies:\n" + errors +
              text + "naive types:\n" + types);
    RC_TAG("rejected, and its naive system is not safe");
  }
}

}  // namespace
