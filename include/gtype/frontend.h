// The front end as one call: load a file with its imports, check it, project its protocols.
//
// This is `gtype check`, and where every later stage (verify, codegen) starts from.
#pragma once

#include <string>
#include <vector>

#include "gtype/diagnostic.h"
#include "gtype/program.h"
#include "gtype/projection.h"

namespace gtype {

struct ProtocolProjection {
  const GlobalProtocol* protocol;
  std::vector<RoleProjection> roles;  // in the protocol's role order
};

struct FrontendResult {
  Program program;
  // The root file's protocols with their projections, in declaration order (but `aux` ones,
  // only called by `do`); complete only when no error was reported.
  std::vector<ProtocolProjection> projections;
};

// Fails only on I/O (the file cannot be read); every error in the input goes to `diagnostics`.
Status analyze_file(const std::string& path, SourceManager& sources, DiagnosticEngine& diagnostics,
                    FrontendResult& out, const LoadOptions& load = {});

}  // namespace gtype
