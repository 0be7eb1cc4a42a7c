// The subcommands of `gtype`, each in its own file; main.cpp parses the command line. Each
// loads its files with `load` (the import paths given with -I).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gtype/program.h"

namespace gtype::cli {

int run_check(const LoadOptions& load, const std::vector<std::string>& files);
int run_project(const LoadOptions& load, const std::string& file,
                const std::optional<std::string>& protocol_name, const std::optional<std::string>& role_name);

struct VerifyArguments {
  std::vector<std::string> files;
  std::optional<std::string> protocol;
  std::uint32_t bound = 1;
  std::uint64_t max_states = 50'000'000;
  std::optional<std::string> max_memory;  // a size such as 512M or 4G; default: default_max_memory()
  bool json = false;
  bool progress = true;
  bool reduction = true;          // partial-order reduction (VerifyOptions::reduction)
  std::string liveness = "fair";  // or "strong": how role-progress is read (VerifyOptions)
  bool timing = true;             // false: leave times out, so the output is the same on every run
  bool quiet = false;             // no progress line on a terminal's standard error
  std::string trace_format = "text";
};
int run_verify(const LoadOptions& load, const VerifyArguments& arguments);

// The automaton of `role` in the protocol or local system `protocol` of `file`, in Graphviz DOT.
int run_fsm(const LoadOptions& load, const std::string& file, const std::string& protocol,
            const std::string& role);
// The sequence diagram of the global protocol `protocol` of `file`; `format`: mermaid or svg.
int run_diagram(const LoadOptions& load, const std::string& file, const std::string& protocol,
                const std::string& format);

// `gtype gen`: C++ endpoint code for every role (gen_command.cpp).
struct GenArguments {
  std::vector<std::string> files;
  std::optional<std::string> out;    // the folder to write into
  std::vector<std::string> roles;    // only these roles' headers (every role when empty)
  std::optional<std::string> index;  // also this header, relative to `out`, including all the others
  bool to_stdout = false;            // print the files instead of writing them
  bool list = false;                 // print the paths that would be written
  bool names = false;                // print each role's public names instead of its header
};
int run_gen(const LoadOptions& load, const GenArguments& arguments);

// Prints the Promela model of the protocol or local system `protocol` of `file`.
int run_promela(const LoadOptions& load, const std::string& file, const std::string& protocol,
                std::uint32_t bound);

}  // namespace gtype::cli
