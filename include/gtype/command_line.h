// The conventions both commands (gtype, c12s) follow on their command line, from their CLI11
// App alone, so that a subcommand added to either gets them without code of its own:
//   --version; exit 0 for --help and --version, 2 for a usage error (never CLI11's 1xx codes);
//   a usage error is one line, "PROGRAM: ...", then "Run 'PROGRAM --help' for more information.";
//   a misspelled command or option gets "did you mean" (gtype/spelling.h);
//   --help shows each option's default;
//   `PROGRAM completion bash` prints a bash completion script, and the hidden `--man-page`
//   the manual page, both walked from the App (the build installs them: cmake/Packaging.cmake).
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace gtype::command_line {

constexpr int kUsage = 2;  // the exit code of a usage error, on both commands

// The project's version (CMake's PROJECT_VERSION).
const char* project_version();

// What the manual page says beyond the App's own texts.
struct ManualText {
  std::string section = "1";
  // "EXIT STATUS": one entry per code, e.g. {"0", "fine"}.
  std::vector<std::pair<std::string, std::string>> exit_status;
  std::string see_also;  // e.g. "c12s(1), the project's README.md"
};

// Parses the command line of `app` (a program whose subcommands are all added) by the
// conventions above. Returns the exit code when the program is done (help, version, completion
// or manual printed: 0; a usage error printed: kUsage), nullopt when a subcommand is to run.
std::optional<int> parse(CLI::App& app, int argc, char** argv, const ManualText& manual);

// The parsed subcommands from the top, joined by spaces ("logs get"); "" when none is.
std::string parsed_command(const CLI::App& app);

// What parse() prints: a bash completion script (a `complete` command for app.get_name()), and
// the manual page (troff, man(7)). Options and commands in the group "" are hidden from both.
std::string bash_completion(const CLI::App& app);
std::string manual_page(const CLI::App& app, const ManualText& manual);

// The message for a command line `app` failed to parse with `error` (without the "PROGRAM: "
// prefix): an unknown command or option (with "did you mean" when one is close), a missing
// command (naming them), else CLI11's own message, lower-cased.
std::string usage_error(const CLI::App& app, const CLI::ParseError& error);

}  // namespace gtype::command_line
