// Helpers shared by the passes: statement walks, `do` resolution, spelling suggestions.
#include <algorithm>
#include <cctype>
#include <set>

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

namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Levenshtein distance.
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string not_imported(const std::string& name) {
  return "'" + name +
         "' is declared here, in a file that is not imported directly (imports are not transitive)";
}

std::string did_you_mean(DiagnosticEngine& diagnostics, const std::string& name,
                         const std::function<std::vector<std::string>()>& candidates_of) {
  if (!diagnostics.take_suggestion()) return {};
  const std::vector<std::string> candidates = candidates_of();
  // Up to a third of the name's length (`sever` finds `server`); names shorter than three
  // characters only match a different case (`a` does not suggest `b`).
  const std::size_t limit = name.size() / 3;
  const std::string* best = nullptr;
  std::size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    if (candidate == name || candidate.empty()) continue;
    const std::size_t d = distance(lower(candidate), lower(name));
    if (d < best_distance) {
      best = &candidate;
      best_distance = d;
    }
  }
  return best == nullptr ? std::string() : "; did you mean '" + *best + "'?";
}

}  // namespace gtype::check
