// Pass: recursion and reachability.
//
// Checks that every `continue t` is inside a `rec t` (an unknown label and a `continue` outside
// its `rec` are told apart), that recursion is guarded (some action happens between `rec t` and
// each `continue t`), that `end;` is the last statement of its block (it marks the end of the
// block and does nothing else: the contract makes it optional there), and that no statement
// follows a `continue` or a construct all of whose paths loop back (a choice, a `rec`, or a
// `do` whose protocol does). Does not check what the loop does (projection and verify do).
#include <set>

#include "passes.h"

namespace gtype::check {
namespace {

struct Label {
  std::string name;
  SourceLocation location;
  bool guarded;  // an action happened on every path since the `rec` was entered
};

struct Flow {
  bool falls_through = true;
  std::vector<Label> scope;  // guard flags as they stand where the block falls through
};

class RecursionChecker {
 public:
  RecursionChecker(const Program& program, std::size_t file, const GlobalProtocol& protocol,
                   DiagnosticEngine& diagnostics)
      : program_(program), file_(file), protocol_(protocol), diagnostics_(diagnostics) {
    for_each_statement(protocol.body, [&](const Statement& s) {
      if (s.kind == StatementKind::kRec) all_recs_.emplace(s.label.text, s.label.location);
    });
  }

  void run() { walk(protocol_.body, {}); }

 private:
  static void mark_guarded(std::vector<Label>& scope) {
    for (Label& label : scope) label.guarded = true;
  }

  Flow walk(const Block& block, std::vector<Label> scope) {
    Flow flow{true, std::move(scope)};
    const Statement* stopper = nullptr;  // the statement after which nothing is reachable
    const Statement* end = nullptr;  // an `end;` seen in this block
    for (const Statement& s : block) {
      if (end != nullptr) {
        Diagnostic& d = diagnostics_.error(s.location, "nothing may follow 'end;' in a block");
        d.notes.push_back({end->location, "'end;' marks the end of this block; remove it, or move what follows "
                                          "into the block"});
        break;
      }
      if (s.kind == StatementKind::kEnd) end = &s;
      if (!flow.falls_through) {
        Diagnostic& d = diagnostics_.error(s.location, "unreachable statement");
        d.notes.push_back({stopper->location, explain_stop(*stopper)});
        break;
      }
      statement(s, flow);
      stopper = &s;
    }
    return flow;
  }

  static std::string explain_stop(const Statement& s) {
    switch (s.kind) {
      case StatementKind::kContinue:
        return "the protocol loops back to 'rec " + s.label.text + "' here";
      case StatementKind::kChoice:
        return "every branch of this choice loops back, so nothing after it runs";
      case StatementKind::kRec:
        return "every path through 'rec " + s.label.text + "' loops back, so nothing after it runs";
      case StatementKind::kDo:
        return "every path through '" + s.label.text + "' loops forever, so nothing after it runs";
      default:
        return "nothing after this runs";
    }
  }

  void statement(const Statement& s, Flow& flow) {
    switch (s.kind) {
      case StatementKind::kSend:
      case StatementKind::kConnect:
      case StatementKind::kDisconnect:
        mark_guarded(flow.scope);
        return;
      case StatementKind::kChoice: {
        std::vector<Flow> branches;
        for (const Block& branch : s.blocks) branches.push_back(walk(branch, flow.scope));
        flow.falls_through = false;
        for (const Flow& branch : branches) {
          if (!branch.falls_through) continue;
          if (!flow.falls_through) {
            flow.scope = branch.scope;
            flow.falls_through = true;
            continue;
          }
          for (std::size_t i = 0; i < flow.scope.size(); ++i) {
            flow.scope[i].guarded = flow.scope[i].guarded && branch.scope[i].guarded;
          }
        }
        return;
      }
      case StatementKind::kRec: {
        std::vector<Label> inner = flow.scope;
        inner.push_back({s.label.text, s.label.location, false});
        Flow body = walk(s.blocks.at(0), std::move(inner));
        flow.falls_through = body.falls_through;
        if (body.falls_through) {
          body.scope.pop_back();
          flow.scope = std::move(body.scope);
        }
        return;
      }
      case StatementKind::kContinue:
        flow.falls_through = false;
        resolve_continue(s, flow.scope);
        return;
      case StatementKind::kDo: {
        const GlobalProtocol* callee = callee_of(program_, file_, s);
        if (callee == nullptr) return;
        if (always_acts(callee->body, program_.file_of(*callee))) mark_guarded(flow.scope);
        // A callee all of whose paths loop forever never returns.
        if (!falls_through(callee->body, program_.file_of(*callee))) flow.falls_through = false;
        return;
      }
      case StatementKind::kEnd:
        return;  // the block ends here anyway
    }
  }

  void resolve_continue(const Statement& s, const std::vector<Label>& scope) {
    for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
      if (it->name != s.label.text) continue;
      if (!it->guarded) {
        Diagnostic& d = diagnostics_.error(s.location, "unguarded recursion: 'continue " + s.label.text +
                                                           "' can be reached without any action since 'rec " +
                                                           s.label.text + "'");
        d.notes.push_back({it->location, "the loop starts here"});
      }
      return;
    }
    auto rec = all_recs_.find(s.label.text);
    if (rec != all_recs_.end()) {
      Diagnostic& d = diagnostics_.error(s.label.location, "'continue " + s.label.text + "' is outside its 'rec " +
                                                               s.label.text + "'");
      d.notes.push_back({rec->second, "'rec " + s.label.text + "' is here"});
    } else {
      std::vector<std::string> labels;
      for (const Label& label : scope) labels.push_back(label.name);
      diagnostics_.error(s.label.location, "unbound recursion label '" + s.label.text + "'" +
                                               did_you_mean(s.label.text, labels));
    }
  }

  // Whether some path through `block` reaches its end (neither `end` nor a loop back).
  bool falls_through(const Block& block, std::size_t file) {
    for (const Statement& s : block) {
      switch (s.kind) {
        case StatementKind::kChoice: {
          bool some = false;
          for (const Block& branch : s.blocks) some = some || falls_through(branch, file);
          if (!some) return false;
          break;
        }
        case StatementKind::kRec:
          if (!falls_through(s.blocks.at(0), file)) return false;
          break;
        case StatementKind::kDo: {
          const GlobalProtocol* callee = callee_of(program_, file, s);
          if (callee && !falls_through(callee->body, program_.file_of(*callee))) return false;
          break;
        }
        case StatementKind::kContinue:
          return false;
        default:
          break;
      }
    }
    return true;
  }

  // Whether every path through `block` performs at least one action.
  bool always_acts(const Block& block, std::size_t file) {
    for (const Statement& s : block) {
      switch (s.kind) {
        case StatementKind::kSend:
        case StatementKind::kConnect:
        case StatementKind::kDisconnect:
          return true;
        case StatementKind::kChoice: {
          bool all = !s.blocks.empty();
          for (const Block& branch : s.blocks) all = all && always_acts(branch, file);
          if (all) return true;
          break;
        }
        case StatementKind::kRec:
          if (always_acts(s.blocks.at(0), file)) return true;
          break;
        case StatementKind::kDo: {
          const GlobalProtocol* callee = callee_of(program_, file, s);
          if (callee && always_acts(callee->body, program_.file_of(*callee))) return true;
          break;
        }
        case StatementKind::kContinue:
        case StatementKind::kEnd:
          return false;
      }
    }
    return false;
  }

  const Program& program_;
  std::size_t file_;
  const GlobalProtocol& protocol_;
  DiagnosticEngine& diagnostics_;
  std::map<std::string, SourceLocation> all_recs_;
};

}  // namespace

void check_recursion(const Program& program, DiagnosticEngine& diagnostics) {
  for (std::size_t f = 0; f < program.files.size(); ++f) {
    for (const GlobalProtocol& protocol : program.files[f].protocols) {
      RecursionChecker(program, f, protocol, diagnostics).run();
    }
  }
}

}  // namespace gtype::check
