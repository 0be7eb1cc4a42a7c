// Pass: declarations and payload sorts.
//
// Checks, in every file: no two payload sorts (`sort` or `type`) and no two protocols or local
// systems share a name, whether both are declared in the file or one comes from a direct import;
// no declaration takes a built-in sort's name; every payload sort named in a field or a message
// is built in or visible, with the right number of sort arguments; no field is declared twice;
// host types use the `<cpp>` schema. Does not check that a sort is finite (a record containing
// itself); the code generator reports that.
#include <map>
#include <set>

#include "passes.h"

namespace gtype::check {
namespace {

const std::map<std::string, std::size_t>& builtin_arities() {
  static const std::map<std::string, std::size_t> arities = {{"bool", 0},   {"int", 0},      {"uint", 0},
                                                             {"double", 0}, {"string", 0},   {"bytes", 0},
                                                             {"list", 1},   {"optional", 1}, {"map", 2}};
  return arities;
}

struct Declared {
  std::string kind;  // "sort", "type", "protocol", "local system"
  SourceLocation location;
  std::size_t file;
};

class DeclarationChecker {
 public:
  DeclarationChecker(const Program& program, DiagnosticEngine& diagnostics)
      : program_(program), diagnostics_(diagnostics), sources_path_(program.files.size()) {}

  void run() {
    for (std::size_t f = 0; f < program_.files.size(); ++f) {
      check_names(f);
      check_sort_uses(f);
    }
  }

 private:
  using Table = std::map<std::string, Declared>;

  void declare(Table& table, const std::string& name, Declared declared, std::size_t current_file) {
    if (name.empty()) return;  // did not parse
    auto [it, inserted] = table.emplace(name, declared);
    if (inserted) return;
    const Declared& previous = it->second;
    if (declared.file == current_file) {
      Diagnostic& d = diagnostics_.error(declared.location, "duplicate " + declared.kind + " '" + name + "'");
      d.notes.push_back(
          {previous.location, "'" + name + "' was first declared here" +
                                  (previous.kind == declared.kind ? "" : ", as a " + previous.kind)});
    } else if (previous.file == current_file) {
      // An own declaration clashing with an imported one: report it at the own declaration.
      Diagnostic& d = diagnostics_.error(
          previous.location, previous.kind + " '" + name + "' is also declared in an imported file");
      d.notes.push_back({declared.location, "the imported declaration is here"});
    } else if (previous.file != declared.file) {
      Diagnostic& d =
          diagnostics_.error(previous.location, "'" + name + "' is declared in two imported files");
      d.notes.push_back({declared.location, "and also here"});
    }
  }

  void check_names(std::size_t f) {
    Table payloads;
    Table protocols;
    std::vector<std::size_t> scope{f};
    scope.insert(scope.end(), program_.imports[f].begin(), program_.imports[f].end());
    for (std::size_t s : scope) {
      const SourceFile& file = program_.files[s];
      for (const SortDecl& sort : file.sorts) {
        if (s == f) check_not_builtin(sort.name);
        declare(payloads, sort.name.text, {"sort", sort.name.location, s}, f);
      }
      for (const TypeDecl& type : file.types) {
        if (s == f) check_not_builtin(type.alias);
        declare(payloads, type.alias.text, {"type", type.alias.location, s}, f);
      }
      for (const GlobalProtocol& protocol : file.protocols) {
        declare(protocols, protocol.name.text, {"protocol", protocol.name.location, s}, f);
      }
      for (const LocalSystem& system : file.local_systems) {
        declare(protocols, system.name.text, {"local system", system.name.location, s}, f);
      }
    }
  }

  void check_not_builtin(const Name& name) {
    if (builtin_arities().count(name.text)) {
      diagnostics_.error(name.location, "'" + name.text + "' is a built-in sort and cannot be redeclared");
    }
  }

  void check_sort(std::size_t f, const SortRef& sort) {
    if (sort.name.empty()) return;
    auto builtin = builtin_arities().find(sort.name);
    std::size_t expected = 0;
    if (builtin != builtin_arities().end()) {
      expected = builtin->second;
    } else if (type_parameters_.count(sort.name)) {
      expected = 0;  // a `type` parameter of the protocol being checked
    } else if (program_.find_sort(f, sort.name) == nullptr && program_.find_type(f, sort.name) == nullptr) {
      Diagnostic& d = diagnostics_.error(
          sort.location, "unknown payload sort '" + sort.name + "'" +
                             did_you_mean(diagnostics_, sort.name, [&] { return visible_sorts(f); }));
      // Declared in a file that is imported only indirectly.
      for (SourceLocation declared : program_.sorts_named(sort.name)) {
        d.notes.push_back({declared, not_imported(sort.name)});
      }
      return;
    }
    if (sort.arguments.size() != expected) {
      diagnostics_.error(sort.location, "'" + sort.name + "' takes " + std::to_string(expected) +
                                            " sort argument" + (expected == 1 ? "" : "s") + ", not " +
                                            std::to_string(sort.arguments.size()));
    }
    for (const SortRef& argument : sort.arguments) check_sort(f, argument);
  }

  // The names a payload sort can take in file `f`: built-ins, and sorts and types visible there.
  std::vector<std::string> visible_sorts(std::size_t f) const {
    std::vector<std::string> names;
    for (const auto& [name, arity] : builtin_arities()) names.push_back(name);
    std::vector<std::size_t> scope{f};
    scope.insert(scope.end(), program_.imports[f].begin(), program_.imports[f].end());
    for (std::size_t s : scope) {
      for (const SortDecl& sort : program_.files[s].sorts) names.push_back(sort.name.text);
      for (const TypeDecl& type : program_.files[s].types) names.push_back(type.alias.text);
    }
    return names;
  }

  void check_message(std::size_t f, const std::optional<Message>& message) {
    if (!message) return;
    for (const SortRef& payload : message->payload) check_sort(f, payload);
    if (message->signature && !visible_sigs(f).count(message->label.text) &&
        !sig_parameters_.count(message->label.text)) {
      Diagnostic& d = diagnostics_.error(message->label.location,
                                         "'" + message->label.text + "' is not a declared message signature" +
                                             did_you_mean(diagnostics_, message->label.text, [&] {
                                               const std::set<std::string> sigs = visible_sigs(f);
                                               return std::vector<std::string>(sigs.begin(), sigs.end());
                                             }));
      d.notes.push_back(
          {{},
           "write '" + message->label.text +
               "()' for a message without payload, or declare it: 'sig <java> \"...\" from \"...\" as " +
               message->label.text + ";'"});
    }
  }

  // A `do` argument: a message's sorts, or a sort (a bare name is either: the roles pass checks
  // which one the parameter takes, and only a name that is neither is reported here).
  void check_argument(std::size_t f, const DoArgument& argument) {
    if (argument.message && !argument.message->signature) return check_message(f, argument.message);
    if (argument.sort) return check_sort(f, *argument.sort);
    const std::string& name = argument.message->label.text;
    const bool known = visible_sigs(f).count(name) || sig_parameters_.count(name) ||
                       type_parameters_.count(name) || builtin_arities().count(name) ||
                       program_.find_sort(f, name) || program_.find_type(f, name);
    if (!known) {
      diagnostics_.error(argument.location, "unknown sort or message signature '" + name + "'");
    }
  }

  // The message signatures (`sig`) declared in file `f` and the files it imports.
  std::set<std::string> visible_sigs(std::size_t f) const {
    std::set<std::string> names;
    std::vector<std::size_t> scope{f};
    scope.insert(scope.end(), program_.imports[f].begin(), program_.imports[f].end());
    for (std::size_t s : scope) {
      for (const SigDecl& sig : program_.files[s].sigs) names.insert(sig.alias.text);
    }
    return names;
  }

  void check_local(std::size_t f, const LocalTypePtr& type) {
    if (!type) return;
    check_message(f, type->message);
    check_local(f, type->next);
    for (const LocalTypePtr& branch : type->branches) check_local(f, branch);
  }

  void check_sort_uses(std::size_t f) {
    const SourceFile& file = program_.files[f];
    for (const SortDecl& sort : file.sorts) {
      std::map<std::string, SourceLocation> fields;
      for (const Field& field : sort.fields) {
        auto [it, inserted] = fields.emplace(field.name.text, field.name.location);
        if (!inserted) {
          Diagnostic& d = diagnostics_.error(field.name.location, "duplicate field '" + field.name.text +
                                                                      "' in sort '" + sort.name.text + "'");
          d.notes.push_back({it->second, "'" + field.name.text + "' was first declared here"});
        }
        check_sort(f, field.sort);
      }
    }
    for (const GlobalProtocol& protocol : file.protocols) {
      type_parameters_.clear();
      sig_parameters_.clear();
      for (const ProtocolParameter& parameter : protocol.parameters) {
        (parameter.kind == ProtocolParameter::Kind::kSig ? sig_parameters_ : type_parameters_)
            .insert(parameter.name.text);
      }
      for_each_statement(protocol.body, [&](const Statement& s) {
        check_message(f, s.message);
        for (const DoArgument& argument : s.parameter_arguments) check_argument(f, argument);
      });
      type_parameters_.clear();
      sig_parameters_.clear();
    }
    for (const LocalSystem& system : file.local_systems) {
      for (const LocalRole& role : system.roles) check_local(f, role.type);
    }
  }

  const Program& program_;
  DiagnosticEngine& diagnostics_;
  std::vector<std::string> sources_path_;
  std::set<std::string> type_parameters_, sig_parameters_;  // of the protocol being checked
};

}  // namespace

void check_declarations(const Program& program, DiagnosticEngine& diagnostics) {
  DeclarationChecker(program, diagnostics).run();
}

}  // namespace gtype::check
