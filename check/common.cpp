// Helpers shared by the passes: statement walks, `do` resolution, spelling suggestions.
#include <set>

#include "gtype/spelling.h"
#include "passes.h"

namespace gtype::check {

void for_each_statement(const Block& block, const std::function<void(const Statement&)>& visit) {
  for (const Statement& statement : block) {
    visit(statement);
    for (const Block& nested : statement.blocks) for_each_statement(nested, visit);
  }
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

std::string not_imported(const std::string& name) {
  return "'" + name +
         "' is declared here, in a file that is not imported directly (imports are not transitive)";
}

std::string did_you_mean(DiagnosticEngine& diagnostics, const std::string& name,
                         const std::function<std::vector<std::string>()>& candidates_of) {
  if (!diagnostics.take_suggestion()) return {};
  const std::string best = closest_spelling(name, candidates_of());
  return best.empty() ? std::string() : "; did you mean '" + best + "'?";
}

}  // namespace gtype::check
