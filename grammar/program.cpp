// Loads a file and its imports (transitively) and resolves names across files.
#include <algorithm>
#include <cassert>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "gtype/program.h"

namespace gtype {
namespace fs = std::filesystem;

Status read_file(const std::string& path, std::string& text) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Status::io_error(path + ": is a directory");
  if (!fs::exists(path, ec)) return Status::io_error(path + ": no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io_error(path + ": cannot open file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::io_error(path + ": read error");
  text = buffer.str();
  return Status::ok();
}

namespace {

// Loads files depth first; `stack` holds the chain of files being loaded, to spot cycles.
class Loader {
 public:
  Loader(SourceManager& sources, DiagnosticEngine& diagnostics, Program& program)
      : sources_(sources), diagnostics_(diagnostics), program_(program) {}

  // Returns the index of the loaded file.
  std::size_t load(const std::string& path, std::string text) {
    std::uint32_t id = sources_.add(path, std::move(text));
    std::size_t index = program_.files.size();
    program_.files.emplace_back();
    program_.imports.emplace_back();
    loaded_[canonical(path)] = index;
    SourceFile file;
    if (!parse_source(sources_, id, diagnostics_, file)) program_.has_syntax_errors = true;
    program_.files[index] = std::move(file);

    stack_.push_back(index);
    const std::vector<ImportDecl> imports = program_.files[index].imports;
    for (const ImportDecl& import : imports) {
      via_.push_back(&import);
      resolve(index, path, import);
      via_.pop_back();
    }
    stack_.pop_back();
    return index;
  }

 private:
  static std::string canonical(const std::string& path) {
    std::error_code ec;
    fs::path resolved = fs::weakly_canonical(path, ec);
    return ec ? fs::path(path).lexically_normal().string() : resolved.string();
  }

  void resolve(std::size_t importer, const std::string& importer_path, const ImportDecl& import) {
    fs::path target = (fs::path(importer_path).parent_path() / import.path).lexically_normal();
    std::string key = canonical(target.string());
    auto found = loaded_.find(key);
    if (found != loaded_.end()) {
      for (std::size_t open : stack_) {
        if (open == found->second) {
          report_cycle(found->second, import);
          return;
        }
      }
      add_import(importer, found->second, import);
      return;
    }
    std::string text;
    Status status = read_file(target.string(), text);
    if (!status.is_ok()) {
      // The status names the path it tried, relative to where gtype runs: quote it only when
      // it is not the path as written.
      std::string reason = status.message();
      const std::string tried = target.string() + ": ";
      if (reason.rfind(tried, 0) == 0) reason = reason.substr(tried.size());
      if (target.string() != import.path) reason += " (looked for " + target.string() + ")";
      diagnostics_.error(import.location, "cannot import \"" + import.path + "\": " + reason);
      return;
    }
    std::size_t index = load(target.string(), std::move(text));
    add_import(importer, index, import);
  }

  void add_import(std::size_t importer, std::size_t imported, const ImportDecl& import) {
    auto& list = program_.imports[importer];
    if (std::find(list.begin(), list.end(), imported) != list.end()) {
      diagnostics_.error(import.location, "\"" + import.path + "\" is imported twice");
      return;
    }
    list.push_back(imported);
  }

  // The chain of imports from the file imported again back to the importer, as notes.
  void report_cycle(std::size_t start, const ImportDecl& import) {
    Diagnostic& d = diagnostics_.error(import.location, "cyclic import of \"" + import.path + "\"");
    auto open = std::find(stack_.begin(), stack_.end(), start);
    // via_[i] is the import statement of stack_[i] being followed; the last one is `import`.
    for (auto i = static_cast<std::size_t>(open - stack_.begin()); i + 1 < via_.size(); ++i) {
      d.notes.push_back({via_[i]->location, "which imports \"" + via_[i]->path + "\""});
    }
  }

  SourceManager& sources_;
  DiagnosticEngine& diagnostics_;
  Program& program_;
  std::map<std::string, std::size_t> loaded_;
  std::vector<std::size_t> stack_;          // files being loaded, outermost first
  std::vector<const ImportDecl*> via_;      // the import each of them is following
};

}  // namespace

namespace {

// Own declarations first, then those of the files imported directly.
template <typename Decl>
const Decl* find_visible(const Program& program, std::size_t file, std::string_view name,
                         std::vector<Decl> SourceFile::*list, Name Decl::*key) {
  auto search = [&](std::size_t f) -> const Decl* {
    for (const Decl& decl : program.files[f].*list) {
      if ((decl.*key).text == name) return &decl;
    }
    return nullptr;
  };
  if (const Decl* own = search(file)) return own;
  for (std::size_t imported : program.imports[file]) {
    if (const Decl* found = search(imported)) return found;
  }
  return nullptr;
}

}  // namespace

const GlobalProtocol* Program::find_protocol(std::size_t file, std::string_view name) const {
  return find_visible(*this, file, name, &SourceFile::protocols, &GlobalProtocol::name);
}

const SortDecl* Program::find_sort(std::size_t file, std::string_view name) const {
  return find_visible(*this, file, name, &SourceFile::sorts, &SortDecl::name);
}

const TypeDecl* Program::find_type(std::size_t file, std::string_view name) const {
  return find_visible(*this, file, name, &SourceFile::types, &TypeDecl::alias);
}

std::size_t Program::file_of(const GlobalProtocol& protocol) const {
  for (std::size_t f = 0; f < files.size(); ++f) {
    for (const GlobalProtocol& p : files[f].protocols) {
      if (&p == &protocol) return f;
    }
  }
  assert(false && "protocol does not belong to this program");
  return 0;
}

std::set<const GlobalProtocol*> Program::inlined_protocols() const {
  std::set<const GlobalProtocol*> inlined;
  for (std::size_t f = 0; f < files.size(); ++f) {
    auto walk = [&](auto&& self, const Block& block) -> void {
      for (const Statement& s : block) {
        if (s.kind == StatementKind::kDo) {
          if (const GlobalProtocol* callee = find_protocol(f, s.label.text)) inlined.insert(callee);
        }
        for (const Block& nested : s.blocks) self(self, nested);
      }
    };
    for (const GlobalProtocol& protocol : files[f].protocols) walk(walk, protocol.body);
  }
  return inlined;
}

Status load_program(const std::string& path, SourceManager& sources, DiagnosticEngine& diagnostics,
                    Program& out) {
  std::string text;
  Status status = read_file(path, text);
  if (!status.is_ok()) return status;
  out = Program{};
  Loader(sources, diagnostics, out).load(path, std::move(text));
  return Status::ok();
}

}  // namespace gtype
