// `gtype gen FILE… --out DIR [--role R]… [--index H] [--stdout] [--list] [--names]`: C++
// endpoint code for every role of every protocol and local system of the FILEs (codegen/).
// --names prints, instead, the public names each role's header declares: what user code
// spells, for golden tests and for reviewing what an edit of a protocol renames.
//
// Files are written only when their text changes, so a regeneration that changes nothing
// rebuilds nothing; the --index header is always rewritten (a build uses it as its stamp).
// This command neither verifies the protocols (`gtype verify` does; gtype_add_protocol runs
// both) nor compiles what it writes.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "cli.h"
#include "commands.h"
#include "gtype/codegen.h"
#include "gtype/file_automata.h"
#include "gtype/frontend.h"

namespace gtype::cli {
namespace {

namespace fs = std::filesystem;

// Loads `file` and generates its files. The automata are file_automata's, as `gtype verify`
// builds them; this keeps the Program that sort names are resolved in, which load_systems does
// not return.
std::optional<int> generate_file(const LoadOptions& load, const std::string& file,
                                 const CodegenOptions& options, std::vector<std::string>& roles_seen,
                                 std::vector<GeneratedFile>& out) {
  SourceManager sources;
  DiagnosticEngine diagnostics(sources);
  FrontendResult result;
  const gtype::Status status = analyze_file(file, sources, diagnostics, result, load);
  if (!status.ok()) {
    std::cerr << "gtype: " << status.message() << '\n';
    return kUsage;
  }
  print_diagnostics(diagnostics);  // warnings too, when there is no error
  if (diagnostics.has_errors()) return kInputErrors;
  const std::vector<AutomatonSystem> systems = file_automata(result);
  for (const AutomatonSystem& system : systems) {
    roles_seen.insert(roles_seen.end(), system.roles.begin(), system.roles.end());
  }
  DiagnosticEngine codegen_diagnostics(sources);  // the front end's were printed
  if (!generate_code(result.program, sources, systems, options, codegen_diagnostics, out)) {
    print_diagnostics(codegen_diagnostics);
    return kInputErrors;
  }
  return std::nullopt;
}

// Writes `text` to `path` unless it already holds exactly that; false (and says why) on failure.
bool write_if_changed(const fs::path& path, const std::string& text, bool always) {
  if (!always) {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream old;
      old << in.rdbuf();
      if (old.str() == text) return true;
    }
  }
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "gtype: cannot write " << path.string() << '\n';
    return false;
  }
  return true;
}

}  // namespace

int run_gen(const LoadOptions& load, const GenArguments& arguments) {
  if (!arguments.out && !arguments.to_stdout && !arguments.list && !arguments.names) {
    std::cerr
        << "gtype: gen needs --out DIR (or --stdout, --list or --names)\nRun 'gtype gen --help' for more "
           "information.\n";
    return kUsage;
  }
  if (arguments.index && !arguments.out) {
    std::cerr << "gtype: --index needs --out DIR\n";
    return kUsage;
  }
  CodegenOptions options;
  options.roles = arguments.roles;
  options.names = arguments.names;
  std::vector<GeneratedFile> files;
  std::vector<std::string> roles_seen;
  std::map<std::string, std::string> written_by;  // path -> file
  int code = kOk;
  for (const std::string& file : arguments.files) {
    std::vector<GeneratedFile> generated;
    if (std::optional<int> failed = generate_file(load, file, options, roles_seen, generated)) {
      code = std::max(code, *failed);
      continue;
    }
    std::set<std::string> clashes;  // files this one clashes with, each said once
    for (GeneratedFile& g : generated) {
      auto [other, fresh] = written_by.emplace(g.path, file);
      if (!fresh) {
        if (clashes.insert(other->second).second) {
          std::cerr << "gtype: " << file << " and " << other->second << " would both write " << g.path
                    << ": they declare protocols of the same name\n";
        }
        code = std::max(code, kInputErrors);
        continue;
      }
      files.push_back(std::move(g));
    }
  }
  if (code != kOk) return code;
  for (const std::string& role : arguments.roles) {
    if (std::find(roles_seen.begin(), roles_seen.end(), role) == roles_seen.end()) {
      std::cerr << "gtype: --role " << role << ": no protocol or local system of the files has that role\n";
      return kUsage;
    }
  }
  if (arguments.index) files.push_back(index_header(*arguments.index, files));

  if (arguments.list) {
    for (const GeneratedFile& file : files) {
      std::cout << (arguments.out ? (fs::path(*arguments.out) / file.path).generic_string() : file.path) << '\n';
    }
    return kOk;
  }
  if (arguments.to_stdout || arguments.names) {
    for (const GeneratedFile& file : files) std::cout << "// ---- " << file.path << '\n' << file.text;
    return kOk;
  }
  for (const GeneratedFile& file : files) {
    const bool is_index = arguments.index && file.path == *arguments.index;
    if (!write_if_changed(fs::path(*arguments.out) / file.path, file.text, is_index)) return kUsage;
  }
  return kOk;
}

}  // namespace gtype::cli
