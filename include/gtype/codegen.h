// C++ endpoint code from a protocol's automata (codegen/): what `gtype gen` writes.
//
// For each protocol or local system: <p>/types.h (its payload sorts as structs with msgpack
// serialisation, host types as declared, the message table) and, per role, <p>/<role>.h (the
// role's RoleSpec tables, a typed state-channel API and a session object (Handler), over the one
// automaton the verifier explores). Output is deterministic, byte for byte. This stage writes
// text; it neither checks protocols (the front end has) nor verifies them (verify/ does), and
// the generated code runs on the runtime library (include/gtype/rt, include/gtype/gen).
#pragma once

#include <string>
#include <vector>

#include "gtype/automaton.h"
#include "gtype/diagnostic.h"
#include "gtype/program.h"
#include "gtype/source.h"

namespace gtype {

struct CodegenOptions {
  std::vector<std::string> roles;  // only these roles get a header (every role when empty)
  // Instead of the headers: per role, <p>/<role>.names, the public names its header declares
  // (state classes with their methods and branch structs, the Handler's callbacks).
  bool names = false;
};

struct GeneratedFile {
  std::string path;  // relative to the output folder, '/'-separated: health_check/node.h
  std::string text;
};

// Appends the files of `systems`, built (build_automata) from the projections and local
// systems of the root file of `program`, to `out`. What C++ cannot represent (a sort that
// contains itself, a map keyed by a record, two systems or roles with one C++ name) goes to
// `diagnostics`; returns false then.
bool generate_code(const Program& program, const SourceManager& sources, const std::vector<AutomatonSystem>& systems,
                   const CodegenOptions& options, DiagnosticEngine& diagnostics, std::vector<GeneratedFile>& out);

// A header at `path` that includes every one of `files` (an umbrella for a build target).
GeneratedFile index_header(const std::string& path, const std::vector<GeneratedFile>& files);

}  // namespace gtype
