// Fuzz target: bytes as a .gtype file, through the whole front end (load with imports, check,
// project), then the automata of every protocol and local system, and a small bounded search.
//
// The front end reads files (imports are relative to the importing file), so the bytes go to a
// file of a private folder, next to a copy of protocols/sorts.gtype that the thesis's protocols
// import. Every outcome is fine except a crash, a leak, a hang or an uncaught exception.
#include <unistd.h>

#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtype/automaton.h"
#include "gtype/frontend.h"
#include "gtype/large_stack.h"
#include "gtype/verify.h"

namespace {

namespace fs = std::filesystem;

// A folder of this process's own, made once, holding sorts.gtype; the input goes to input.gtype.
const fs::path& work_folder() {
  static const fs::path folder = [] {
    const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path made = base / ("gtype-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(made);
    fs::copy_file(fs::path(SOURCE_DIR) / "protocols" / "sorts.gtype", made / "sorts.gtype",
                  fs::copy_options::overwrite_existing);
    return made;
  }();
  return folder;
}

void write_file(const fs::path& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  assert(out.good());
}

// Small enough that a run takes milliseconds: the fuzzer looks for crashes, not for violations.
gtype::VerifyOptions small_search() {
  gtype::VerifyOptions options;
  options.bound = 2;
  options.max_states = 2000;
  options.liveness = true;
  return options;
}

void verify_all(const gtype::FrontendResult& result) {
  for (const gtype::ProtocolProjection& projection : result.projections) {
    std::vector<gtype::RoleType> roles;
    for (const gtype::RoleProjection& role : projection.roles) roles.push_back({role.role, role.type});
    const gtype::AutomatonSystem system = gtype::build_automata(
        projection.protocol->name.text, projection.protocol->explicit_connections, roles);
    gtype::verify_system(system, small_search());
  }
  for (const gtype::LocalSystem& local : result.program.files.front().local_systems) {
    std::vector<gtype::RoleType> roles;
    for (const gtype::LocalRole& role : local.roles) roles.push_back({role.role.text, role.type});
    const gtype::AutomatonSystem system =
        gtype::build_automata(local.name.text, local.explicit_connections, roles);
    gtype::verify_system(system, small_search());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path input = work_folder() / "input.gtype";
  write_file(input, data, size);
  // On the stack `gtype` gives the front end: a protocol within the limits may recurse deeper
  // than a thread's default stack (large_stack.h).
  gtype::run_on_large_stack([&] {
    gtype::SourceManager sources;
    gtype::DiagnosticEngine diagnostics(sources);
    gtype::FrontendResult result;
    const gtype::Status status = gtype::analyze_file(input.string(), sources, diagnostics, result);
    // Diagnostics are the front end's answer to bad input; only a clean file goes further.
    if (status.is_ok() && !diagnostics.has_errors()) verify_all(result);
  });
  return 0;
}
