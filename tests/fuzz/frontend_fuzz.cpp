// Fuzz target: bytes as a .gtype file, through the whole front end (load with imports, check,
// project), then the automata of every protocol and local system, and a small bounded search.
// The bytes are a file (gtype_input.h). Every outcome is fine except a crash, a leak, a hang or
// an uncaught exception.
#include <cstdint>
#include <filesystem>

#include "gtype/automaton.h"
#include "gtype/file_automata.h"
#include "gtype/frontend.h"
#include "gtype/large_stack.h"
#include "gtype/verify.h"
#include "gtype_input.h"

namespace {

// Small enough that a run takes milliseconds: the fuzzer looks for crashes, not for violations.
gtype::VerifyOptions small_search() {
  gtype::VerifyOptions options;
  options.bound = 2;
  options.max_states = 2000;
  options.liveness = true;
  return options;
}

void verify_all(const gtype::FrontendResult& result) {
  for (const gtype::AutomatonSystem& system : gtype::file_automata(result)) {
    gtype::verify_system(system, small_search());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path input = gtype_fuzz::input_file(data, size);
  // On the stack `gtype` gives the front end: a protocol within the limits may recurse deeper
  // than a thread's default stack (large_stack.h).
  gtype::run_on_large_stack([&] {
    gtype::SourceManager sources;
    gtype::DiagnosticEngine diagnostics(sources);
    gtype::FrontendResult result;
    const gtype::Status status = gtype::analyze_file(input.string(), sources, diagnostics, result);
    // Diagnostics are the front end's answer to bad input; only a clean file goes further.
    if (status.ok() && !diagnostics.has_errors()) verify_all(result);
  });
  return 0;
}
