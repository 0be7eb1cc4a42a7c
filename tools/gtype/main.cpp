// The `gtype` command (contract: ../shared/spec/gtype-language.md, section 3).
//
// Exit codes: 0 fine, 1 errors in the protocols, 2 usage or I/O.
#include <CLI/CLI.hpp>

#include <cctype>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "gtype/frontend.h"
#include "gtype/print.h"

namespace {

constexpr int kOk = 0;
constexpr int kInputErrors = 1;
constexpr int kUsage = 2;

// Prints the collected diagnostics and a count, as compilers do.
void print_diagnostics(const gtype::DiagnosticEngine& diagnostics) {
  std::size_t printed = diagnostics.print(std::cerr);
  if (printed > 0) std::cerr << printed << (printed == 1 ? " error" : " errors") << " generated.\n";
}

int run_check(const std::vector<std::string>& files) {
  gtype::SourceManager sources;
  gtype::DiagnosticEngine diagnostics(sources);
  bool io_failed = false;
  for (const std::string& file : files) {
    gtype::FrontendResult result;
    gtype::Status status = gtype::analyze_file(file, sources, diagnostics, result);
    if (!status.is_ok()) {
      std::cerr << "gtype: " << status.message() << '\n';
      io_failed = true;
    }
  }
  print_diagnostics(diagnostics);
  if (io_failed) return kUsage;
  return diagnostics.has_errors() ? kInputErrors : kOk;
}

int run_project(const std::string& file, const std::optional<std::string>& protocol_name,
                const std::optional<std::string>& role_name) {
  gtype::SourceManager sources;
  gtype::DiagnosticEngine diagnostics(sources);
  gtype::FrontendResult result;
  gtype::Status status = gtype::analyze_file(file, sources, diagnostics, result);
  if (!status.is_ok()) {
    std::cerr << "gtype: " << status.message() << '\n';
    return kUsage;
  }
  if (diagnostics.has_errors()) {
    print_diagnostics(diagnostics);
    return kInputErrors;
  }

  std::vector<const gtype::ProtocolProjection*> selected;
  for (const gtype::ProtocolProjection& projection : result.projections) {
    if (!protocol_name || projection.protocol->name.text == *protocol_name) selected.push_back(&projection);
  }
  if (protocol_name && selected.empty()) {
    std::cerr << "gtype: " << file << ": no global protocol '" << *protocol_name << "'";
    const char* separator = "; it declares: ";
    for (const gtype::ProtocolProjection& projection : result.projections) {
      std::cerr << separator << projection.protocol->name.text;
      separator = ", ";
    }
    std::cerr << '\n';
    return kUsage;
  }
  auto has_role = [&](const gtype::ProtocolProjection* projection) {
    for (const gtype::RoleProjection& role : projection->roles) {
      if (role.role == *role_name) return true;
    }
    return false;
  };
  if (role_name) {
    // Only the protocols that have the role; it is an error when none has.
    std::erase_if(selected,
                  [&](const gtype::ProtocolProjection* projection) { return !has_role(projection); });
    if (selected.empty()) {
      std::cerr << "gtype: " << file << ": no role '" << *role_name << "'";
      if (protocol_name) {
        std::cerr << " in protocol '" << *protocol_name << "'";
        const char* separator = "; its roles are: ";
        for (const gtype::ProtocolProjection& projection : result.projections) {
          if (projection.protocol->name.text != *protocol_name) continue;
          for (const gtype::Name& role : projection.protocol->roles) {
            std::cerr << separator << role.text;
            separator = ", ";
          }
        }
      } else {
        std::cerr << " in any protocol";
      }
      std::cerr << '\n';
      return kUsage;
    }
  }
  for (const gtype::ProtocolProjection* projection : selected) {
    // Several protocols: a comment line names each, which a local system also accepts.
    if (selected.size() > 1) std::cout << "// " << projection->protocol->name.text << '\n';
    for (const gtype::RoleProjection& role : projection->roles) {
      if (role_name && role.role != *role_name) continue;
      std::cout << role.role << ": " << gtype::print_local_type(*role.type) << '\n';
    }
  }
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gtype: check, project and verify multiparty session types with explicit connections",
               "gtype"};
  app.require_subcommand(1);

  std::vector<std::string> check_files;
  CLI::App* check = app.add_subcommand("check", "parse FILEs, check well-formedness and projectability");
  check->add_option("FILE", check_files, "a .gtype file")->required();

  std::string project_file;
  std::optional<std::string> protocol_name;
  std::optional<std::string> role_name;
  CLI::App* project = app.add_subcommand("project", "print the local type of every role, one 'role: type' line each");
  project->add_option("FILE", project_file, "a .gtype file")->required();
  project->add_option("--protocol", protocol_name, "only this global protocol");
  project->add_option("--role", role_name, "only this role");

  // Errors on the command line read like the others: "gtype: ...".
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    std::string message = e.what();
    if (message.size() > 1 && std::islower(static_cast<unsigned char>(message[1]))) {
      message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    }
    return "gtype: " + message + "\nRun 'gtype --help' for more information.\n";
  });
  // CLI11 would only say that a subcommand is required: name the commands.
  const bool no_command = argc == 1;
  if (no_command ||
      (argv[1][0] != '-' &&
       app.get_subcommands([&](CLI::App* command) { return command->get_name() == argv[1]; }).empty())) {
    std::cerr << "gtype: "
              << (no_command ? std::string("a command is required")
                             : "unknown command '" + std::string(argv[1]) + "'")
              << "; the commands are: ";
    const char* separator = "";
    for (const CLI::App* command : app.get_subcommands({})) {
      std::cerr << separator << command->get_name();
      separator = ", ";
    }
    std::cerr << "\nRun 'gtype --help' for more information.\n";
    return kUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }
  if (check->parsed()) return run_check(check_files);
  if (project->parsed()) return run_project(project_file, protocol_name, role_name);
  return kUsage;
}
