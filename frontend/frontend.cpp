#include "gtype/frontend.h"

#include "gtype/check.h"

namespace gtype {

Status analyze_file(const std::string& path, SourceManager& sources, DiagnosticEngine& diagnostics,
                    FrontendResult& out, const LoadOptions& load) {
  out = FrontendResult{};
  const std::size_t errors_before = diagnostics.error_count();
  Status status = load_program(path, sources, diagnostics, out.program, load);
  if (!status.ok()) return status;
  // A partial AST would only produce follow-on errors.
  if (out.program.has_syntax_errors) return Status::success();
  check_well_formed(out.program, diagnostics);
  if (diagnostics.error_count() != errors_before) return Status::success();
  for (const GlobalProtocol& protocol : out.program.files.front().protocols) {
    if (protocol.only_called()) continue;  // projected where a `do` calls it, never on its own
    ProtocolProjection projection{&protocol, {}};
    project_protocol(out.program, protocol, diagnostics, projection.roles);
    out.projections.push_back(std::move(projection));
  }
  return Status::success();
}

}  // namespace gtype
