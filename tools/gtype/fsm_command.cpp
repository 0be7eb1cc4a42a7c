// `gtype fsm FILE --protocol P --role R`: the automaton of role R of the protocol or local
// system P, in Graphviz DOT (render/dot.cpp).
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "gtype/render.h"

namespace gtype::cli {

int run_fsm(const LoadOptions& load, const std::string& file, const std::string& protocol,
            const std::string& role) {
  FileSystems all;
  if (std::optional<int> code = load_systems(load, file, all)) return *code;
  std::vector<const AutomatonSystem*> selected;
  if (!select_systems(file, all, protocol, selected)) return kUsage;
  // A protocol and a local system of the same name: the protocol, as it comes first.
  const AutomatonSystem& system = *selected.front();
  const std::int32_t index = system.role_index(role);
  if (index < 0) {
    std::cerr << "gtype: " << file << ": no role '" << role << "' in '" << system.name << "'";
    const char* separator = "; its roles are: ";
    for (const std::string& name : system.roles) {
      std::cerr << separator << name;
      separator = ", ";
    }
    std::cerr << '\n';
    return kUsage;
  }
  std::cout << render_dot(system, static_cast<std::size_t>(index));
  return kOk;
}

}  // namespace gtype::cli
