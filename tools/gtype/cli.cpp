#include "cli.h"

#include <cstdio>
#include <iostream>

#include "gtype/file_automata.h"

namespace gtype::cli {

void print_diagnostics(const DiagnosticEngine& diagnostics) {
  const std::string summary = summary_line(diagnostics.print(std::cerr));
  if (!summary.empty()) std::cerr << summary << '\n';
}

std::optional<int> analyze_or_report(const LoadOptions& load, const std::string& file,
                                     FrontendResult& result) {
  SourceManager sources;
  DiagnosticEngine diagnostics(sources);
  const Status status = analyze_file(file, sources, diagnostics, result, load);
  if (!status.ok()) {
    std::cerr << "gtype: " << status.message() << '\n';
    return kUsage;
  }
  print_diagnostics(diagnostics);  // warnings too, when there is no error
  if (diagnostics.has_errors()) return kInputErrors;
  return std::nullopt;
}

std::optional<int> load_systems(const LoadOptions& load, const std::string& file, FileSystems& out) {
  FrontendResult result;
  if (std::optional<int> failed = analyze_or_report(load, file, result)) return failed;
  for (const GlobalProtocol* protocol : result.program.inlined_protocols())
    out.inlined.insert(protocol->name.text);
  out.aux = aux_protocols(result.program);
  out.systems = file_automata(result);
  return std::nullopt;
}

std::map<std::string, std::string> aux_protocols(const Program& program) {
  std::map<std::string, std::string> names;
  for (const GlobalProtocol& protocol : program.files.front().protocols) {
    if (protocol.only_called())
      names.emplace(protocol.name.text, protocol.aux ? "an aux protocol" : "a protocol with parameters");
  }
  return names;
}

bool report_aux(const std::string& file, const std::map<std::string, std::string>& aux,
                const std::string& name) {
  auto found = aux.find(name);
  if (found == aux.end()) return false;
  std::cerr << "gtype: " << file << ": '" << name << "' is " << found->second
            << ": it is projected and verified only where a 'do' calls it\n";
  return true;
}

bool select_systems(const std::string& file, const FileSystems& all, const std::optional<std::string>& name,
                    std::vector<const AutomatonSystem*>& out) {
  for (const AutomatonSystem& system : all.systems) {
    if (!name || system.name == *name) out.push_back(&system);
  }
  if (!name || !out.empty()) return true;
  if (report_aux(file, all.aux, *name)) return false;
  std::cerr << "gtype: " << file << ": no protocol or local system '" << *name << "'";
  const char* separator = "; it declares: ";
  for (const AutomatonSystem& system : all.systems) {
    std::cerr << separator << system.name;
    separator = ", ";
  }
  std::cerr << '\n';
  return false;
}

}  // namespace gtype::cli
