// Fuzz target: bytes as a .gtype file, through what the other `gtype` commands do with it: the
// diagnostics printed for a bad file (quoted lines, carets, windows, invalid UTF-8), and for a
// good one the pictures (a DOT automaton per role, the sequence diagram in Mermaid and SVG), the
// Promela model and the generated C++ endpoints. The bytes are a file (gtype_input.h). Every
// outcome is fine except a crash, a leak, a hang or an uncaught exception.
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <vector>

#include "gtype/codegen.h"
#include "gtype/file_automata.h"
#include "gtype/frontend.h"
#include "gtype/large_stack.h"
#include "gtype/promela.h"
#include "gtype/render.h"
#include "gtype_input.h"

namespace {

void render_all(const gtype::FrontendResult& result, const std::vector<gtype::AutomatonSystem>& systems) {
  for (const gtype::AutomatonSystem& system : systems) {
    for (std::size_t role = 0; role < system.roles.size(); ++role) gtype::render_dot(system, role);
    gtype::promela_model(system, gtype::PromelaOptions{});
  }
  for (const gtype::ProtocolProjection& projection : result.projections) {
    const gtype::SequenceDiagram diagram = gtype::build_sequence_diagram(result.program, *projection.protocol);
    gtype::render_mermaid(diagram);
    gtype::render_svg(diagram);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path input = gtype_fuzz::input_file(data, size);
  gtype::run_on_large_stack([&] {  // the stack `gtype` gives the front end (large_stack.h)
    gtype::SourceManager sources;
    gtype::DiagnosticEngine diagnostics(sources);
    gtype::FrontendResult result;
    if (!gtype::analyze_file(input.string(), sources, diagnostics, result).ok()) return;
    std::ostringstream printed;
    diagnostics.print(printed);
    if (diagnostics.has_errors()) return;
    const std::vector<gtype::AutomatonSystem> systems = gtype::file_automata(result);
    render_all(result, systems);
    gtype::DiagnosticEngine codegen_diagnostics(sources);
    std::vector<gtype::GeneratedFile> files;
    if (gtype::generate_code(result.program, sources, systems, {}, codegen_diagnostics, files)) {
      gtype::index_header("all.h", files);
    }
    codegen_diagnostics.print(printed);
  });
  return 0;
}
