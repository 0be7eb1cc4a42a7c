// The bash completion script of a command, walked from its CLI11 App (command_line.h).
//
// The script is one function that reads the words typed so far: it follows the commands among
// them, skips each option's value, and offers what may come next: the commands and options of
// the command reached, or the choices of the option whose value is being typed. Anything else
// (a FILE, an option's free value) is left to bash's file names (complete -o default).
#include <algorithm>
#include <cctype>
#include <sstream>

#include "command_line_walk.h"
#include "gtype/command_line.h"

namespace gtype::command_line {
namespace {

// A word the script may put in its source as it is: nothing the shell would interpret.
bool plain(const std::string& word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string("_-.:+/@%=,").find(c) != std::string::npos;
  });
}

std::string words(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& word : list) {
    if (plain(word)) out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

// The case patterns "COMMAND>WORD" of each name in `names`, for command `path`.
std::string patterns(const std::string& path, const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (plain(name)) out += (out.empty() ? "" : " | ") + ("\"" + path + ">" + name + "\"");
  }
  return out;
}

// What the script knows of one command (`path`, "" for the program itself).
struct Command {
  std::string path;
  std::vector<std::string> subcommands;
  std::vector<std::string> next;                                        // what may follow it
  std::vector<std::string> valued;                                      // options that take a value
  std::vector<std::pair<std::vector<std::string>, std::string>> picks;  // option names -> choices
};

Command command_of(const CLI::App& app) {
  Command command{command_path(app), {}, {}, {}, {}};
  for (const CLI::App* sub : visible_subcommands(app)) command.subcommands.push_back(sub->get_name());
  command.next = command.subcommands;
  for (const CLI::Option* option : visible_options(app)) {
    if (option->get_positional()) {
      for (const std::string& choice : choices(*option)) command.next.push_back(choice);
      continue;
    }
    std::vector<std::string> names;
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    command.next.insert(command.next.end(), names.begin(), names.end());
    if (!takes_value(*option)) continue;
    command.valued.insert(command.valued.end(), names.begin(), names.end());
    if (std::vector<std::string> allowed = choices(*option); !allowed.empty())
      command.picks.emplace_back(names, words(allowed));
  }
  return command;
}

void collect(const CLI::App& app, std::vector<Command>& out) {
  out.push_back(command_of(app));
  for (const CLI::App* sub : visible_subcommands(app)) collect(*sub, out);
}

std::string identifier(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return out;
}

// The loop over the words typed: commands entered, options' values skipped.
void write_walk(std::ostream& out, const std::vector<Command>& commands) {
  out << "  local command=\"\" word value=\"\"\n"
      << "  for word in \"$@\"; do\n"
      << "    if [ -n \"$value\" ]; then value=\"\"; continue; fi\n"
      << "    case \"$command>$word\" in\n";
  for (const Command& command : commands) {
    if (!command.subcommands.empty())
      out << "      " << patterns(command.path, command.subcommands)
          << ") command=\"${command:+$command }$word\" ;;\n";
    if (!command.valued.empty())
      out << "      " << patterns(command.path, command.valued) << ") value=1 ;;\n";
  }
  out << "    esac\n  done\n";
}

// What may come next: an option's choices when its value is being typed, else the command's.
void write_offers(std::ostream& out, const std::vector<Command>& commands) {
  out << "  if [ -n \"$value\" ]; then\n    case \"$command>$word\" in\n";
  for (const Command& command : commands) {
    for (const auto& [names, allowed] : command.picks)
      out << "      " << patterns(command.path, names) << ") echo \"" << allowed << "\" ;;\n";
  }
  out << "    esac\n    return\n  fi\n  case \"$command\" in\n";
  for (const Command& command : commands)
    out << "    \"" << command.path << "\") echo \"" << words(command.next) << "\" ;;\n";
  out << "  esac\n";
}

}  // namespace

std::string bash_completion(const CLI::App& app) {
  std::vector<Command> commands;
  collect(app, commands);
  const std::string name = app.get_name();
  const std::string function = "_" + identifier(name);
  std::ostringstream out;
  out << "# bash completion for " << name << ", generated by `" << name
      << " completion bash` from its command\n"
      << "# line. Installed as /usr/share/bash-completion/completions/" << name << "; or: source <(" << name
      << " completion bash)\n\n"
      << "# The words that may follow the words \"$@\" (typed after `" << name << "`).\n"
      << function << "_next() {\n";
  write_walk(out, commands);
  write_offers(out, commands);
  out << "}\n\n"
      << function << "() {\n"
      << "  local IFS=$' \\t\\n' next\n"
      << "  next=$(" << function << "_next \"${COMP_WORDS[@]:1:COMP_CWORD-1}\")\n"
      << "  mapfile -t COMPREPLY < <(compgen -W \"$next\" -- \"${COMP_WORDS[COMP_CWORD]}\")\n"
      << "}\n"
      << "complete -o default -F " << function << " " << name << "\n";
  return out.str();
}

}  // namespace gtype::command_line
