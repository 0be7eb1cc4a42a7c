// Pass: roles of global protocols.
//
// Checks that a protocol declares each role once; that every statement names declared roles; that
// no role sends to, connects to or disconnects from itself; that `->>` and `disconnect` appear
// only in explicit protocols; that a `do` names an existing protocol of the same connection model
// with as many distinct, declared roles as it has parameters. Does not look inside callees.
#include <map>
#include <set>

#include "passes.h"

namespace gtype::check {
namespace {

class RoleChecker {
 public:
  RoleChecker(const Program& program, std::size_t file, const GlobalProtocol& protocol,
              DiagnosticEngine& diagnostics)
      : program_(program), file_(file), protocol_(protocol), diagnostics_(diagnostics) {}

  void run() {
    for (const Name& role : protocol_.roles) {
      auto [it, inserted] = declared_.emplace(role.text, role.location);
      if (!inserted) {
        Diagnostic& d = diagnostics_.error(
            role.location, "duplicate role '" + role.text + "' in protocol '" + protocol_.name.text + "'");
        d.notes.push_back({it->second, "'" + role.text + "' was first declared here"});
      }
    }
    for_each_statement(protocol_.body, [&](const Statement& s) { statement(s); });
  }

 private:
  void require_declared(const Name& role) {
    if (role.text.empty() || declared_.count(role.text)) return;
    auto roles = [&] {
      std::vector<std::string> names;
      for (const Name& declared : protocol_.roles) names.push_back(declared.text);
      return names;
    };
    Diagnostic& d = diagnostics_.error(role.location, "undeclared role '" + role.text + "' in protocol '" +
                                                          protocol_.name.text + "'" +
                                                          did_you_mean(diagnostics_, role.text, roles));
    d.notes.push_back(
        {protocol_.name.location, "the roles of '" + protocol_.name.text + "' are declared here"});
  }

  void require_explicit(const Statement& s, const std::string& what) {
    if (protocol_.explicit_connections) return;
    Diagnostic& d = diagnostics_.error(s.location, what + " is only allowed in an explicit protocol");
    d.notes.push_back({protocol_.location, "declare it 'explicit global protocol " + protocol_.name.text +
                                               "' to use connection actions"});
  }

  void statement(const Statement& s) {
    switch (s.kind) {
      case StatementKind::kSend:
      case StatementKind::kConnect:
      case StatementKind::kDisconnect: {
        require_declared(s.from);
        require_declared(s.to);
        if (!s.from.text.empty() && s.from.text == s.to.text) {
          const char* what = s.kind == StatementKind::kSend      ? "sends a message to"
                             : s.kind == StatementKind::kConnect ? "connects to"
                                                                 : "disconnects from";
          diagnostics_.error(s.to.location, "role '" + s.from.text + "' " + what + " itself");
        }
        if (s.kind == StatementKind::kConnect) require_explicit(s, "connecting ('->>')");
        if (s.kind == StatementKind::kDisconnect) require_explicit(s, "'disconnect'");
        return;
      }
      case StatementKind::kChoice:
        require_declared(s.from);
        return;
      case StatementKind::kDo:
        call(s);
        return;
      default:
        return;
    }
  }

  void call(const Statement& s) {
    std::map<std::string, SourceLocation> passed;
    for (const Name& argument : s.arguments) {
      require_declared(argument);
      auto [it, inserted] = passed.emplace(argument.text, argument.location);
      if (!inserted) {
        Diagnostic& d = diagnostics_.error(
            argument.location, "role '" + argument.text + "' is passed twice to '" + s.label.text + "'");
        d.notes.push_back({it->second, "first passed here"});
      }
    }
    const GlobalProtocol* callee = program_.find_protocol(file_, s.label.text);
    if (callee == nullptr) {
      auto protocols = [&] {
        std::vector<std::string> names;
        std::vector<std::size_t> scope{file_};
        scope.insert(scope.end(), program_.imports[file_].begin(), program_.imports[file_].end());
        for (std::size_t f : scope) {
          for (const GlobalProtocol& protocol : program_.files[f].protocols)
            names.push_back(protocol.name.text);
        }
        return names;
      };
      Diagnostic& d =
          diagnostics_.error(s.label.location, "unknown protocol '" + s.label.text + "'" +
                                                   did_you_mean(diagnostics_, s.label.text, protocols));
      for (SourceLocation declared : program_.protocols_named(s.label.text)) {
        d.notes.push_back({declared, not_imported(s.label.text)});
      }
      return;
    }
    if (callee->roles.size() != s.arguments.size()) {
      Diagnostic& d = diagnostics_.error(
          s.label.location, "'" + s.label.text + "' takes " + std::to_string(callee->roles.size()) + " role" +
                                (callee->roles.size() == 1 ? "" : "s") + ", but " +
                                std::to_string(s.arguments.size()) +
                                (s.arguments.size() == 1 ? " is" : " are") + " passed");
      d.notes.push_back({callee->name.location, "'" + s.label.text + "' is declared here"});
    }
    check_parameters(s, *callee);
    if (callee->explicit_connections != protocol_.explicit_connections) {
      Diagnostic& d = diagnostics_.error(
          s.label.location, std::string(protocol_.explicit_connections ? "explicit" : "non-explicit") +
                                " protocol '" + protocol_.name.text + "' cannot inline " +
                                (callee->explicit_connections ? "explicit" : "non-explicit") + " protocol '" +
                                callee->name.text + "'");
      d.notes.push_back({callee->name.location, "'" + callee->name.text + "' is declared here"});
    }
  }

  // `do P<...>`: as many arguments as P has parameters, each of the parameter's kind.
  void check_parameters(const Statement& s, const GlobalProtocol& callee) {
    std::string declared;
    for (const ProtocolParameter& parameter : callee.parameters) {
      declared += (declared.empty() ? "" : ", ");
      declared += (parameter.kind == ProtocolParameter::Kind::kSig ? "sig " : "type ") + parameter.name.text;
    }
    if (callee.parameters.size() != s.parameter_arguments.size()) {
      const std::size_t n = callee.parameters.size(), given = s.parameter_arguments.size();
      std::string message =
          "'" + s.label.text + "' takes " + std::to_string(n) + " parameter" + (n == 1 ? "" : "s");
      if (n > 0) message += " <" + declared + ">";
      message += ", but " + std::to_string(given) + (given == 1 ? " is" : " are") + " given";
      Diagnostic& d = diagnostics_.error(s.label.location, message);
      d.notes.push_back({callee.name.location, "'" + s.label.text + "' is declared here"});
      return;
    }
    for (std::size_t i = 0; i < callee.parameters.size(); ++i) {
      const ProtocolParameter& parameter = callee.parameters[i];
      const DoArgument& argument = s.parameter_arguments[i];
      const bool sig = parameter.kind == ProtocolParameter::Kind::kSig;
      if (sig ? argument_message(argument).has_value() : argument_sort(argument).has_value()) continue;
      Diagnostic& d = diagnostics_.error(
          argument.location, std::string("parameter '") + parameter.name.text + "' of '" + s.label.text +
                                 "' is " +
                                 (sig ? "a message signature: pass a message such as 'm(int)'"
                                      : "a type: pass a sort such as 'int' or 'list<string>'"));
      d.notes.push_back({parameter.name.location, "'" + parameter.name.text + "' is declared here"});
    }
  }

  const Program& program_;
  std::size_t file_;
  const GlobalProtocol& protocol_;
  DiagnosticEngine& diagnostics_;
  std::map<std::string, SourceLocation> declared_;
};

}  // namespace

void check_roles(const Program& program, DiagnosticEngine& diagnostics) {
  for (std::size_t f = 0; f < program.files.size(); ++f) {
    for (const GlobalProtocol& protocol : program.files[f].protocols) {
      RoleChecker(program, f, protocol, diagnostics).run();
    }
  }
}

}  // namespace gtype::check
