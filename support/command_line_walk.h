// Walking a CLI11 App for the conventions of gtype/command_line.h: what is visible of it
// (commands and options outside the hidden group ""), and what a parse chose.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace gtype::command_line {

// The commands of `app` a user is shown, in the order they were added.
std::vector<const CLI::App*> visible_subcommands(const CLI::App& app);
// The options of `app` a user is shown (positionals included), in the order they were added.
std::vector<const CLI::Option*> visible_options(const CLI::App& app);
// Whether `option` takes a value (flags do not).
bool takes_value(const CLI::Option& option);
// Every name of the visible options that are not positional, with their dashes ("-f", "--file").
std::vector<std::string> option_names(const CLI::App& app);
// The choices an option's check allows (CLI::IsMember shows them in its type, "TEXT:{a,b}").
std::vector<std::string> choices(const CLI::Option& option);
// `app`'s names from below the program to it ("logs get"); "" for the program itself.
std::string command_path(const CLI::App& app);
// The program, then each command the parse (so far) chose below it.
std::vector<const CLI::App*> parsed_chain(const CLI::App& app);

}  // namespace gtype::command_line
