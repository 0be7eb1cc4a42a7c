// Generated names are stable: adding a branch to a protocol renames nothing generated for its
// other branches (codegen/role_names.cpp). The names compared are those of `gtype gen --names`:
// every state class, method, branch struct and Handler callback, with its signature.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

#include "gtype/codegen.h"
#include "gtype/file_automata.h"
#include "gtype/frontend.h"

namespace {

// "store/state AfterSessionGet: send_found(const Entry& value) -> LoopSession", one per
// declaration of every role of `path` (a Handler callback without the states that call it).
std::set<std::string> declarations(const std::string& path) {
  gtype::SourceManager sources;
  gtype::DiagnosticEngine diagnostics(sources);
  gtype::FrontendResult result;
  EXPECT_TRUE(gtype::analyze_file(path, sources, diagnostics, result, {}).ok()) << path;
  EXPECT_FALSE(diagnostics.has_errors()) << path;
  gtype::CodegenOptions options;
  options.names = true;
  std::vector<gtype::GeneratedFile> files;
  EXPECT_TRUE(gtype::generate_code(result.program, sources, gtype::file_automata(result), options,
                                   diagnostics, files));
  std::set<std::string> out;
  for (const gtype::GeneratedFile& file : files) {
    std::istringstream lines(file.text);
    std::string line, heading;
    while (std::getline(lines, line)) {
      if (line.rfind("//", 0) == 0) continue;
      if (line.rfind("  ", 0) != 0) {
        heading = line;
        out.insert(file.path + "/" + heading);
        continue;
      }
      out.insert(file.path + "/" + heading + ": " + line.substr(2, line.find("  <- ") - 2));
    }
  }
  return out;
}

TEST(GenNames, AddingABranchRenamesNothingElse) {
  const std::set<std::string> before = declarations(SOURCE_DIR "/examples/key_value/key_value.gtype");
  const std::set<std::string> after = declarations(SOURCE_DIR "/tests/golden/names/added_branch.gtype");
  // What the two choices that gained a branch declare, and only that, reads differently.
  const std::set<std::string> edited = {
      "key_value/client.names/state LoopSession: Choice = Put{value} | Get{value} | Bye{}",
      "key_value/client.names/Handler: choose_put_or_get_or_bye() -> LoopSession::Choice",
      "key_value/client.names/state AfterSessionGet: receive() -> Found{value, next: LoopSession} | "
      "Missing{value, next: LoopSession}",
      "key_value/store.names/state LoopSession: receive() -> Put{value, next: AfterSessionPut} | Get{value, "
      "next: AfterSessionGet} | Bye{next: End}",
      "key_value/store.names/state AfterSessionGet: Choice = Found{value} | Missing{value}",
      "key_value/store.names/Handler: choose_found_or_missing() -> AfterSessionGet::Choice",
  };
  ASSERT_GT(before.size(), 30u);
  for (const std::string& declaration : before) {
    if (edited.count(declaration)) {
      EXPECT_EQ(after.count(declaration), 0u) << "the edited choice should read differently: " << declaration;
    } else {
      EXPECT_EQ(after.count(declaration), 1u) << "renamed or gone: " << declaration;
    }
  }
}

}  // namespace
