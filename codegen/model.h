// What the emitters of codegen/ share: payload sorts resolved to C++ types, and a protocol's
// C++ names (internal).
//
// A SortTable resolves the sort names a protocol's messages use (built-ins, `sort` records,
// host `type`s, each looked up from the file that names it) into one entry per declaration,
// with its C++ home namespace, and reports the sorts C++ cannot represent. It decides nothing
// about a file's layout: sorts.cpp writes types.h, role.cpp the role headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gtype/automaton.h"
#include "gtype/diagnostic.h"
#include "gtype/program.h"
#include "gtype/source.h"

namespace gtype::codegen {

// A payload sort as a C++ type.
struct CppSort {
  enum class Kind { kBool, kInt, kUint, kDouble, kString, kBytes, kList, kMap, kOptional, kNamed };
  Kind kind = Kind::kBool;
  std::vector<CppSort> arguments;  // list, optional: 1; map: 2
  std::size_t named = 0;           // kNamed: index in SortTable::entries()
};

// A `sort` record or a host `type`, with the C++ names it gets.
struct SortEntry {
  std::string name;                 // as declared
  const SortDecl* sort = nullptr;   // exactly one of sort, type
  const TypeDecl* type = nullptr;
  std::size_t file = 0;             // the program file that declares it
  std::vector<std::string> home;    // namespace components below gtype_gen
  std::string cpp_name;             // its name in its home namespace (and the protocol's alias)
  std::vector<CppSort> fields;      // sorts: field types, in declaration order
  std::vector<std::string> field_names;  // sorts: C++ member names
  bool comparable = true;           // no host type inside: operator== can be defaulted
};

// Namespaces the generated code names unqualified (std::, gtype::, rt::, …): nothing the
// generated code declares may take these names, or it would hide them.
const std::set<std::string>& namespace_qualifiers();
// Those, and the names types.h declares in a protocol's namespace: what a sort's C++ name (and
// alias) must not take.
const std::set<std::string>& names_taken_by_generated_code();

class SortTable {
 public:
  SortTable(const Program& program, const SourceManager& sources, DiagnosticEngine& diagnostics)
      : program_(program), sources_(sources), diagnostics_(diagnostics) {}

  // Resolves `ref`, written in the program file that holds its location (the root file when it
  // has none), adding the entries it needs; nullopt after reporting an error.
  std::optional<CppSort> resolve(const SortRef& ref);

  // After resolving: reports sorts that contain themselves other than through list<> or map<>
  // and computes `comparable`. Returns false when something was reported.
  bool finish();

  const std::vector<SortEntry>& entries() const { return entries_; }
  // Sorts in an order where each comes after those it contains by value (or in optional<>).
  const std::vector<std::size_t>& definition_order() const { return order_; }
  // ::gtype_gen::<home>::<cpp_name>
  std::string qualified(std::size_t entry) const;
  // The file name (without folders) a declaration comes from.
  std::string file_name(std::size_t program_file) const;
  // The namespace components (below gtype_gen) of the sorts that `program_file` declares.
  std::vector<std::string> home_of(std::size_t program_file) const;
  const Program& program() const { return program_; }

 private:
  std::optional<CppSort> resolve_in(const SortRef& ref, std::size_t file);
  std::optional<std::size_t> entry_for(const SortRef& ref, std::size_t file);
  std::size_t program_file_of(const SourceLocation& location) const;

  const Program& program_;
  const SourceManager& sources_;
  DiagnosticEngine& diagnostics_;
  std::vector<SortEntry> entries_;
  std::map<const void*, std::size_t> index_of_;  // declaration -> entry (memoisation only)
  std::vector<std::size_t> order_;
};

// The C++ spelling of a sort; `named` spells records and host types.
std::string spell(const CppSort& sort, const std::function<std::string(std::size_t)>& named);
// Whether a record (not a host type) occurs in `sort`.
bool contains_record(const CppSort& sort, const std::vector<SortEntry>& entries);

// One protocol or local system, with everything its files need.
struct ProtocolModel {
  const AutomatonSystem* system = nullptr;
  std::string source_name;              // the .gtype file, without folders
  std::string ns;                       // gtype_gen::<ns>
  std::vector<std::vector<CppSort>> payloads;  // per message of the system
  std::map<std::size_t, std::string> aliases;  // sort entry -> its name in gtype_gen::<ns>
  std::vector<std::string> role_names;  // per role: namespace, and file stem
  const SortTable* sorts = nullptr;

  // A sort spelled inside gtype_gen::<ns> (or a namespace or class nested in it) where the
  // names in `hidden` are declared closer than the protocol's aliases.
  std::string spell_in(const CppSort& sort, const std::set<std::string>& hidden) const;
};

// Line-wrapped `// ` comment lines of `text`, at most `width` columns after `indent`.
std::string comment(const std::string& text, const std::string& indent, std::size_t width = 100);

std::string types_header(const ProtocolModel& model);
// The sorts (and host types) that `table` resolved, for a file's own sorts header.
std::string sorts_header(const SortTable& table, const std::string& source_name);
std::string role_header(const ProtocolModel& model, std::size_t role);
// The public names role_header declares, one per line (`gtype gen --names`).
std::string role_names_listing(const ProtocolModel& model, std::size_t role);

}  // namespace gtype::codegen
