// Pictures of protocols (render/): a role's automaton in Graphviz DOT, and the sequence diagram of
// a global protocol in Mermaid or as standalone SVG.
//
// The automaton is drawn from automaton/ (what the verifier explores); the sequence diagram from
// the global protocol's AST (what the author wrote: blocks, choices, loops, calls), not from the
// projections. Every renderer is deterministic: the same input gives the same bytes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "gtype/ast.h"
#include "gtype/automaton.h"
#include "gtype/program.h"

namespace gtype {

// ------------------------------------------------------------------------------ automata

// The machine of `system.machines[role]` as a Graphviz `digraph`: states s0.., the initial one
// entered from an invisible point, end states double circles, transitions labelled in the local
// notation (`q!l(S)`, `q??l(S)`, `q!!`, `q#`), each state's tooltip the local type it implements.
std::string render_dot(const AutomatonSystem& system, std::size_t role);

// ------------------------------------------------------------------------------ sequence diagrams

enum class DiagramKind {
  kMessage,      // from -> to : text
  kConnect,      // from ->> to : text (text empty: a connection without a message)
  kDisconnect,   // disconnect from, to
  kChoice,       // sections: the branches, guards: one label per branch; from: the chooser
  kLoop,         // rec: sections[0] is the body; text: the recursion label
  kContinue,     // continue text
  kCall,         // do: sections[0] is the callee's body, its roles renamed; text: `P(a, b)`
};

struct DiagramItem {
  DiagramKind kind = DiagramKind::kMessage;
  std::size_t from = 0;  // participant indices
  std::size_t to = 0;
  std::string text;
  std::vector<std::string> guards;
  std::vector<std::vector<DiagramItem>> sections;
  // The participants this item concerns, as a range of indices: for a box (choice, loop, call)
  // those acting inside it; for `continue`, those acting in its loop.
  std::size_t first = 0;
  std::size_t last = 0;
};

struct SequenceDiagram {
  std::string name;
  bool explicit_connections = false;
  std::vector<std::string> participants;  // the protocol's roles, in declaration order
  std::vector<DiagramItem> items;
};

// The diagram of `protocol`, which must be well-formed (every `do` resolves, without cycles):
// `do` is inlined with its roles renamed, `end;` draws nothing.
SequenceDiagram build_sequence_diagram(const Program& program, const GlobalProtocol& protocol);

// Mermaid `sequenceDiagram` text.
std::string render_mermaid(const SequenceDiagram& diagram);

// A standalone SVG document (no external tool, fixed-width font metrics estimated).
std::string render_svg(const SequenceDiagram& diagram);

}  // namespace gtype
