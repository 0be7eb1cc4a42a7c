// Parsing a command line by the conventions of command_line.h: what CLI11 leaves to its caller.
#include "gtype/command_line.h"

#include <cctype>
#include <iostream>

#include "command_line_walk.h"
#include "gtype/spelling.h"

namespace gtype::command_line {
namespace {

// Thrown by the hidden --man-page flag: it ends the parse before the required subcommand is
// asked for, as --version does.
struct ManualRequested {};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// "the commands are: ..." of `app`.
std::string command_list(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : visible_subcommands(app)) names.push_back(command->get_name());
  return "the commands are: " + joined(names);
}

// `token` (an unknown word given where `app` expects a command) as an error.
std::string unknown_command(const CLI::App& app, const std::string& token) {
  const std::string path = command_path(app);
  const std::string prefix = path.empty() ? "" : path + " ";
  std::vector<std::string> names;
  for (const CLI::App* command : visible_subcommands(app)) names.push_back(command->get_name());
  const std::string best = closest_spelling(token, names);
  const std::string message = "unknown command '" + prefix + token + "'";
  if (!best.empty()) return message + "; did you mean '" + prefix + best + "'?";
  return message + "; " + command_list(app);
}

// `token` (an option `app` does not have) as an error.
std::string unknown_option(const CLI::App& app, const std::string& token) {
  const std::string name = token.substr(0, token.find('='));
  const std::string best = closest_spelling(name, option_names(app));
  const std::string path = command_path(app);
  std::string message = "unknown option '" + name + "'" + (path.empty() ? "" : " for '" + path + "'");
  return best.empty() ? message : message + "; did you mean '" + best + "'?";
}

// The first word of the command line that no command on the way took, as an error; "" if none.
std::string leftover_error(const CLI::App& app) {
  for (const CLI::App* at : parsed_chain(app)) {
    const std::vector<std::string> left = at->remaining(false);
    if (left.empty()) continue;
    const std::string& token = left.front();
    if (token.size() > 1 && token[0] == '-') return unknown_option(*at, token);
    if (!visible_subcommands(*at).empty() && at->get_subcommands().empty())
      return unknown_command(*at, token);
    return "the following argument was not expected: " + token;
  }
  return "";
}

// CLI11's message, as ours begin: lower case ("FILE is required" stays).
std::string cli11_message(const CLI::ParseError& error) {
  std::string message = error.what();
  if (message.size() > 1 && std::islower(static_cast<unsigned char>(message[1])))
    message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  return message;
}

void add_builtins(CLI::App& app) {
  if (app.get_version_ptr() != nullptr) return;  // parse() ran before
  app.set_version_flag("--version", app.get_name() + " " + project_version(), "print the version and exit");
  app.add_flag_callback(
         "--man-page", [] { throw ManualRequested{}; }, "print the manual page (troff)")
      ->group("");
  CLI::App* completion = app.add_subcommand("completion",
                                            "print the shell completion script: source it, or install it as "
                                            "/usr/share/bash-completion/completions/" +
                                                app.get_name());
  completion->add_option("SHELL", "the shell: bash (the default; the only one for now)")
      ->type_name("TEXT")
      ->check(CLI::IsMember({"bash"}));
}

// --help shows what each option takes when not given: captured now, once every option exists.
void capture_defaults(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (!takes_value(*option)) continue;
    option->capture_default_str();
    if (option->get_default_str() == "[]") option->default_str("");  // an empty list: no default
  }
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) capture_defaults(*command);
}

bool completion_parsed(const CLI::App& app) {
  const std::vector<const CLI::App*> chain = parsed_chain(app);
  return chain.size() == 2 && chain.back()->get_name() == "completion";
}

}  // namespace

const char* project_version() { return CONSTELLATIONS_VERSION; }

std::string usage_error(const CLI::App& app, const CLI::ParseError& error) {
  if (std::string leftover = leftover_error(app); !leftover.empty()) return leftover;
  const CLI::App& last = *parsed_chain(app).back();
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && last.get_require_subcommand_min() > 0 &&
      last.get_subcommands().empty()) {
    const std::string path = command_path(last);
    return "a command is required" + (path.empty() ? "" : " after '" + path + "'") + "; " +
           command_list(last);
  }
  return cli11_message(error);
}

std::optional<int> parse(CLI::App& app, int argc, char** argv, const ManualText& manual) {
  add_builtins(app);
  capture_defaults(app);
  try {
    app.parse(argc, argv);
  } catch (const ManualRequested&) {
    std::cout << manual_page(app, manual);
    return 0;
  } catch (const CLI::Success& done) {  // --help, --help-all, --version: printed on standard output
    return app.exit(done);
  } catch (const CLI::ParseError& error) {
    std::cerr << app.get_name() << ": " << usage_error(app, error) << "\nRun '" << app.get_name()
              << " --help' for more information.\n";
    return kUsage;
  }
  if (!completion_parsed(app)) return std::nullopt;
  std::cout << bash_completion(app);
  return 0;
}

std::string parsed_command(const CLI::App& app) { return command_path(*parsed_chain(app).back()); }

}  // namespace gtype::command_line
