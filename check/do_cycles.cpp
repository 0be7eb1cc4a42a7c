// Pass: `do` cycles.
//
// Checks that no protocol reaches itself through `do` (inlining a cycle would not terminate).
// load_program has already rewritten recursion through `do` into loops, or reported it
// (grammar/recursive_calls.cpp), so a cycle left here comes from a program built otherwise.
// Each cycle is reported once, at the `do` of the cycle's protocol declared first, with the
// other calls of the cycle as notes. Unknown callees, wrong arity and a role passed twice are
// the roles pass's to report (such calls are no part of a cycle here).
#include <set>

#include "passes.h"

namespace gtype::check {
namespace {

struct Call {
  const GlobalProtocol* caller;
  const Statement* statement;
  const GlobalProtocol* callee;
};

std::vector<Call> calls_of(const Program& program, const GlobalProtocol& protocol) {
  std::vector<Call> calls;
  const std::size_t file = program.file_of(protocol);
  for_each_statement(protocol.body, [&](const Statement& s) {
    if (s.kind != StatementKind::kDo) return;
    std::set<std::string> passed;
    for (const Name& argument : s.arguments) {
      if (!passed.insert(argument.text).second) return;  // a role passed twice
    }
    if (const GlobalProtocol* callee = program.find_protocol(file, s.label.text)) {
      calls.push_back({&protocol, &s, callee});
    }
  });
  return calls;
}

// Finds a path of calls from `from` back to `target`, depth first, in source order.
bool path_back(const Program& program, const GlobalProtocol& from, const GlobalProtocol& target,
               std::set<const GlobalProtocol*>& seen, std::vector<Call>& path) {
  for (const Call& call : calls_of(program, from)) {
    path.push_back(call);
    if (call.callee == &target) return true;
    if (seen.insert(call.callee).second && path_back(program, *call.callee, target, seen, path)) return true;
    path.pop_back();
  }
  return false;
}

}  // namespace

void check_do_cycles(const Program& program, DiagnosticEngine& diagnostics) {
  std::set<const GlobalProtocol*> reported;  // members of a cycle already reported
  for (const SourceFile& file : program.files) {
    for (const GlobalProtocol& protocol : file.protocols) {
      if (reported.count(&protocol) || !program.in_do_cycle(protocol)) continue;
      std::set<const GlobalProtocol*> seen;
      std::vector<Call> path;
      if (!path_back(program, protocol, protocol, seen, path)) continue;
      std::string message = path.size() == 1
                                ? "protocol '" + protocol.name.text +
                                      "' inlines itself with 'do'; use 'rec' and 'continue' for a loop"
                                : "'do' cycle: '" + protocol.name.text + "' inlines '" +
                                      path.front().callee->name.text + "', which leads back to '" +
                                      protocol.name.text + "'; use 'rec' and 'continue' for a loop";
      Diagnostic& d = diagnostics.error(path.front().statement->location, message);
      for (std::size_t i = 1; i < path.size(); ++i) {
        d.notes.push_back({path[i].statement->location, "'" + path[i].caller->name.text + "' inlines '" +
                                                            path[i].callee->name.text + "' here"});
      }
      for (const Call& call : path) reported.insert(call.caller);
    }
  }
}

}  // namespace gtype::check
