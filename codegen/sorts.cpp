// Payload sorts to C++ (codegen/): resolution, ordering, and <protocol>/types.h.
//
// Built-ins map to standard types (int: std::int64_t, uint: std::uint64_t, bytes:
// std::vector<std::uint8_t>, list: std::vector, map: std::map, optional: std::optional); a
// `sort` becomes a struct in the namespace of the file that declares it (gtype_gen::sorts::
// <module> or ::<file stem>), a host `type` a `using` there. Each definition is wrapped in an
// include guard that carries a hash of its text, so the types.h of several protocols can be
// included together and share their sorts, while two different definitions of one name fail to
// compile instead of silently disagreeing. A sort that contains itself other than through
// list<> or map<> has no C++ representation and is reported. Only the sorts a protocol's
// messages use, transitively, are written.
#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <sstream>

#include "gtype/print.h"
#include "model.h"
#include "names.h"

namespace gtype::codegen {

const std::set<std::string>& namespace_qualifiers() {
  static const std::set<std::string> names = {"std", "gtype", "gtype_gen", "msgpack", "rt"};
  return names;
}

const std::set<std::string>& names_taken_by_generated_code() {
  static const std::set<std::string> names = [] {
    std::set<std::string> out = namespace_qualifiers();
    out.insert({"detail", "kProtocol", "kRoles", "kMessages", "kSpec"});
    return out;
  }();
  return names;
}

std::string SortTable::qualified(std::size_t entry) const {
  std::string out = "::gtype_gen";
  for (const std::string& part : entries_[entry].home) out += "::" + part;
  return out + "::" + entries_[entry].cpp_name;
}

std::string SortTable::file_name(std::size_t program_file) const {
  const std::string& path = sources_.path(program_.files[program_file].file);
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::size_t SortTable::program_file_of(const SourceLocation& location) const {
  if (!location.valid()) return 0;
  for (std::size_t f = 0; f < program_.files.size(); ++f) {
    if (program_.files[f].file == location.file) return f;
  }
  return 0;
}

std::vector<std::string> SortTable::home_of(std::size_t file) const {
  std::vector<std::string> home{"sorts"};
  const SourceFile& source = program_.files[file];
  if (source.module) {
    std::string part;
    std::istringstream in(source.module->text);
    while (std::getline(in, part, '.')) home.push_back(escape(part, namespace_qualifiers()));
  } else {
    std::string stem = file_name(file);
    const std::size_t dot = stem.rfind('.');
    if (dot != std::string::npos && dot > 0) stem = stem.substr(0, dot);
    home.push_back(escape(identifier_of(stem), namespace_qualifiers()));
  }
  return home;
}

std::optional<CppSort> SortTable::resolve(const SortRef& ref) {
  return resolve_in(ref, program_file_of(ref.location));
}

std::optional<CppSort> SortTable::resolve_in(const SortRef& ref, std::size_t file) {
  using Kind = CppSort::Kind;
  static const std::map<std::string, Kind> scalars = {{"bool", Kind::kBool},     {"int", Kind::kInt},
                                                      {"uint", Kind::kUint},     {"double", Kind::kDouble},
                                                      {"string", Kind::kString}, {"bytes", Kind::kBytes}};
  static const std::map<std::string, Kind> containers = {
      {"list", Kind::kList}, {"map", Kind::kMap}, {"optional", Kind::kOptional}};
  if (auto scalar = scalars.find(ref.name); scalar != scalars.end() && ref.arguments.empty()) {
    return CppSort{scalar->second, {}, 0};
  }
  if (auto container = containers.find(ref.name); container != containers.end() && !ref.arguments.empty()) {
    CppSort out{container->second, {}, 0};
    bool ok = true;
    for (const SortRef& argument : ref.arguments) {
      std::optional<CppSort> resolved = resolve_in(argument, file);
      if (!resolved) {
        ok = false;
        continue;
      }
      out.arguments.push_back(std::move(*resolved));
    }
    if (!ok) return std::nullopt;
    if (out.kind == Kind::kMap && contains_record(out.arguments[0], entries_)) {
      diagnostics_.error(ref.arguments[0].location,
                         "a map key cannot hold a sort record ('" + ref.arguments[0].name +
                             "'): generated maps are std::map, whose keys must be ordered");
      return std::nullopt;
    }
    return out;
  }
  std::optional<std::size_t> entry = entry_for(ref, file);
  if (!entry) return std::nullopt;
  return CppSort{Kind::kNamed, {}, *entry};
}

std::optional<std::size_t> SortTable::entry_for(const SortRef& ref, std::size_t file) {
  const SortDecl* sort = program_.find_sort(file, ref.name);
  const TypeDecl* type = sort ? nullptr : program_.find_type(file, ref.name);
  assert((sort || type) && "checked: every payload sort is declared");
  const void* key = sort ? static_cast<const void*>(sort) : static_cast<const void*>(type);
  if (auto found = index_of_.find(key); found != index_of_.end()) return found->second;

  // The file that declares it: sorts name sorts visible from there.
  std::size_t declared_in = 0;
  for (std::size_t f = 0; f < program_.files.size(); ++f) {
    for (const SortDecl& s : program_.files[f].sorts) {
      if (&s == sort) declared_in = f;
    }
    for (const TypeDecl& t : program_.files[f].types) {
      if (&t == type) declared_in = f;
    }
  }
  const std::size_t index = entries_.size();
  index_of_.emplace(key, index);
  SortEntry entry;
  entry.name = sort ? sort->name.text : type->alias.text;  // as declared, never qualified
  entry.sort = sort;
  entry.type = type;
  entry.file = declared_in;
  entry.home = home_of(declared_in);
  entry.cpp_name = escape(entry.name, names_taken_by_generated_code());
  entries_.push_back(std::move(entry));
  if (!sort) return index;

  std::vector<CppSort> fields;
  std::vector<std::string> names;
  std::set<std::string> taken = {"gtype_fields", entries_[index].cpp_name};
  for (const Field& field : sort->fields) taken.insert(field.name.text);
  bool ok = true;
  for (const Field& field : sort->fields) {
    std::optional<CppSort> resolved = resolve_in(field.sort, declared_in);
    if (!resolved) {
      ok = false;
      continue;
    }
    fields.push_back(std::move(*resolved));
    taken.erase(field.name.text);
    names.push_back(escape(field.name.text, taken));
    taken.insert(field.name.text);
    taken.insert(names.back());
  }
  if (!ok) return std::nullopt;
  entries_[index].fields = std::move(fields);
  entries_[index].field_names = std::move(names);
  return index;
}

namespace {

// Records a sort needs complete: those it holds by value or in optional<>, not in list<>/map<>.
void needs_complete(const CppSort& sort, std::vector<std::size_t>& out) {
  switch (sort.kind) {
    case CppSort::Kind::kNamed:
      out.push_back(sort.named);
      return;
    case CppSort::Kind::kOptional:
      needs_complete(sort.arguments[0], out);
      return;
    default:
      return;
  }
}

bool comparable(const CppSort& sort, const std::vector<SortEntry>& entries) {
  if (sort.kind == CppSort::Kind::kNamed) return entries[sort.named].comparable;
  for (const CppSort& argument : sort.arguments) {
    if (!comparable(argument, entries)) return false;
  }
  return true;
}

}  // namespace

bool contains_record(const CppSort& sort, const std::vector<SortEntry>& entries) {
  if (sort.kind == CppSort::Kind::kNamed) return entries[sort.named].sort != nullptr;
  for (const CppSort& argument : sort.arguments) {
    if (contains_record(argument, entries)) return true;
  }
  return false;
}

bool SortTable::finish() {
  // Depth-first over the fields held by value: a cycle is a sort that contains itself; the
  // post-order is a definition order.
  enum class Mark { kNew, kActive, kDone };
  std::vector<Mark> mark(entries_.size(), Mark::kNew);
  std::vector<std::pair<std::size_t, std::size_t>> path;  // (entry, field) being followed
  bool ok = true;
  std::function<void(std::size_t)> visit = [&](std::size_t e) {
    mark[e] = Mark::kActive;
    for (std::size_t f = 0; f < entries_[e].fields.size(); ++f) {
      std::vector<std::size_t> targets;
      needs_complete(entries_[e].fields[f], targets);
      for (std::size_t target : targets) {
        path.emplace_back(e, f);
        if (mark[target] == Mark::kActive) {
          std::string cycle;
          auto start =
              std::find_if(path.begin(), path.end(), [&](const auto& step) { return step.first == target; });
          for (auto step = start; step != path.end(); ++step) {
            cycle += entries_[step->first].name + "." +
                     entries_[step->first].sort->fields[step->second].name.text + " -> ";
          }
          cycle += entries_[target].name;
          Diagnostic& error =
              diagnostics_.error(entries_[target].sort->name.location,
                                 "sort '" + entries_[target].name + "' contains itself (" + cycle +
                                     "): no C++ value can hold itself; hold it in a list<> or map<> instead");
          (void)error;
          ok = false;
        } else if (mark[target] == Mark::kNew) {
          visit(target);
        }
        path.pop_back();
      }
    }
    mark[e] = Mark::kDone;
    order_.push_back(e);
  };
  for (std::size_t e = 0; e < entries_.size(); ++e) {
    if (mark[e] == Mark::kNew) visit(e);
  }
  // operator== can be defaulted unless a host type (which may not compare) is inside.
  for (SortEntry& entry : entries_) entry.comparable = entry.sort != nullptr;
  for (bool changed = true; changed;) {
    changed = false;
    for (SortEntry& entry : entries_) {
      if (!entry.comparable) continue;
      for (const CppSort& field : entry.fields) {
        if (!comparable(field, entries_)) {
          entry.comparable = false;
          changed = true;
          break;
        }
      }
    }
  }
  return ok;
}

std::string spell(const CppSort& sort, const std::function<std::string(std::size_t)>& named) {
  switch (sort.kind) {
    case CppSort::Kind::kBool:
      return "bool";
    case CppSort::Kind::kInt:
      return "std::int64_t";
    case CppSort::Kind::kUint:
      return "std::uint64_t";
    case CppSort::Kind::kDouble:
      return "double";
    case CppSort::Kind::kString:
      return "std::string";
    case CppSort::Kind::kBytes:
      return "std::vector<std::uint8_t>";
    case CppSort::Kind::kList:
      return "std::vector<" + spell(sort.arguments[0], named) + ">";
    case CppSort::Kind::kMap:
      return "std::map<" + spell(sort.arguments[0], named) + ", " + spell(sort.arguments[1], named) + ">";
    case CppSort::Kind::kOptional:
      return "std::optional<" + spell(sort.arguments[0], named) + ">";
    case CppSort::Kind::kNamed:
      return named(sort.named);
  }
  return "";
}

std::string ProtocolModel::spell_in(const CppSort& sort, const std::set<std::string>& hidden) const {
  return spell(sort, [&](std::size_t entry) {
    auto alias = aliases.find(entry);
    if (alias == aliases.end()) return sorts->qualified(entry);
    if (hidden.count(alias->second) != 0) return "::gtype_gen::" + ns + "::" + alias->second;
    return alias->second;
  });
}

std::string comment(const std::string& text, const std::string& indent, std::size_t width) {
  std::string out;
  std::string line = indent + "//";
  const std::string continuation = indent + "//  ";
  // Break lines at spaces, but not inside a payload list: "m(int, string)" stays whole.
  std::string joined_lists = text;
  for (std::size_t at = joined_lists.find(", "); at != std::string::npos; at = joined_lists.find(", ", at)) {
    joined_lists[at + 1] = '\x01';
  }
  std::istringstream words(joined_lists);
  std::string word;
  std::size_t on_line = 0;  // words on the current line: a line holds at least two
  while (words >> word) {
    if (on_line >= 2 && line.size() + 1 + word.size() > indent.size() + width) {
      out += line + "\n";
      line = continuation;
      on_line = 1;  // a continuation may hold a single long word
    }
    line += " " + word;
    ++on_line;
  }
  out += line + "\n";
  for (char& c : out) {
    if (c == '\x01') c = ' ';
  }
  return out;
}

namespace {

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string hex(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

std::string include_line(const std::string& header) {
  if (!header.empty() && (header.front() == '<' || header.front() == '"')) return "#include " + header + "\n";
  return "#include \"" + header + "\"\n";
}

// The definition of one sort or host type in its home namespace, wrapped in its guard.
std::string definition(const SortTable& table, std::size_t e) {
  const SortEntry& entry = table.entries()[e];
  const std::string home = "gtype_gen::" + joined(entry.home, "::");
  std::ostringstream body;
  if (entry.type && entry.type->schema != "cpp") {
    // Another language's type is opaque here: its values travel as msgpack bin.
    body << "using " << entry.cpp_name << " = std::vector<std::uint8_t>;\n";
  } else if (entry.type) {
    body << "using " << entry.cpp_name << " = " << entry.type->host_type << ";\n";
  } else {
    // Inside the struct, a field hides a sort of the same name: spell those in full.
    const std::set<std::string> hidden(entry.field_names.begin(), entry.field_names.end());
    auto named = [&](std::size_t other) {
      const SortEntry& target = table.entries()[other];
      if (target.home == entry.home && hidden.count(target.cpp_name) == 0) return target.cpp_name;
      return table.qualified(other);
    };
    body << "struct " << entry.cpp_name << " {\n";
    for (std::size_t f = 0; f < entry.fields.size(); ++f) {
      const CppSort& field = entry.fields[f];
      body << "  " << spell(field, named) << ' ' << entry.field_names[f];
      switch (field.kind) {
        case CppSort::Kind::kBool:
          body << " = false";
          break;
        case CppSort::Kind::kInt:
        case CppSort::Kind::kUint:
        case CppSort::Kind::kDouble:
          body << " = 0";
          break;
        case CppSort::Kind::kNamed:
          if (table.entries()[field.named].type) body << "{}";
          break;
        default:
          // No `{}` on the others: a record that holds itself through a list or map would need
          // its default member initializers before its definition ends (clang says so when a
          // std::tuple asks whether the record is default-constructible).
          break;
      }
      body << ";\n";
    }
    if (!entry.fields.empty()) body << '\n';
    if (entry.comparable) body << "  bool operator==(const " << entry.cpp_name << "&) const = default;\n";
    body << "  // Field names on the wire: a msgpack map (gtype/gen/support.h).\n";
    body << "  static constexpr auto gtype_fields() {\n";
    if (entry.fields.empty()) {
      body << "    return std::make_tuple();\n";
    } else {
      body << "    return std::make_tuple(";
      for (std::size_t f = 0; f < entry.fields.size(); ++f) {
        body << (f ? ",\n                           " : "") << "gtype::gen::field("
             << string_literal(entry.sort->fields[f].name.text) << ", &" << entry.cpp_name
             << "::" << entry.field_names[f] << ")";
      }
      body << ");\n";
    }
    body << "  }\n};\n";
  }
  const std::string guard = std::string(entry.type ? "GTYPE_GEN_TYPE_" : "GTYPE_GEN_SORT_") +
                            joined(std::vector<std::string>(entry.home.begin() + 1, entry.home.end()), "_") +
                            "_" + entry.cpp_name + "_" + hex(fnv1a(home + "\n" + body.str()));
  std::ostringstream out;
  out << "#ifndef " << guard << "\n#define " << guard << "\nnamespace " << home << " {\n\n";
  if (entry.type) {
    out << "// type <" << entry.type->schema << "> " << string_literal(entry.type->host_type) << " from "
        << string_literal(entry.type->header) << " as " << entry.name << "  (" << table.file_name(entry.file)
        << ")\n";
  } else {
    out << "// sort " << entry.name << "  (" << table.file_name(entry.file) << ")\n";
  }
  out << body.str() << "\n}  // namespace " << home << "\n#endif  // " << guard << "\n\n";
  return out.str();
}

}  // namespace

namespace {

// The includes, forward declarations and definitions of every sort of `table`: what types.h
// and a file's sorts header share.
void write_sort_definitions(const SortTable& table, std::ostringstream& out) {
  std::set<std::string> host_headers;
  for (const SortEntry& entry : table.entries()) {
    if (entry.type && entry.type->schema == "cpp") host_headers.insert(entry.type->header);
  }
  const std::set<std::string> standard = {"<array>",  "<cstdint>",     "<map>",   "<optional>",
                                          "<string>", "<string_view>", "<tuple>", "<vector>"};
  for (const std::string& header : standard) {
    out << "#include " << header << "\n";
    host_headers.erase(header);
  }
  if (!host_headers.empty()) {
    out << "\n";
    for (const std::string& header : host_headers) out << include_line(header);
  }
  out << "\n#include <gtype/gen/support.h>\n#include <gtype/rt/role_spec.h>\n\n";

  // Forward declarations, by home namespace in order of first use: a list<> or map<> may name
  // a sort defined further down.
  std::vector<std::vector<std::string>> homes;
  for (const SortEntry& entry : table.entries()) {
    if (entry.sort && std::find(homes.begin(), homes.end(), entry.home) == homes.end())
      homes.push_back(entry.home);
  }
  for (const std::vector<std::string>& home : homes) {
    out << "namespace gtype_gen::" << joined(home, "::") << " {\n";
    for (std::size_t e : table.definition_order()) {
      const SortEntry& entry = table.entries()[e];
      if (entry.sort && entry.home == home) out << "struct " << entry.cpp_name << ";\n";
    }
    out << "}  // namespace gtype_gen::" << joined(home, "::") << "\n\n";
  }
  for (std::size_t e : table.definition_order()) {
    if (table.entries()[e].type) out << definition(table, e);
  }
  for (std::size_t e : table.definition_order()) {
    if (table.entries()[e].sort) out << definition(table, e);
  }
}

}  // namespace

std::string sorts_header(const SortTable& table, const std::string& source_name) {
  std::ostringstream out;
  out << "// Generated by `gtype gen` from " << source_name
      << ": the sorts it declares, with those they contain. Do not edit.\n"
      << "//\n"
      << "// Each sort is a struct that travels as a msgpack map from field names to values\n"
      << "// (gtype/gen/support.h) and reads as JSON with gtype/gen/json.h. A protocol's types.h\n"
      << "// defines the same types: both may be included.\n"
      << "#pragma once\n\n";
  write_sort_definitions(table, out);
  return out.str();
}

std::string types_header(const ProtocolModel& model) {
  const SortTable& table = *model.sorts;
  const AutomatonSystem& system = *model.system;
  std::ostringstream out;
  out << "// Generated by `gtype gen` from " << model.source_name << ": the payload sorts and messages of "
      << system.name << ". Do not edit.\n"
      << "//\n"
      << "// Each sort is a struct sent as a msgpack map from field names to values; a message's payload\n"
      << "// is a msgpack array of its values. Sorts live in the namespace of the file that declares\n"
      << "// them, so protocols that share a sort share its type; gtype_gen::" << model.ns
      << " names them too.\n"
      << "#pragma once\n\n";
  write_sort_definitions(table, out);

  out << "namespace gtype_gen::" << model.ns << " {\n\n";
  if (!model.aliases.empty()) {
    out << "// The sorts of " << system.name << ", by their .gtype names.\n";
    for (std::size_t e : table.definition_order()) {
      auto alias = model.aliases.find(e);
      if (alias != model.aliases.end())
        out << "using " << alias->second << " = " << table.qualified(e) << ";\n";
    }
    out << "\n";
  }
  const std::set<std::string> hidden = {"kProtocol", "kRoles", "kMessages"};
  out << "namespace detail {\n\n"
      << "inline constexpr std::string_view kProtocol = " << string_literal(system.name) << ";\n"
      << "inline constexpr std::array<std::string_view, " << system.roles.size() << "> kRoles{{";
  for (std::size_t r = 0; r < system.roles.size(); ++r)
    out << (r ? ", " : "") << string_literal(system.roles[r]);
  out << "}};\n\n"
      << "// The messages of " << system.name << ", numbered as in its automata. A payload is valid\n"
      << "// when it unpacks into the message's types.\n"
      << "inline constexpr std::array<gtype::rt::MessageSpec, " << system.messages.size() << "> kMessages{";
  if (system.messages.empty()) {
    out << "};\n\n";
  } else {
    out << "{\n";
    for (std::size_t m = 0; m < system.messages.size(); ++m) {
      std::vector<std::string> types;
      for (const CppSort& sort : model.payloads[m]) types.push_back(model.spell_in(sort, hidden));
      out << "    {" << string_literal(system.messages[m].label.text) << ", &gtype::gen::payload_valid<"
          << joined(types, ", ") << ">},  // " << print_message(system.messages[m]) << "\n";
    }
    out << "}};\n\n";
  }
  out << "}  // namespace detail\n\n}  // namespace gtype_gen::" << model.ns << "\n";
  return out.str();
}

}  // namespace gtype::codegen
