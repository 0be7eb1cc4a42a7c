// `gtype check FILE…`: parse, well-formedness, projectability; every error of every file.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "commands.h"

namespace gtype::cli {

int run_check(const LoadOptions& load, const std::vector<std::string>& files) {
  SourceManager sources;
  DiagnosticEngine diagnostics(sources);
  bool io_failed = false;
  for (const std::string& file : files) {
    FrontendResult result;
    Status status = analyze_file(file, sources, diagnostics, result, load);
    if (!status.ok()) {
      std::cerr << "gtype: " << status.message() << '\n';
      io_failed = true;
    }
  }
  print_diagnostics(diagnostics);
  if (io_failed) return kUsage;
  return diagnostics.has_errors() ? kInputErrors : kOk;
}

}  // namespace gtype::cli
