// Loads a file and its imports (transitively) and resolves names across files.
#include <algorithm>
#include <cassert>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "gtype/program.h"
#include "gtype/regular_file.h"

namespace gtype {
namespace fs = std::filesystem;

Status read_file(const std::string& path, std::string& text) {
  switch (read_regular_file(path, kMaxSourceBytes, text)) {
    case FileReadError::kNone:
      return Status::success();
    case FileReadError::kMissing:
      return Status::io_error(path + ": no such file");
    case FileReadError::kDirectory:
      return Status::io_error(path + ": is a directory");
    case FileReadError::kNotRegular:
      return Status::io_error(path + ": not a regular file");
    case FileReadError::kTooLarge:
      return Status::io_error(path + ": file too large: more than " + std::to_string(kMaxSourceBytes >> 20) +
                              " MiB");
    case FileReadError::kUnreadable:
      break;
  }
  return Status::io_error(path + ": cannot read file");
}

namespace {

// Loads files depth first, each once (by canonical path): a file imported again, even by one
// of the files that it imports itself, is the file already loaded.
class Loader {
 public:
  Loader(SourceManager& sources, DiagnosticEngine& diagnostics, Program& program, const LoadOptions& options)
      : sources_(sources), diagnostics_(diagnostics), program_(program), options_(options) {}

  // Returns the index of the loaded file.
  std::size_t load(const std::string& path, std::string text) {
    std::uint32_t id = sources_.add(path, std::move(text));
    std::size_t index = program_.files.size();
    program_.files.emplace_back();
    program_.imports.emplace_back();
    program_.qualifiers.emplace_back();
    loaded_[canonical(path)] = index;
    SourceFile file;
    if (!parse_source(sources_, id, diagnostics_, file)) program_.has_syntax_errors = true;
    program_.files[index] = std::move(file);
    if (const auto& module = program_.files[index].module) program_.qualifiers[index][module->text] = index;
    if (index == 0 && options_.confine_imports) allow_roots(path);

    const std::vector<ImportDecl> imports = program_.files[index].imports;
    for (const ImportDecl& import : imports) resolve(index, path, import);
    return index;
  }

 private:
  static std::string canonical(const std::string& path) {
    std::error_code ec;
    fs::path resolved = fs::weakly_canonical(path, ec);
    return ec ? fs::path(path).lexically_normal().string() : resolved.string();
  }

  void resolve(std::size_t importer, const std::string& importer_path, const ImportDecl& import) {
    std::optional<std::size_t> imported;
    if (import.module.empty()) {
      fs::path target = (fs::path(importer_path).parent_path() / import.path).lexically_normal();
      if (allowed(target, import)) imported = load_import(target, import);
    } else if (std::optional<fs::path> target = find_module(importer, importer_path, import)) {
      if (allowed(*target, import)) imported = load_import(*target, import);
    }
    if (!imported) return;
    add_import(importer, *imported, import);
    auto& qualifiers = program_.qualifiers[importer];
    if (const auto& module = program_.files[*imported].module) qualifiers.emplace(module->text, *imported);
    if (!import.module.empty()) qualifiers[import.module] = *imported;
    if (!import.alias.empty()) qualifiers[import.alias] = *imported;
  }

  // The file of a loaded or readable import; nullopt when it cannot be read (reported).
  std::optional<std::size_t> load_import(const fs::path& target, const ImportDecl& import) {
    auto found = loaded_.find(canonical(target.string()));
    if (found != loaded_.end()) return found->second;
    std::string text;
    Status status = read_file(target.string(), text);
    if (!status.ok()) {
      // The status names the path it tried, relative to where gtype runs: quote it only when
      // it is not the path as written.
      std::string reason = status.message();
      const std::string tried = target.string() + ": ";
      if (reason.rfind(tried, 0) == 0) reason = reason.substr(tried.size());
      if (target.string() != import.path) reason += " (looked for " + target.string() + ")";
      diagnostics_.error(import.location, "cannot import " + import.shown() + ": " + reason);
      return std::nullopt;
    }
    return load(target.string(), std::move(text));
  }

  // `import a.b.c;`: a/b/c.scr, .gtype or .nuscr under the importing file's root, then under
  // each import path.
  std::optional<fs::path> find_module(std::size_t importer, const std::string& importer_path,
                                      const ImportDecl& import) {
    fs::path relative;
    for (const std::string& component : split(import.module)) relative /= component;
    std::vector<fs::path> roots{root_of(importer_path, program_.files[importer].module)};
    for (const std::string& path : options_.import_paths) roots.emplace_back(path);
    for (const fs::path& root : roots) {
      for (const char* extension : {".scr", ".gtype", ".nuscr"}) {
        fs::path candidate = root / relative;
        candidate += extension;
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal();
      }
    }
    std::string where;
    for (const fs::path& root : roots) where += (where.empty() ? "" : ", ") + shown_folder(root);
    diagnostics_.error(import.location, "cannot import " + import.module + ": no " + relative.string() +
                                            ".scr, " + relative.string() + ".gtype or " + relative.string() +
                                            ".nuscr in " + where);
    return std::nullopt;
  }

  // --confine-imports: the root file's own root and each import path, where imports may be.
  void allow_roots(const std::string& root_path) {
    std::vector<fs::path> roots{root_of(root_path, program_.files.front().module)};
    for (const std::string& path : options_.import_paths) roots.emplace_back(path);
    for (const fs::path& root : roots) {
      // A root that cannot be resolved (a folder that does not exist, say) is taken as written.
      std::optional<fs::path> real = resolved(root);
      allowed_roots_.push_back({shown_folder(root), lexical(root), real ? *real : lexical(root)});
    }
  }

  // Whether `target` may be read: always, unless imports are confined and it lies (symbolic
  // links followed) under none of the allowed roots, which is reported at the import.
  bool allowed(const fs::path& target, const ImportDecl& import) {
    if (!options_.confine_imports) return true;
    // A path that cannot be resolved (a loop of symbolic links, an unreadable folder) could
    // lead anywhere: it is refused.
    const std::optional<fs::path> real = resolved(target);
    bool lexically_inside = false;
    for (const AllowedRoot& root : allowed_roots_) {
      if (real && within(*real, root.real)) return true;
      lexically_inside = lexically_inside || within(lexical(target), root.lexical);
    }
    Diagnostic& error =
        diagnostics_.error(import.location, "cannot import " + import.shown() +
                                                ": it is outside the folders imports are confined to");
    if (!real) {
      error.notes.push_back({SourceLocation{},
                             "its path cannot be resolved (a loop of symbolic links, or a "
                             "folder that cannot be read), so it is not known to be inside"});
    } else if (lexically_inside) {
      error.notes.push_back(
          {SourceLocation{}, "a symbolic link on the way leads to '" + real->string() + "'"});
    }
    std::string roots;
    for (const AllowedRoot& root : allowed_roots_) roots += (roots.empty() ? "" : ", ") + root.shown;
    error.notes.push_back({SourceLocation{}, "--confine-imports allows only files under " + roots});
    return false;
  }

  // `path` absolute, with every symbolic link of its existing part resolved; nullopt when
  // that fails.
  static std::optional<fs::path> resolved(const fs::path& path) {
    std::error_code ec;
    fs::path real = fs::weakly_canonical(fs::absolute(path.empty() ? fs::path(".") : path, ec), ec);
    if (ec) return std::nullopt;
    return without_trailing_separator(real);
  }

  // `path` absolute and normal, symbolic links left as they are.
  static fs::path lexical(const fs::path& path) {
    std::error_code ec;
    fs::path absolute = fs::absolute(path.empty() ? fs::path(".") : path, ec);
    return without_trailing_separator((ec ? path : absolute).lexically_normal());
  }

  static fs::path without_trailing_separator(const fs::path& path) {
    return path.has_filename() || !path.has_relative_path() ? path : path.parent_path();
  }

  // Whether `path` is `root` or under it, component by component ("/a/bc" is not under "/a/b").
  static bool within(const fs::path& path, const fs::path& root) {
    return std::mismatch(root.begin(), root.end(), path.begin(), path.end()).first == root.end();
  }

  static std::vector<std::string> split(const std::string& dotted) {
    std::vector<std::string> parts{""};
    for (char c : dotted) {
      if (c == '.') {
        parts.emplace_back();
      } else {
        parts.back() += c;
      }
    }
    return parts;
  }

  // The folder a file's dotted module name is relative to: for `module a.b.c;` in
  // ROOT/a/b/c.scr, ROOT; the file's own folder when it has no module name or is elsewhere.
  static fs::path root_of(const std::string& path, const std::optional<Name>& module) {
    const fs::path folder = fs::path(path).parent_path();
    if (!module) return folder;
    const std::vector<std::string> parts = split(module->text);
    fs::path root = folder;
    for (std::size_t i = parts.size() - 1; i-- > 0;) {
      if (root.filename() != parts[i]) return folder;
      root = root.parent_path();
    }
    return root;
  }

  static std::string shown_folder(const fs::path& folder) {
    std::string shown(1, '\'');  // appended: GCC 12 warns falsely (-Wrestrict) on "'" + std::string
    shown += folder.empty() ? std::string(".") : folder.string();
    return shown + "'";
  }

  void add_import(std::size_t importer, std::size_t imported, const ImportDecl& import) {
    auto& list = program_.imports[importer];
    if (std::find(list.begin(), list.end(), imported) != list.end()) {
      diagnostics_.error(import.location, import.shown() + " is imported twice");
      return;
    }
    list.push_back(imported);
  }

  SourceManager& sources_;
  DiagnosticEngine& diagnostics_;
  Program& program_;
  const LoadOptions& options_;
  std::map<std::string, std::size_t> loaded_;
  // A folder --confine-imports lets imports be in: as diagnostics show it, as written (made
  // absolute) and with its symbolic links resolved.
  struct AllowedRoot {
    std::string shown;
    fs::path lexical;
    fs::path real;
  };
  std::vector<AllowedRoot> allowed_roots_;
};

}  // namespace

// Names of each file's own declarations (the first of a name wins, as a search in source order
// would find it), the declaring file of each protocol, and the `do` call graph's facts.
struct Program::Index {
  template <typename Decl>
  using Names = std::map<std::string, const Decl*, std::less<>>;
  std::vector<Names<GlobalProtocol>> protocols;
  std::vector<Names<SortDecl>> sorts;
  std::vector<Names<TypeDecl>> types;
  std::map<const GlobalProtocol*, std::size_t> file_of;
  std::multimap<std::string, SourceLocation, std::less<>> all_protocols;  // equal names in file order
  std::multimap<std::string, SourceLocation, std::less<>> all_sorts;      // sorts and host types
  std::set<const GlobalProtocol*> cyclic;
  std::map<const GlobalProtocol*, std::uint64_t> inlined_size;
};

namespace {

template <typename Decl>
void add_names(const std::vector<Decl>& declarations, Name Decl::*key,
               std::map<std::string, const Decl*, std::less<>>& names) {
  for (const Decl& declaration : declarations) names.emplace((declaration.*key).text, &declaration);
}

// Own declarations first, then those of the files imported directly.
template <typename Decl>
const Decl* find_visible(const Program& program, std::size_t file, std::string_view name,
                         const std::vector<std::map<std::string, const Decl*, std::less<>>>& index) {
  auto search = [&](std::size_t f) -> const Decl* {
    auto it = index[f].find(name);
    return it == index[f].end() ? nullptr : it->second;
  };
  // `a.b.P`, `x.P`: only in the file the qualifier names.
  if (const std::size_t dot = name.rfind('.'); dot != std::string_view::npos) {
    if (file >= program.qualifiers.size()) return nullptr;
    auto qualifier = program.qualifiers[file].find(name.substr(0, dot));
    if (qualifier == program.qualifiers[file].end()) return nullptr;
    auto it = index[qualifier->second].find(name.substr(dot + 1));
    return it == index[qualifier->second].end() ? nullptr : it->second;
  }
  if (const Decl* own = search(file)) return own;
  for (std::size_t imported : program.imports[file]) {
    if (const Decl* found = search(imported)) return found;
  }
  return nullptr;
}

void for_each_do(const Block& block, const std::function<void(const Statement&)>& visit) {
  for (const Statement& s : block) {
    if (s.kind == StatementKind::kDo) visit(s);
    for (const Block& nested : s.blocks) for_each_do(nested, visit);
  }
}

// Tarjan's strongly connected components of the `do` graph: a protocol is cyclic when its
// component has several members or it calls itself.
class CycleFinder {
 public:
  explicit CycleFinder(const std::map<const GlobalProtocol*, std::vector<const GlobalProtocol*>>& calls)
      : calls_(calls) {}

  std::set<const GlobalProtocol*> run() {
    for (const auto& [protocol, callees] : calls_) {
      if (!number_.count(protocol)) visit(protocol);
    }
    return std::move(cyclic_);
  }

 private:
  std::size_t visit(const GlobalProtocol* protocol) {
    const std::size_t number = number_.size();
    number_[protocol] = number;
    std::size_t low = number;
    stack_.push_back(protocol);
    on_stack_.insert(protocol);
    for (const GlobalProtocol* callee : calls_.at(protocol)) {
      if (callee == protocol) cyclic_.insert(protocol);
      if (!number_.count(callee)) {
        low = std::min(low, visit(callee));
      } else if (on_stack_.count(callee)) {
        low = std::min(low, number_.at(callee));
      }
    }
    if (low == number) {
      std::vector<const GlobalProtocol*> component;
      for (const GlobalProtocol* member = nullptr; member != protocol;) {
        member = stack_.back();
        stack_.pop_back();
        on_stack_.erase(member);
        component.push_back(member);
      }
      if (component.size() > 1) cyclic_.insert(component.begin(), component.end());
    }
    return low;
  }

  const std::map<const GlobalProtocol*, std::vector<const GlobalProtocol*>>& calls_;
  std::map<const GlobalProtocol*, std::size_t> number_;
  std::vector<const GlobalProtocol*> stack_;
  std::set<const GlobalProtocol*> on_stack_;
  std::set<const GlobalProtocol*> cyclic_;
};

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  constexpr std::uint64_t kHuge = std::uint64_t{1} << 62;
  return std::min(kHuge, std::min(kHuge, a) + std::min(kHuge, b));
}

}  // namespace

const Program::Index& Program::index() const {
  if (cache_.index) return *cache_.index;
  auto index = std::make_shared<Index>();
  index->protocols.resize(files.size());
  index->sorts.resize(files.size());
  index->types.resize(files.size());
  for (std::size_t f = 0; f < files.size(); ++f) {
    add_names(files[f].protocols, &GlobalProtocol::name, index->protocols[f]);
    add_names(files[f].sorts, &SortDecl::name, index->sorts[f]);
    add_names(files[f].types, &TypeDecl::alias, index->types[f]);
    for (const GlobalProtocol& protocol : files[f].protocols) {
      index->file_of[&protocol] = f;
      index->all_protocols.emplace(protocol.name.text, protocol.name.location);
    }
    for (const SortDecl& sort : files[f].sorts) index->all_sorts.emplace(sort.name.text, sort.name.location);
    for (const TypeDecl& type : files[f].types)
      index->all_sorts.emplace(type.alias.text, type.alias.location);
  }
  cache_.index = index;  // the lookups below use the names already indexed

  std::map<const GlobalProtocol*, std::vector<const GlobalProtocol*>> calls;
  for (std::size_t f = 0; f < files.size(); ++f) {
    for (const GlobalProtocol& protocol : files[f].protocols) {
      std::vector<const GlobalProtocol*>& callees = calls[&protocol];
      for_each_do(protocol.body, [&](const Statement& s) {
        if (const GlobalProtocol* callee = find_protocol(f, s.label.text)) callees.push_back(callee);
      });
    }
  }
  index->cyclic = CycleFinder(calls).run();

  // Callees before callers: the call graph without its cycles is acyclic.
  std::function<std::uint64_t(const GlobalProtocol&)> size = [&](const GlobalProtocol& protocol) {
    auto known = index->inlined_size.find(&protocol);
    if (known != index->inlined_size.end()) return known->second;
    const std::size_t file = index->file_of.at(&protocol);
    std::uint64_t total = 0;
    auto count = [&](auto&& self, const Block& block) -> void {
      for (const Statement& s : block) {
        const GlobalProtocol* callee = s.kind == StatementKind::kDo ? callee_of(file, s) : nullptr;
        total = saturating_add(total, callee ? 1 + size(*callee) : 1);  // the `do` itself is walked too
        for (const Block& nested : s.blocks) self(self, nested);
      }
    };
    count(count, protocol.body);
    index->inlined_size[&protocol] = total;
    return total;
  };
  for (const auto& [protocol, callees] : calls) size(*protocol);
  return *index;
}

const GlobalProtocol* Program::find_protocol(std::size_t file, std::string_view name) const {
  return find_visible(*this, file, name, index().protocols);
}

const SortDecl* Program::find_sort(std::size_t file, std::string_view name) const {
  return find_visible(*this, file, name, index().sorts);
}

const TypeDecl* Program::find_type(std::size_t file, std::string_view name) const {
  return find_visible(*this, file, name, index().types);
}

namespace {

std::vector<SourceLocation> named(const std::multimap<std::string, SourceLocation, std::less<>>& all,
                                  std::string_view name) {
  std::vector<SourceLocation> out;
  for (auto [it, end] = all.equal_range(name); it != end; ++it) out.push_back(it->second);
  return out;
}

}  // namespace

std::vector<SourceLocation> Program::protocols_named(std::string_view name) const {
  return named(index().all_protocols, name);
}

std::vector<SourceLocation> Program::sorts_named(std::string_view name) const {
  return named(index().all_sorts, name);
}

std::size_t Program::file_of(const GlobalProtocol& protocol) const {
  auto it = index().file_of.find(&protocol);
  assert(it != index().file_of.end() && "protocol does not belong to this program");
  return it->second;
}

bool Program::in_do_cycle(const GlobalProtocol& protocol) const {
  return index().cyclic.count(&protocol) > 0;
}

const GlobalProtocol* Program::callee_of(std::size_t file, const Statement& call) const {
  const GlobalProtocol* callee = find_protocol(file, call.label.text);
  if (callee == nullptr || callee->roles.size() != call.arguments.size()) return nullptr;
  if (in_do_cycle(*callee)) return nullptr;
  return callee;
}

std::uint64_t Program::inlined_size(const GlobalProtocol& protocol) const {
  auto it = index().inlined_size.find(&protocol);
  assert(it != index().inlined_size.end() && "protocol does not belong to this program");
  return it->second;
}

std::set<const GlobalProtocol*> Program::inlined_protocols() const {
  std::set<const GlobalProtocol*> inlined;
  for (std::size_t f = 0; f < files.size(); ++f) {
    for (const GlobalProtocol& protocol : files[f].protocols) {
      for_each_do(protocol.body, [&](const Statement& s) {
        if (const GlobalProtocol* callee = find_protocol(f, s.label.text)) inlined.insert(callee);
      });
    }
  }
  return inlined;
}

Status load_program(const std::string& path, SourceManager& sources, DiagnosticEngine& diagnostics,
                    Program& out, const LoadOptions& options) {
  std::string text;
  Status status = read_file(path, text);
  if (!status.ok()) return status;
  out = Program{};
  Loader(sources, diagnostics, out, options).load(path, std::move(text));
  if (!out.has_syntax_errors) unroll_recursive_calls(out, diagnostics);
  return Status::success();
}

}  // namespace gtype
