// `gtype diagram FILE --protocol P [--format mermaid|svg]`: the sequence diagram of the global
// protocol P, drawn from its AST (render/sequence_diagram.cpp, mermaid.cpp, svg.cpp).
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "gtype/render.h"

namespace gtype::cli {

int run_diagram(const LoadOptions& load, const std::string& file, const std::string& protocol,
                const std::string& format) {
  if (format != "mermaid" && format != "svg") {
    std::cerr << "gtype: --format must be 'mermaid' or 'svg', not '" << format << "'\n";
    return kUsage;
  }
  FrontendResult result;
  if (std::optional<int> failed = analyze_or_report(load, file, result)) return *failed;
  const SourceFile& root = result.program.files.front();
  const GlobalProtocol* found = nullptr;
  for (const GlobalProtocol& candidate : root.protocols) {
    if (candidate.name.text == protocol) {
      found = &candidate;
      break;
    }
  }
  if (found == nullptr) {
    for (const LocalSystem& system : root.local_systems) {
      if (system.name.text != protocol) continue;
      std::cerr << "gtype: " << file << ": '" << protocol
                << "' is a local system; a sequence diagram is drawn from a global protocol\n";
      return kUsage;
    }
    std::cerr << "gtype: " << file << ": no global protocol '" << protocol << "'";
    const char* separator = "; it declares: ";
    for (const GlobalProtocol& candidate : root.protocols) {
      std::cerr << separator << candidate.name.text;
      separator = ", ";
    }
    std::cerr << '\n';
    return kUsage;
  }
  const SequenceDiagram diagram = build_sequence_diagram(result.program, *found);
  std::cout << (format == "svg" ? render_svg(diagram) : render_mermaid(diagram));
  return kOk;
}

}  // namespace gtype::cli
