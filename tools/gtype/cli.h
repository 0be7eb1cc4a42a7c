// What the subcommands of `gtype` share: exit codes, diagnostics, and the systems of a file.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "gtype/automaton.h"
#include "gtype/diagnostic.h"
#include "gtype/frontend.h"

namespace gtype::cli {

constexpr int kOk = 0;
constexpr int kInputErrors = 1;   // errors in the protocols (and, for verify, a violation)
constexpr int kUsage = 2;         // usage or I/O
constexpr int kInconclusive = 3;  // verify: the bound or the state limit stopped the search

// Prints the collected diagnostics (errors and warnings) and a count, as compilers do.
void print_diagnostics(const DiagnosticEngine& diagnostics);

// Loads, checks and projects `file`. When that fails, prints why (the I/O error, or every
// diagnostic) and returns the exit code to use.
std::optional<int> analyze_or_report(const LoadOptions& load, const std::string& file,
                                     FrontendResult& result);

// Each global protocol of a file (through its projections) and each local system, as automata.
struct FileSystems {
  std::vector<AutomatonSystem> systems;  // protocols first, then local systems, in file order
  // Names of the protocols that some `do` of the file's program inlines: they are written for
  // their callers' context (connections, roles) and checked there, not on their own.
  std::set<std::string> inlined;
  std::map<std::string, std::string> aux;  // see aux_protocols
};

// The root file's protocols that are only called (aux, or with parameters): no system of their
// own. Name -> what it is ("an aux protocol", "a protocol with parameters").
std::map<std::string, std::string> aux_protocols(const Program& program);

// When `name` is one of `aux`, prints that it has nothing of its own to show; returns whether.
bool report_aux(const std::string& file, const std::map<std::string, std::string>& aux,
                const std::string& name);

// Loads, checks and projects `file`. On failure prints why and returns the exit code.
std::optional<int> load_systems(const LoadOptions& load, const std::string& file, FileSystems& out);

// The systems called `name` (every one when absent); prints an error when there is none.
bool select_systems(const std::string& file, const FileSystems& all, const std::optional<std::string>& name,
                    std::vector<const AutomatonSystem*>& out);

}  // namespace gtype::cli
