// The `gtype` command (contract: ../shared/spec/gtype-language.md, section 3).
//
// Exit codes: 0 fine, 1 errors in the protocols (or a violation), 2 usage or I/O, 3 inconclusive.
// Each subcommand lives in its own file (commands.h); this file only reads the command line.
#include <CLI/CLI.hpp>

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "commands.h"
#include "gtype/command_line.h"
#include "gtype/large_stack.h"
#include "gtype/verify.h"

namespace {

using gtype::cli::kUsage;

// Unsigned options: CLI11 would wrap "-5" around to a huge number, and take a number too large
// for the option's type without a word.
CLI::Validator whole_number(std::uint64_t most) {
  return CLI::Validator(
      [most](std::string& text) {
        std::uint64_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits) return "'" + text + "' is not a whole number";
        if (error == std::errc::result_out_of_range || end != text.data() + text.size() || value > most) {
          return "'" + text + "' is too large: at most " + std::to_string(most);
        }
        return std::string();
      },
      "NUMBER");
}

}  // namespace

namespace {

// What `man gtype` says beyond the command line's texts (docs/gtype-command.md has the rest).
gtype::command_line::ManualText manual() {
  return {
      "1",
      {{"0",
        "fine: every file well-formed and projectable; the output printed; every protocol verified; "
        "--help, --version"},
       {"1", "errors in the protocols (syntax, well-formedness, projection); for verify, also a violation"},
       {"2",
        "usage or I/O: an unknown command or option, a missing or bad argument, a file that cannot be "
        "read, a --protocol or --role naming nothing"},
       {"3",
        "verify only: no violation and no error, but something inconclusive (the queue bound or the "
        "state limit was reached)"}},
      "the .gtype language and this command: docs/gtype-language.md and docs/gtype-command.md of the "
      "project"};
}

int run_gtype(int argc, char** argv) {
  CLI::App app{"gtype: check, project and verify multiparty session types with explicit connections",
               "gtype"};
  app.require_subcommand(1);

  std::vector<std::string> check_files;
  CLI::App* check = app.add_subcommand("check", "parse FILEs, check well-formedness and projectability");
  check->add_option("FILE", check_files, "a .gtype file")->required();

  std::string project_file;
  std::optional<std::string> protocol_name;
  std::optional<std::string> role_name;
  CLI::App* project =
      app.add_subcommand("project", "print the local type of every role, one 'role: type' line each");
  project->add_option("FILE", project_file, "a .gtype file")->required();
  project->add_option("--protocol", protocol_name, "only this global protocol");
  project->add_option("--role", role_name, "only this role");

  gtype::cli::VerifyArguments verify_arguments;
  CLI::App* verify = app.add_subcommand("verify", "model-check every protocol and local system of the FILEs");
  verify->add_option("FILE", verify_arguments.files, "a .gtype file")->required();
  verify->add_option("--protocol", verify_arguments.protocol, "only this protocol or local system");
  verify->add_option("--bound", verify_arguments.bound, "capacity K of every queue")
      ->check(whole_number(gtype::kMaxBound));
  verify
      ->add_option("--max-states", verify_arguments.max_states,
                   "stop, inconclusive, beyond this many configurations")
      ->check(whole_number(gtype::kMaxStatesLimit));
  verify->add_option("--max-memory", verify_arguments.max_memory,
                     "stop, inconclusive, before the search uses more memory than this: bytes, or with "
                     "K, M, G or T (powers of 1024; default: half of the machine's memory)");
  verify->add_flag("--json", verify_arguments.json, "one JSON object per line, per protocol or local system");
  verify->add_flag("!--no-timing", verify_arguments.timing,
                   "leave times out of the output, so that it is the same on every run");
  verify->add_flag("--quiet", verify_arguments.quiet,
                   "no progress line (on a terminal, standard error shows the search's states, transitions, "
                   "depth, rate and memory every second)");
  verify->add_flag("!--no-progress", verify_arguments.progress,
                   "check safety only, not role-progress and eventual-reception");
  verify->add_flag("!--no-reduction", verify_arguments.reduction,
                   "explore every interleaving (no partial-order reduction): more configurations, the "
                   "same verdicts, traces shortest among all executions");
  verify->add_option("--liveness", verify_arguments.liveness,
                     "fair: a role that can act is not starved for ever; strong (Scribble's): a "
                     "role that some schedule starves for ever is a role-progress violation");
  verify->add_option("--trace-format", verify_arguments.trace_format,
                     "how text output shows traces: text or mermaid");

  gtype::cli::GenArguments gen_arguments;
  CLI::App* gen = app.add_subcommand("gen", "write C++ endpoint code for every role of the FILEs' protocols");
  gen->add_option("FILE", gen_arguments.files, "a .gtype file")->required();
  gen->add_option("--out", gen_arguments.out, "the folder to write into");
  gen->add_option("--role", gen_arguments.roles, "only this role's header (repeat for several)")
      ->allow_extra_args(false);
  gen->add_option("--index", gen_arguments.index, "also write this header (in --out), including every other");
  gen->add_flag("--stdout", gen_arguments.to_stdout, "print the files instead of writing them");
  gen->add_flag("--list", gen_arguments.list, "print the paths of the files, write nothing");
  gen->add_flag("--names", gen_arguments.names,
                "print the public names of each role's header (states, methods, branches, callbacks), "
                "write nothing");

  std::string fsm_file, fsm_protocol, fsm_role;
  CLI::App* fsm = app.add_subcommand("fsm", "print a role's automaton in Graphviz DOT");
  fsm->add_option("FILE", fsm_file, "a .gtype file")->required();
  fsm->add_option("--protocol", fsm_protocol, "the protocol or local system")->required();
  fsm->add_option("--role", fsm_role, "the role")->required();

  std::string diagram_file, diagram_protocol, diagram_format = "mermaid";
  CLI::App* diagram = app.add_subcommand("diagram", "print the sequence diagram of a global protocol");
  diagram->add_option("FILE", diagram_file, "a .gtype file")->required();
  diagram->add_option("--protocol", diagram_protocol, "the global protocol")->required();
  diagram->add_option("--format", diagram_format, "mermaid or svg");

  std::string promela_file;
  std::string promela_protocol;
  std::uint32_t promela_bound = 1;
  CLI::App* promela =
      app.add_subcommand("promela", "print a Promela model of one protocol or local system, for SPIN");
  promela->add_option("FILE", promela_file, "a .gtype file")->required();
  promela->add_option("--protocol", promela_protocol, "the protocol or local system")->required();
  promela->add_option("--bound", promela_bound, "capacity K of every queue")
      ->check(whole_number(gtype::kMaxBound));

  // Every command that reads .gtype files looks for dotted imports in these folders too, and
  // may be told to read imports only there and under the file's own root.
  gtype::LoadOptions load;
  for (CLI::App* command : {check, project, verify, gen, fsm, diagram, promela}) {
    command
        ->add_option(
            "-I", load.import_paths,
            "look for dotted imports (a.b.c) in DIR too, after the importing file's root (repeatable)")
        ->type_name("DIR")
        ->allow_extra_args(false);
    command->add_flag("--confine-imports", load.confine_imports,
                      "refuse, without reading it, an import that is not under FILE's own root or an -I DIR "
                      "(symbolic links followed)");
  }

  // --version, --help with defaults, "did you mean", `gtype completion`, the manual page; usage
  // errors exit with kUsage (gtype/command_line.h).
  if (std::optional<int> done = gtype::command_line::parse(app, argc, argv, manual())) return *done;
  if (check->parsed()) return gtype::cli::run_check(load, check_files);
  if (project->parsed()) return gtype::cli::run_project(load, project_file, protocol_name, role_name);
  if (verify->parsed()) return gtype::cli::run_verify(load, verify_arguments);
  if (gen->parsed()) return gtype::cli::run_gen(load, gen_arguments);
  if (fsm->parsed()) return gtype::cli::run_fsm(load, fsm_file, fsm_protocol, fsm_role);
  if (diagram->parsed()) return gtype::cli::run_diagram(load, diagram_file, diagram_protocol, diagram_format);
  if (promela->parsed()) return gtype::cli::run_promela(load, promela_file, promela_protocol, promela_bound);
  return kUsage;
}

}  // namespace

// The front end and the printers recurse along a protocol's sequences (see large_stack.h).
int main(int argc, char** argv) {
  int result = gtype::cli::kUsage;
  gtype::run_on_large_stack([&] { result = run_gtype(argc, argv); });
  return result;
}
