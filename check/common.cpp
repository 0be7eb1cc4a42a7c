// Helpers shared by the passes: statement walks and `do` resolution.
#include <set>

#include "passes.h"

namespace gtype::check {

void for_each_statement(const Block& block, const std::function<void(const Statement&)>& visit) {
  for (const Statement& statement : block) {
    visit(statement);
    for (const Block& nested : statement.blocks) for_each_statement(nested, visit);
  }
}

namespace {

// Depth-first search for `target` among the protocols reachable from `from` through `do`.
bool reaches(const Program& program, const GlobalProtocol& from, const GlobalProtocol& target,
             std::set<const GlobalProtocol*>& seen) {
  bool found = false;
  const std::size_t file = program.file_of(from);
  for_each_statement(from.body, [&](const Statement& s) {
    if (found || s.kind != StatementKind::kDo) return;
    const GlobalProtocol* callee = program.find_protocol(file, s.label.text);
    if (callee == nullptr) return;
    if (callee == &target) {
      found = true;
      return;
    }
    if (seen.insert(callee).second) found = reaches(program, *callee, target, seen);
  });
  return found;
}

}  // namespace

bool in_do_cycle(const Program& program, const GlobalProtocol& protocol) {
  std::set<const GlobalProtocol*> seen;
  return reaches(program, protocol, protocol, seen);
}

const GlobalProtocol* callee_of(const Program& program, std::size_t file, const Statement& call) {
  const GlobalProtocol* callee = program.find_protocol(file, call.label.text);
  if (callee == nullptr || callee->roles.size() != call.arguments.size()) return nullptr;
  if (in_do_cycle(program, *callee)) return nullptr;
  return callee;
}

std::map<std::string, std::string> bind_roles(const GlobalProtocol& callee, const Statement& call,
                                              const std::map<std::string, std::string>& caller_roles) {
  std::map<std::string, std::string> bound;
  for (std::size_t i = 0; i < callee.roles.size() && i < call.arguments.size(); ++i) {
    const std::string& argument = call.arguments[i].text;
    auto outer = caller_roles.find(argument);
    bound[callee.roles[i].text] = outer == caller_roles.end() ? argument : outer->second;
  }
  return bound;
}

}  // namespace gtype::check
