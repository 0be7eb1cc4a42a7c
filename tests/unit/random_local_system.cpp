// Random local systems (random_local_system.h).
#include "random_local_system.h"

#include <utility>
#include <vector>

namespace gtype_test {
namespace {

// Uniform in [low, high], shrinking towards low (see random_protocol.cpp).
int pick(int low, int high) { return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(low, high + 1)); }

bool chance(int percent) { return pick(0, 99) >= 100 - percent; }

// A random local system whose local types keep the rules of check/local_systems.cpp: peers are
// other roles, choices begin with messages (sends and connects, distinct per peer and label; or
// receives and accepts from one peer, distinct labels), recursion guarded and bound, connection
// actions only in explicit systems.
class LocalSystemText {
 public:
  std::string generate() {
    roles_ = pick(2, 4);
    explicit_ = chance(50);
    std::string out = std::string(explicit_ ? "explicit " : "") + "local system Random {\n";
    for (int r = 0; r < roles_; ++r) {
      out += "  " + role(r) + ": " + (explicit_ && chance(30) ? server(r) : chance(25) ? loop(r) : type(r, pick(1, 3), {})) +
             ";\n";
    }
    return out + "}\n";
  }

 private:
  struct Variable {
    std::string name;
    bool guarded;
  };

  static std::string role(int r) { return std::string(1, static_cast<char>('a' + r)); }
  static std::string label(int l) { return std::string(1, static_cast<char>('x' + l)) + "()"; }
  int peer_of(int self) {
    const int p = pick(0, roles_ - 2);
    return p >= self ? p + 1 : p;
  }

  std::string type(int self, int depth, std::vector<Variable> scope) {
    std::vector<std::string> loops;
    for (const Variable& v : scope) {
      if (v.guarded) loops.push_back(v.name);
    }
    if (depth <= 0)
      return !loops.empty() && chance(60) ? loops[pick(0, static_cast<int>(loops.size()) - 1)] : "end";
    // end, continue, action, choice, loop
    const std::vector<int> weights = {1, loops.empty() ? 0 : 2, 5, 2, scope.size() < 2 ? 1 : 0};
    int total = 0;
    for (int w : weights) total += w;
    int draw = pick(0, total - 1), kind = 0;
    while (draw >= weights[static_cast<std::size_t>(kind)]) draw -= weights[static_cast<std::size_t>(kind++)];
    std::vector<Variable> guarded = scope;
    for (Variable& v : guarded) v.guarded = true;
    switch (kind) {
      case 0:
        return "end";
      case 1:
        return loops[static_cast<std::size_t>(pick(0, static_cast<int>(loops.size()) - 1))];
      case 2:
        return action(self) + "." + type(self, depth - 1, guarded);
      case 3:
        return choice(self, depth, guarded);
      default: {
        std::string name(1, 't');  // appended: GCC 12 warns falsely (-Wrestrict) on "t" + std::string
        name += std::to_string(next_variable_++);
        scope.push_back({name, false});
        return "mu " + name + "." + type(self, depth, scope);
      }
    }
  }

  // A server: idle until a peer connects, and back to that accept whenever it loops (then no
  // longer idle: it has been in the session).
  std::string server(int self) {
    std::string name(1, 't');
    name += std::to_string(next_variable_++);
    const std::string accept = role(peer_of(self)) + "??" + (chance(25) ? "" : label(pick(0, 2)));
    return "mu " + name + "." + accept + "." + type(self, pick(1, 3), {{name, true}});
  }

  // A role that may run forever (where the progress violations are).
  std::string loop(int self) {
    std::string name(1, 't');
    name += std::to_string(next_variable_++);
    return "mu " + name + "." + type(self, pick(1, 3), {{name, false}});
  }

  std::string action(int self) {
    const std::string p = role(peer_of(self));
    const int kind = explicit_ ? pick(0, 4) : pick(0, 1);
    const std::string l = label(pick(0, 2));
    switch (kind) {
      case 0:
        return p + "!" + l;
      case 1:
        return p + "?" + l;
      case 2:
        return p + "!!" + (chance(25) ? "" : l);
      case 3:
        return p + "??" + (chance(25) ? "" : l);
      default:
        return p + "#";
    }
  }

  std::string choice(int self, int depth, const std::vector<Variable>& scope) {
    const int branches = pick(2, 3);
    std::vector<std::string> firsts;
    if (chance(50)) {
      // internal: sends or connects, distinct (peer, label)
      std::vector<std::pair<int, int>> free;
      for (int p = 0; p < roles_; ++p) {
        for (int l = 0; l < 3; ++l) {
          if (p != self) free.emplace_back(p, l);
        }
      }
      for (int b = 0; b < branches; ++b) {
        const auto at = static_cast<std::size_t>(pick(0, static_cast<int>(free.size()) - 1));
        const auto [p, l] = free[at];
        free.erase(free.begin() + static_cast<std::ptrdiff_t>(at));
        firsts.push_back(role(p) + (explicit_ && chance(40) ? "!!" : "!") + label(l));
      }
    } else {
      // external: receives or accepts from one peer, distinct labels
      const std::string p = role(peer_of(self));
      std::vector<int> free = {0, 1, 2};
      for (int b = 0; b < branches; ++b) {
        const auto at = static_cast<std::size_t>(pick(0, static_cast<int>(free.size()) - 1));
        firsts.push_back(p + (explicit_ && chance(40) ? "??" : "?") + label(free[at]));
        free.erase(free.begin() + static_cast<std::ptrdiff_t>(at));
      }
    }
    std::string out = "+{ ";
    for (std::size_t b = 0; b < firsts.size(); ++b) {
      out += (b ? " ; " : "") + firsts[b] + "." + type(self, depth - 1, scope);
    }
    return out + " }";
  }

  int roles_ = 2;
  bool explicit_ = false;
  int next_variable_ = 0;
};

}  // namespace

std::string random_local_system_text() { return LocalSystemText().generate(); }

}  // namespace gtype_test
