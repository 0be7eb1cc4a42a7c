// Pass: recursion and reachability.
//
// Checks that every `continue t` is inside a `rec t` (an unknown label and a `continue` outside
// its `rec` are told apart), that recursion is guarded (some action happens between `rec t` and
// each `continue t`), that `end;` is the last statement of its block (it marks the end of the
// block and does nothing else: the contract makes it optional there), and that no statement
// follows a `continue` or a construct all of whose paths loop back (a choice, a `rec`, or a
// `do` whose protocol does). Does not check what the loop does (projection and verify do).
#include <algorithm>
#include <set>

#include "passes.h"

namespace gtype::check {
namespace {

struct CalleeFacts {
  bool always_acts;
  bool falls_through;
};

struct Label {
  std::string name;
  SourceLocation location;
};

// An action guards every label open at that point, so the unguarded labels are always the
// innermost ones: one index says which, where a flag per label would cost time and memory
// quadratic in the nesting.
struct Flow {
  bool falls_through = true;
  std::size_t unguarded_from = 0;  // the open labels from this index on have seen no action on some path
};

class RecursionChecker {
 public:
  RecursionChecker(const Program& program, std::size_t file, const GlobalProtocol& protocol,
                   DiagnosticEngine& diagnostics, std::map<const GlobalProtocol*, CalleeFacts>& callee_facts)
      : program_(program),
        file_(file),
        protocol_(protocol),
        diagnostics_(diagnostics),
        callee_facts_(callee_facts) {
    for_each_statement(protocol.body, [&](const Statement& s) {
      if (s.kind == StatementKind::kRec) all_recs_.emplace(s.label.text, s.label.location);
    });
  }

  void run() { walk(protocol_.body, 0); }

 private:
  void mark_guarded(Flow& flow) const { flow.unguarded_from = open_.size(); }

  Flow walk(const Block& block, std::size_t unguarded_from) {
    Flow flow{true, unguarded_from};
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
        mark_guarded(flow);
        return;
      case StatementKind::kChoice: {
        // A label is guarded after the choice when it is on every branch that falls through.
        const std::size_t entry = flow.unguarded_from;
        flow.falls_through = false;
        for (const Block& branch : s.blocks) {
          const Flow out = walk(branch, entry);
          if (!out.falls_through) continue;
          flow.unguarded_from =
              flow.falls_through ? std::max(flow.unguarded_from, out.unguarded_from) : out.unguarded_from;
          flow.falls_through = true;
        }
        return;
      }
      case StatementKind::kRec: {
        open_.push_back({s.label.text, s.label.location});
        open_by_name_[s.label.text].push_back(open_.size() - 1);
        const Flow body = walk(s.blocks.at(0), flow.unguarded_from);
        open_by_name_[s.label.text].pop_back();
        open_.pop_back();
        flow.falls_through = body.falls_through;
        if (body.falls_through) flow.unguarded_from = std::min(body.unguarded_from, open_.size());
        return;
      }
      case StatementKind::kContinue:
        flow.falls_through = false;
        resolve_continue(s, flow);
        return;
      case StatementKind::kDo: {
        const GlobalProtocol* callee = program_.callee_of(file_, s);
        if (callee == nullptr) return;
        if (callee_facts(*callee).always_acts) mark_guarded(flow);
        // A callee all of whose paths loop forever never returns.
        if (!callee_facts(*callee).falls_through) flow.falls_through = false;
        return;
      }
      case StatementKind::kEnd:
        return;  // the block ends here anyway
    }
  }

  void resolve_continue(const Statement& s, const Flow& flow) {
    auto open = open_by_name_.find(s.label.text);
    if (open != open_by_name_.end() && !open->second.empty()) {
      const std::size_t index = open->second.back();
      if (index >= flow.unguarded_from) {
        Diagnostic& d = diagnostics_.error(s.location, "unguarded recursion: 'continue " + s.label.text +
                                                           "' can be reached without any action since 'rec " +
                                                           s.label.text + "'");
        d.notes.push_back({open_[index].location, "the loop starts here"});
      }
      return;
    }
    auto rec = all_recs_.find(s.label.text);
    if (rec != all_recs_.end()) {
      Diagnostic& d = diagnostics_.error(s.label.location, "'continue " + s.label.text + "' is outside its 'rec " +
                                                               s.label.text + "'");
      d.notes.push_back({rec->second, "'rec " + s.label.text + "' is here"});
    } else {
      auto labels = [&] {
        std::vector<std::string> names;
        for (const auto& [name, indices] : open_by_name_) {
          if (!indices.empty()) names.push_back(name);
        }
        return names;
      };
      diagnostics_.error(s.label.location, "unbound recursion label '" + s.label.text + "'" +
                                               did_you_mean(diagnostics_, s.label.text, labels));
    }
  }

  // What a `do` of `callee` does, found once per callee: a chain or tree of `do`s would
  // otherwise be walked again at every call.
  const CalleeFacts& callee_facts(const GlobalProtocol& callee) {
    auto known = callee_facts_.find(&callee);
    if (known != callee_facts_.end()) return known->second;
    const std::size_t file = program_.file_of(callee);
    const CalleeFacts facts{always_acts(callee.body, file), falls_through(callee.body, file)};
    return callee_facts_.emplace(&callee, facts).first->second;
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
          const GlobalProtocol* callee = program_.callee_of(file, s);
          if (callee && !callee_facts(*callee).falls_through) return false;
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
          const GlobalProtocol* callee = program_.callee_of(file, s);
          if (callee && callee_facts(*callee).always_acts) return true;
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
  std::vector<Label> open_;  // the `rec`s around the statement, outermost first
  std::map<std::string, std::vector<std::size_t>> open_by_name_;  // label -> its indices in open_
  std::map<const GlobalProtocol*, CalleeFacts>& callee_facts_;    // shared by the checkers of a program
};

}  // namespace

void check_recursion(const Program& program, DiagnosticEngine& diagnostics) {
  std::map<const GlobalProtocol*, CalleeFacts> callee_facts;
  for (std::size_t f = 0; f < program.files.size(); ++f) {
    for (const GlobalProtocol& protocol : program.files[f].protocols) {
      RecursionChecker(program, f, protocol, diagnostics, callee_facts).run();
    }
  }
}

}  // namespace gtype::check
