// Renders: one role's communicating automaton (automaton/) as a Graphviz `digraph`.
//
// States are s0, s1, ... in the automaton's own (breadth-first) numbering; the initial state is
// entered by an arrow from an invisible point; end states (no transition) are double circles.
// Each transition is labelled with its action in the thesis's local notation (`q!l(S)`,
// `q?l(S)`, `q!!l(S)`, `q??l(S)`, `q!!`, `q??`, `q#`), and each state's tooltip is the local type
// that remains to be done from it (print_local_type).
// Leaves out: the other roles of the system, queues and connections (those belong to the
// verifier's configurations, not to one machine), and any layout beyond left-to-right ranking.
#include <cassert>
#include <sstream>

#include "gtype/print.h"
#include "gtype/render.h"

namespace gtype {
namespace {

// A DOT double-quoted string. Backslashes are escaped too: in labels Graphviz reads `\n`, `\l`
// and the like as escapes, and a literal one must not be taken for one.
std::string dot_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string render_dot(const AutomatonSystem& system, std::size_t role) {
  assert(role < system.machines.size());
  const Automaton& machine = system.machines[role];
  std::ostringstream out;
  out << "// The automaton of role " << machine.role << " in " << system.name << " (gtype fsm).\n";
  out << "digraph " << dot_string(system.name + "." + machine.role) << " {\n";
  out << "  rankdir=LR;\n";
  out << "  label=" << dot_string(system.name + ": " + machine.role) << ";\n";
  out << "  labelloc=t;\n";
  out << "  fontname=\"monospace\";\n";
  out << "  node [shape=circle, fontname=\"monospace\", fontsize=11];\n";
  out << "  edge [fontname=\"monospace\", fontsize=10];\n";
  out << "  start [shape=point, style=invis, label=\"\"];\n";
  for (std::size_t i = 0; i < machine.states.size(); ++i) {
    const AutomatonState& state = machine.states[i];
    out << "  s" << i << " [";
    if (machine.is_end(static_cast<std::uint32_t>(i))) out << "shape=doublecircle, ";
    out << "tooltip=" << dot_string(state.type ? print_local_type(*state.type) : std::string("end")) << "];\n";
  }
  out << "  start -> s0;\n";
  for (std::size_t i = 0; i < machine.states.size(); ++i) {
    for (const Transition& t : machine.states[i].out) {
      out << "  s" << i << " -> s" << t.target << " [label=" << dot_string(print_transition(system, t)) << "];\n";
    }
  }
  out << "}\n";
  return out.str();
}

}  // namespace gtype
