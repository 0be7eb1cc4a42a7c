// `gtype gen` as a library call (see include/gtype/codegen.h): names each system and its roles
// in C++, resolves their payload sorts, and has sorts.cpp and role.cpp write the files. It
// reads no file and writes none; the command does.
#include "gtype/codegen.h"

#include <algorithm>
#include <map>
#include <set>

#include "model.h"
#include "names.h"

namespace gtype {

namespace {

SourceLocation location_of(const Program& program, const std::string& system) {
  for (const GlobalProtocol& protocol : program.files.front().protocols) {
    if (protocol.name.text == system) return protocol.name.location;
  }
  for (const LocalSystem& local : program.files.front().local_systems) {
    if (local.name.text == system) return local.name.location;
  }
  return {};
}

std::string base_name(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// sorts/<module path>.h: every sort and host type the root file declares, whether or not a
// message carries it (a store's record, a command's JSON), with the sorts they contain.
void add_sorts_header(const Program& program, const SourceManager& sources, DiagnosticEngine& diagnostics,
                      std::vector<GeneratedFile>& out) {
  const SourceFile& root = program.files.front();
  if (root.sorts.empty() && root.types.empty()) return;
  codegen::SortTable table(program, sources, diagnostics);
  bool ok = true;
  for (const SortDecl& sort : root.sorts) ok &= table.resolve(SortRef{sort.name.text, {}, sort.location}).has_value();
  for (const TypeDecl& type : root.types) ok &= table.resolve(SortRef{type.alias.text, {}, type.location}).has_value();
  if (!ok || !table.finish()) return;
  std::vector<std::string> home = table.home_of(0);
  home.erase(home.begin());  // "sorts"
  std::string path = "sorts";
  for (const std::string& part : home) path += "/" + part;
  out.push_back({path + ".h", codegen::sorts_header(table, base_name(sources.path(root.file)))});
}

}  // namespace

bool generate_code(const Program& program, const SourceManager& sources, const std::vector<AutomatonSystem>& systems,
                   const CodegenOptions& options, DiagnosticEngine& diagnostics, std::vector<GeneratedFile>& out) {
  using codegen::escape;
  const std::size_t errors_before = diagnostics.error_count();
  std::map<std::string, std::string> namespaces;  // C++ namespace -> system
  for (const AutomatonSystem& system : systems) {
    codegen::SortTable table(program, sources, diagnostics);
    codegen::ProtocolModel model;
    model.system = &system;
    model.sorts = &table;
    model.source_name = base_name(sources.path(program.files.front().file));
    std::set<std::string> reserved = codegen::namespace_qualifiers();
    reserved.insert("sorts");  // gtype_gen::sorts holds the sorts of every protocol
    model.ns = escape(codegen::snake_case(system.name), reserved);
    const SourceLocation where = location_of(program, system.name);
    if (auto other = namespaces.find(model.ns); other != namespaces.end()) {
      diagnostics.error(where, "'" + system.name + "' and '" + other->second + "' would both generate namespace gtype_gen::" +
                                   model.ns + "; rename one");
      continue;
    }
    namespaces.emplace(model.ns, system.name);

    bool ok = true;
    for (const Message& message : system.messages) {
      std::vector<codegen::CppSort> payload;
      for (const SortRef& sort : message.payload) {
        std::optional<codegen::CppSort> resolved = table.resolve(sort);
        if (!resolved) {
          ok = false;
          continue;
        }
        payload.push_back(std::move(*resolved));
      }
      model.payloads.push_back(std::move(payload));
    }
    if (!table.finish()) ok = false;
    constexpr std::size_t kLimit = 0xFFFE;  // the tables number with std::uint16_t
    std::size_t transitions = 0;
    for (const Automaton& machine : system.machines) {
      for (const AutomatonState& state : machine.states) transitions = std::max(transitions, state.out.size());
      if (machine.states.size() > kLimit) transitions = kLimit + 1;
    }
    if (system.messages.size() > kLimit || system.roles.size() > kLimit || transitions > kLimit) {
      diagnostics.error(where, "'" + system.name + "' is too large for generated code (at most 65534 messages, roles "
                                                   "and states per role)");
      ok = false;
    }
    if (!ok) continue;

    // The protocol's names for its sorts: each sort under its own name, unless two share it.
    std::map<std::string, std::size_t> uses;
    for (const codegen::SortEntry& entry : table.entries()) ++uses[entry.cpp_name];
    std::set<std::string> taken = codegen::names_taken_by_generated_code();
    taken.insert("types");  // <p>/types.h
    for (std::size_t e = 0; e < table.entries().size(); ++e) {
      if (uses[table.entries()[e].cpp_name] == 1) {
        model.aliases.emplace(e, table.entries()[e].cpp_name);
        taken.insert(table.entries()[e].cpp_name);
      }
    }
    for (const std::string& role : system.roles) {
      model.role_names.push_back(escape(role, taken));
      taken.insert(model.role_names.back());
    }

    if (!options.names) out.push_back({model.ns + "/types.h", codegen::types_header(model)});
    for (std::size_t r = 0; r < system.roles.size(); ++r) {
      if (!options.roles.empty() &&
          std::find(options.roles.begin(), options.roles.end(), system.roles[r]) == options.roles.end()) {
        continue;
      }
      const std::string stem = model.ns + "/" + model.role_names[r];
      out.push_back(options.names ? GeneratedFile{stem + ".names", codegen::role_names_listing(model, r)}
                                  : GeneratedFile{stem + ".h", codegen::role_header(model, r)});
    }
  }
  if (!options.names) add_sorts_header(program, sources, diagnostics, out);
  return diagnostics.error_count() == errors_before;
}

GeneratedFile index_header(const std::string& path, const std::vector<GeneratedFile>& files) {
  std::vector<std::string> includes;
  for (const GeneratedFile& file : files) includes.push_back(file.path);
  std::sort(includes.begin(), includes.end());
  std::string text =
      "// Generated by `gtype gen`: every header generated with this one. Do not edit.\n#pragma once\n\n";
  for (const std::string& include : includes) text += "#include \"" + include + "\"\n";
  return {path, text};
}

}  // namespace gtype
