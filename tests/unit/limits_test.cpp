// Inputs at the limits: very long protocols are handled or refused with a clear error, never a
// crash (stack overflow, overflowing a packed field).
#include <gtest/gtest.h>

#include <functional>
#include <sstream>
#include <string>

#include "gtype/automaton.h"
#include "gtype/large_stack.h"
#include "gtype/program.h"
#include "gtype/verify.h"

namespace {

// The front end recurses along sequences; `gtype` runs it on a large stack, and so do these tests.
void on_large_stack(const std::function<void()>& body) { gtype::run_on_large_stack(body); }

std::string long_local_system(std::size_t actions) {
  std::string a, b;
  for (std::size_t i = 0; i < actions; ++i) {
    a += "b!x().";
    b += "a?x().";
  }
  return "local system L {\n  a : " + a + "end;\n  b : " + b + "end;\n}\n";
}

TEST(Limits, AFileOverTheTokenCapIsRefusedWithItsPosition) {
  gtype::SourceManager sources;
  const auto file = sources.add("big.gtype", long_local_system(90'000));  // about 1.08 million tokens
  gtype::DiagnosticEngine diagnostics(sources);
  gtype::SourceFile out;
  EXPECT_FALSE(gtype::parse_source(sources, file, diagnostics, out));
  ASSERT_EQ(diagnostics.error_count(), 1u);
  EXPECT_EQ(diagnostics.errors().front().message, "file too large: more than 1000000 tokens");
  std::ostringstream text;
  diagnostics.print(text);
  // The quoted line is a window around the column, not the whole 1 MB line.
  EXPECT_LT(text.str().size(), 400u);
}

TEST(Limits, MachinesWithMoreThan65536StatesAreVerified) {
  on_large_stack([] {
    gtype::SourceManager sources;
    const auto file = sources.add("long.gtype", long_local_system(70'000));
    gtype::DiagnosticEngine diagnostics(sources);
    gtype::SourceFile parsed;
    ASSERT_TRUE(gtype::parse_source(sources, file, diagnostics, parsed));
    const gtype::LocalSystem& system = parsed.local_systems.at(0);
    std::vector<gtype::RoleType> roles;
    for (const gtype::LocalRole& role : system.roles) roles.push_back({role.role.text, role.type});
    const gtype::AutomatonSystem automata = gtype::build_automata("L", false, roles);
    ASSERT_GT(automata.machines[0].states.size(), 65536u);
    const gtype::VerifyResult result = gtype::verify_system(automata, {});
    EXPECT_EQ(result.verdict, gtype::Verdict::kVerified);
    EXPECT_EQ(result.states, 140'001u);
  });
}

}  // namespace
