// The oracle (oracle.h) against `gtype verify`, and the oracle on its own.
//
//   * OracleKinds, OracleIssue16, OracleParse, OracleProgram: tiny systems whose results are
//     worked out by hand from the contract's section 2 (not copied from gtype): one per
//     violation kind, the two systems of issue 16, inconclusive and verified ones; the parser's
//     errors; the gtype-oracle program's output and exit codes.
//   * OracleAgrees.RandomLocalSystems: random local systems (random_local_system.h), at bounds 1
//     and 2: gtype without partial-order reduction and the oracle give the same verdict, the same
//     (kind, roles) violations with traces of the same length, and the same numbers of states and
//     transitions; gtype with reduction (its default) the same verdict and violations.
//   * OracleAgrees.ProjectedProtocols: the same for random protocols (random_protocol.h, safe or
//     not) projected by gtype, whose projections the oracle reads as printed local types.
//   * OracleAgrees.LocalSystemsOfTheGoldenTestsAndExamples: the same for the local systems of the
//     golden tests, examples and protocols.
//
// Systems beyond a small state limit on either side are skipped (and tagged). Case counts:
// ORACLE_CASES (default kDefaultCases) for random local systems, a quarter of it for protocols.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtype/check.h"
#include "gtype/file_automata.h"
#include "gtype/print.h"
#include "gtype/program.h"
#include "gtype/verify.h"
#include "oracle.h"
#include "random_local_system.h"
#include "random_protocol.h"

namespace {

constexpr std::uint64_t kMaxStates = 100'000;
constexpr int kDefaultCases = 2500;  // about 30 s here (Release, 2 cores shared)
// A role's projection is printed as a tree: projection shares continuations, so a protocol of a
// few dozen choices in a row prints to megabytes. Beyond this many nodes, a protocol is skipped.
constexpr std::uint64_t kMaxPrintedNodes = 4096;

// ------------------------------------------------------------------------------ one summary

// What both sides say, in the same words: `violations` maps "kind (roles)" to a trace length.
struct Summary {
  std::string verdict;
  std::uint64_t states = 0;
  std::uint64_t transitions = 0;
  std::map<std::string, std::size_t> violations;
  bool truncated = false;  // the state limit was reached: nothing else is comparable
  std::string error;

  bool operator==(const Summary& other) const {
    return verdict == other.verdict && states == other.states && transitions == other.transitions &&
           violations == other.violations && error == other.error;
  }
};

std::string key(const std::string& kind, const std::vector<std::string>& roles) {
  std::string out = kind + " (";
  for (std::size_t i = 0; i < roles.size(); ++i) out += (i ? ", " : "") + roles[i];
  return out + ")";
}

std::string show(const Summary& s) {
  std::ostringstream out;
  if (!s.error.empty()) return "error: " + s.error + "\n";
  out << s.verdict << ", " << s.states << " states, " << s.transitions << " transitions"
      << (s.truncated ? " (state limit)" : "") << "\n";
  for (const auto& [what, length] : s.violations) out << "  " << what << " after " << length << " steps\n";
  return out.str();
}

Summary summary(const oracle::Result& r) {
  Summary s{oracle::verdict_name(r.verdict), r.states, r.transitions, {}, r.truncated, r.error};
  for (const oracle::Violation& v : r.violations) s.violations[key(v.kind, v.roles)] = v.trace_length;
  return s;
}

Summary summary(const gtype::VerifyResult& r) {
  Summary s{gtype::verdict_name(r.verdict), r.states, r.transitions, {}, false, {}};
  s.truncated = r.inconclusive_reason.rfind("state limit", 0) == 0;
  for (const gtype::Violation& v : r.violations)
    s.violations[key(gtype::violation_name(v.kind), v.roles)] = v.trace.size();
  return s;
}

Summary oracle_summary(const std::string& text, std::uint32_t bound, std::size_t system = 0) {
  const oracle::Parsed parsed = oracle::parse(text);
  if (!parsed.error.empty()) return Summary{{}, 0, 0, {}, false, "parse: " + parsed.error};
  if (system >= parsed.systems.size()) return Summary{{}, 0, 0, {}, false, "no such system"};
  oracle::Options options;
  options.bound = bound;
  options.max_states = kMaxStates;
  return summary(oracle::explore(parsed.systems[system], options));
}

// `reduction`: with partial-order reduction (gtype's default), whose counts and trace lengths are
// those of the reduced graph; without, every count is the oracle's.
Summary gtype_summary(const gtype::AutomatonSystem& system, std::uint32_t bound, bool reduction) {
  gtype::VerifyOptions options;
  options.bound = bound;
  options.max_states = kMaxStates;
  options.reduction = reduction;
  return summary(gtype::verify_system(system, options));
}

// The verdict and which violations (kind and roles): what reduction keeps.
bool same_verdict(const Summary& a, const Summary& b) {
  if (a.verdict != b.verdict || a.error != b.error || a.violations.size() != b.violations.size())
    return false;
  for (auto i = a.violations.begin(), j = b.violations.begin(); i != a.violations.end(); ++i, ++j) {
    if (i->first != j->first) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------ gtype's side

// A file parsed from text and checked, its protocols projected, as `gtype verify` loads it.
struct Loaded {
  gtype::SourceManager sources;
  gtype::FrontendResult result;
  std::string errors;  // diagnostics of the file (not of projection)
};

void load(const std::string& text, Loaded& loaded) {
  gtype::DiagnosticEngine diagnostics(loaded.sources);
  const std::uint32_t id = loaded.sources.add("random.gtype", text);
  gtype::Program& program = loaded.result.program;
  program.files.emplace_back();
  program.imports.emplace_back();
  program.has_syntax_errors = !gtype::parse_source(loaded.sources, id, diagnostics, program.files.front());
  if (!program.has_syntax_errors) gtype::check_well_formed(program, diagnostics);
  std::ostringstream out;
  diagnostics.print(out);
  loaded.errors = out.str();
  if (!loaded.errors.empty() && !diagnostics.has_errors()) loaded.errors.clear();  // warnings only
}

// The nodes of `type` printed as a tree, saturating at `cap` (shared continuations count once
// per place they are printed).
std::uint64_t printed_nodes(const gtype::LocalType& type, std::uint64_t cap,
                            std::map<const gtype::LocalType*, std::uint64_t>& memo) {
  const auto known = memo.find(&type);
  if (known != memo.end()) return known->second;
  std::uint64_t n = 1;
  if (type.next) n += printed_nodes(*type.next, cap, memo);
  for (const gtype::LocalTypePtr& branch : type.branches)
    n = std::min(cap, n + printed_nodes(*branch, cap, memo));
  n = std::min(cap, n);
  memo.emplace(&type, n);
  return n;
}

// ------------------------------------------------------------------------------ the comparison

// Both sides on one system: `text` holds it for the oracle (as its system number `index`).
// gtype without reduction must agree with the oracle in everything, gtype with it (`reduced`) in
// the verdict and the violations.
struct Comparison {
  Summary theirs, ours, reduced;

  bool skipped() const { return theirs.truncated || ours.truncated || reduced.truncated; }
  bool agree() const { return theirs == ours && same_verdict(reduced, ours); }
  std::string report(const std::string& text, std::uint32_t bound) const {
    return "gtype and the oracle disagree at bound " + std::to_string(bound) + " on:\n" + text +
           "gtype:  " + show(theirs) + "gtype with reduction: " + show(reduced) + "oracle: " + show(ours);
  }
  // The verdict and the kinds: "violation deadlock unconnected".
  std::string tag() const {
    std::set<std::string> kinds;
    for (const auto& [what, length] : theirs.violations) kinds.insert(what.substr(0, what.find(' ')));
    std::string out = theirs.verdict;
    for (const std::string& kind : kinds) out += " " + kind;
    return out;
  }
};

Comparison compare(const std::string& text, const gtype::AutomatonSystem& system, std::size_t index,
                   std::uint32_t bound) {
  return Comparison{gtype_summary(system, bound, false), oracle_summary(text, bound, index),
                    gtype_summary(system, bound, true)};
}

// In a property: fails it where the two disagree, tags the case with what bound 1 found.
void compare_in_property(const std::string& text, const gtype::AutomatonSystem& system) {
  for (std::uint32_t bound : {1u, 2u}) {
    const Comparison c = compare(text, system, 0, bound);
    if (c.skipped()) {
      RC_TAG("skipped: beyond the state limit");
      return;
    }
    if (!c.agree()) RC_FAIL(c.report(text, bound));
    if (bound == 1) RC_TAG(c.tag());
  }
}

int cases(int divisor) {
  const char* env = std::getenv("ORACLE_CASES");
  const int total = env != nullptr ? std::atoi(env) : kDefaultCases;
  return std::max(1, total / divisor);
}

template <typename Property>
void check_cases(Property property, int count) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = count;
  rc::detail::TestMetadata metadata;
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = info->name();
  const auto result = rc::detail::checkTestable(property, metadata, params);
  std::ostringstream message;
  rc::detail::printResultMessage(result, message);
  if (result.template is<rc::detail::SuccessResult>()) {
    std::cout << message.str() << std::endl;
  } else {
    FAIL() << message.str();
  }
}

TEST(OracleAgrees, RandomLocalSystems) {
  check_cases(
      [] {
        const std::string text = gtype_test::random_local_system_text();
        Loaded loaded;
        load(text, loaded);
        if (!loaded.errors.empty())
          RC_FAIL("the generator made a system that is not well-formed:\n" + loaded.errors + text);
        const std::vector<gtype::AutomatonSystem> systems = gtype::file_automata(loaded.result);
        RC_ASSERT(systems.size() == 1u);
        RC_TAG(systems.front().explicit_connections ? "explicit" : "standard");
        compare_in_property(text, systems.front());
      },
      cases(1));
}

TEST(OracleAgrees, ProjectedProtocols) {
  check_cases(
      [] {
        // Safe protocols too: bigger state spaces that go on forever, all verified.
        const gtype_test::RandomFile random =
            *rc::gen::oneOf(gtype_test::random_file(), gtype_test::random_safe_file());
        Loaded loaded;
        load(gtype::print_file(random.file, gtype::Spelling::kArrow), loaded);
        if (!loaded.errors.empty())
          RC_FAIL("the generator made a file that is not well-formed:\n" + loaded.errors);
        bool compared = false;
        for (const gtype::GlobalProtocol& protocol : loaded.result.program.files.front().protocols) {
          gtype::SourceManager no_sources;
          gtype::DiagnosticEngine diagnostics(no_sources);
          std::vector<gtype::RoleProjection> roles;
          if (!gtype::project_protocol(loaded.result.program, protocol, diagnostics, roles)) continue;
          std::uint64_t most = 0;
          for (const gtype::RoleProjection& role : roles) {
            std::map<const gtype::LocalType*, std::uint64_t> memo;
            most = std::max(most, printed_nodes(*role.type, kMaxPrintedNodes + 1, memo));
          }
          if (most > kMaxPrintedNodes) {
            RC_TAG("skipped: a projection too big to print");
            continue;
          }
          gtype::FrontendResult one;
          one.program.files.emplace_back();  // no local systems: file_automata gives the protocol
          one.projections.push_back(gtype::ProtocolProjection{&protocol, roles});
          const gtype::AutomatonSystem system = gtype::file_automata(one).front();
          std::string text = std::string(protocol.explicit_connections ? "explicit " : "") + "local system " +
                             protocol.name.text + " {\n";
          for (const gtype::RoleProjection& role : roles)
            text += "  " + role.role + ": " + gtype::print_local_type(*role.type) + ";\n";
          text += "}\n";
          compare_in_property(text, system);
          compared = true;
        }
        if (!compared) RC_TAG("nothing projected");
      },
      cases(4));
}

// Every local system of the golden tests and the examples (files that load on their own, without
// imports), at bounds 1 and 2: hand-written corner cases the random generators may never make.
TEST(OracleAgrees, LocalSystemsOfTheGoldenTestsAndExamples) {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"tests/golden", "examples", "protocols"}) {
    const std::filesystem::path root = std::filesystem::path(SOURCE_DIR) / dir;
    if (!std::filesystem::exists(root)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (entry.path().extension() == ".gtype") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  int compared = 0;
  for (const std::filesystem::path& path : files) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().find("local system") == std::string::npos) continue;
    Loaded loaded;
    load(text.str(), loaded);
    if (!loaded.errors.empty()) continue;
    const std::vector<gtype::AutomatonSystem> systems = gtype::file_automata(loaded.result);
    for (const gtype::AutomatonSystem& system : systems) {
      // The oracle reads the entries as gtype printed them: one local system per text.
      const gtype::LocalSystem* local = nullptr;
      for (const gtype::LocalSystem& each : loaded.result.program.files.front().local_systems) {
        if (each.name.text == system.name) local = &each;
      }
      ASSERT_NE(local, nullptr);
      std::string one = std::string(local->explicit_connections ? "explicit " : "") + "local system " +
                        system.name + " {\n";
      for (const gtype::LocalRole& role : local->roles)
        one += "  " + role.role.text + ": " + gtype::print_local_type(*role.type) + ";\n";
      one += "}\n";
      for (std::uint32_t bound : {1u, 2u}) {
        const Comparison c = compare(one, system, 0, bound);
        EXPECT_TRUE(c.skipped() || c.agree()) << path << ":\n" << c.report(one, bound);
      }
      ++compared;
    }
  }
  std::cout << compared << " local systems of " << files.size() << " files compared\n";
  EXPECT_GE(compared, 20);  // the corpus has that many: a broken loader must not pass silently
}

// ------------------------------------------------------------------------------ by hand

Summary expected(std::string verdict, std::uint64_t states, std::uint64_t transitions,
                 std::map<std::string, std::size_t> violations = {}) {
  return Summary{std::move(verdict), states, transitions, std::move(violations), false, {}};
}

void expect_oracle(const std::string& text, std::uint32_t bound, const Summary& want) {
  const Summary got = oracle_summary(text, bound);
  EXPECT_TRUE(got == want) << text << "want: " << show(want) << "got:  " << show(got);
}

TEST(OracleKinds, ReceptionError) {
  // a sends x and ends; b only takes y: x stays at the head, unreceivable.
  expect_oracle("local system R { a: b!x().end; b: a?y().end; }", 1,
                expected("violation", 2, 1, {{"reception-error (a, b)", 1}}));
}

TEST(OracleKinds, ConnectionError) {
  // a connects to b twice; the second time they are still connected.
  expect_oracle("explicit local system C { a: b!!x().b!!y().end; b: a??x().a??y().end; }", 1,
                expected("violation", 2, 1, {{"connection-error (a, b)", 1}}));
}

TEST(OracleKinds, SynchronisationError) {
  // b accepts from a, but only y: nothing moves; b is idle, so the stuck a is explained.
  expect_oracle("explicit local system S { a: b!!x().end; b: a??y().end; }", 1,
                expected("violation", 1, 0, {{"synchronisation-error (a, b)", 0}}));
}

TEST(OracleKinds, Deadlock) {
  expect_oracle("local system D { a: b?x().b!y().end; b: a?y().a!x().end; }", 1,
                expected("violation", 1, 0, {{"deadlock (a, b)", 0}}));
}

TEST(OracleKinds, DeadlockNamesTheCycleOnly) {
  // c waits on a, which waits on b, which waits on a: the cycle is a and b.
  expect_oracle("local system D { a: b?x().end; b: a?y().end; c: a?z().end; }", 1,
                expected("violation", 1, 0, {{"deadlock (a, b)", 0}}));
}

TEST(OracleKinds, UnfinishedRole) {
  // After the connect, a waits for an accept from c, which has ended: no cycle, a is stuck.
  expect_oracle("explicit local system U { a: b!!x().c??y().end; b: a??x().end; c: end; }", 1,
                expected("violation", 2, 1, {{"unfinished-role (a)", 1}}));
}

TEST(OracleKinds, OrphanMessage) {
  // x waits for b, which ends on z (reached through c) without ever taking it.
  expect_oracle("local system O { a: b!x().c!w().end; b: c?z().end; c: a?w().b!z().end; }", 1,
                expected("violation", 6, 5, {{"orphan-message (a, b)", 5}}));
}

TEST(OracleKinds, Unconnected) {
  // a sends to b before b has joined: unconnected at once (b is idle, the connect never comes).
  expect_oracle("explicit local system N { a: b!x().end; b: a??x().end; }", 1,
                expected("violation", 1, 0, {{"unconnected (a, b)", 0}}));
}

TEST(OracleKinds, RoleProgress) {
  // a and b loop forever; c waits for a message a never sends.
  expect_oracle("local system P { a: mu t.b!x().t; b: mu t.a?x().t; c: a?y().end; }", 1,
                expected("violation", 2, 2, {{"role-progress (c)", 0}}));
}

TEST(OracleKinds, EventualReception) {
  // c's y to a is never taken while a and b loop (the bottom component is reached after c's send).
  expect_oracle("local system E { a: mu t.b!x().t; b: mu t.a?x().t; c: a!y().end; }", 1,
                expected("violation", 4, 6, {{"eventual-reception (a, c)", 1}}));
}

TEST(OracleKinds, FullQueueIsInconclusiveThenAViolation) {
  // Bound 1: a waits to send its second x into a full queue, nothing else can move.
  const std::string text = "local system Q { a: b!x().b!x().end; b: c?w().a?x().a?x().end; c: a?v().end; }";
  expect_oracle(text, 1, expected("inconclusive", 2, 1));
  // Bound 2: a sends both and ends; c waits on the ended a.
  expect_oracle(text, 2, expected("violation", 3, 2, {{"unconnected (a, c)", 2}}));
}

TEST(OracleKinds, IdleRoleIsNotStuck) {
  // a connects to one of b and c; the other stays idle: verified. Configurations: the start, and
  // for each choice four (after the connect; a, b or both disconnected).
  expect_oracle(
      "explicit local system I { a: +{ b!!x().b#.end ; c!!x().c#.end }; b: a??x().a#.end; c: a??x().a#.end; "
      "}",
      1, expected("verified", 9, 10));
}

TEST(OracleKinds, AServerBackAtItsAcceptIsIdle) {
  // The contract's revised idle rule: a role back in its initial state, which only accepts, is
  // idle, also after a loop brought it there (FASE'17's Discon).
  expect_oracle("explicit local system Server { a: mu t.b??x().t; b: a!!x().end; }", 1,
                expected("verified", 2, 1));
  // The same loop unfolded once: the copy of the initial state rests too.
  expect_oracle("explicit local system Server { a: b??x().mu t.b??x().t; b: a!!x().end; }", 1,
                expected("verified", 2, 1));
}

TEST(OracleKinds, AServerWaitingAtAnotherAcceptIsNotIdle) {
  // a's loop waits at an accept that is not its initial one (the initial one takes `hello`).
  expect_oracle("explicit local system Server { a: b??hello().mu t.b??x().t; b: a!!hello().end; }", 1,
                expected("violation", 2, 1, {{"unfinished-role (a)", 1}}));
}

TEST(OracleKinds, PayloadsCompareWithoutBlanks) {
  expect_oracle("local system M { a: b!m(map<string, list<int>>).end; b: a?m(map<string,list< int >>).end; }",
                1, expected("verified", 3, 2));
}

TEST(OracleIssue16, VacuousMuIsTheVariableNotEnd) {
  // b loops to t0 after y; a has ended, so b waits on a role it is not connected to.
  expect_oracle("local system A { a : mu t0.b!y().end; b : mu t0.a?y().mu v.t0; }", 1,
                expected("violation", 3, 2, {{"unconnected (a, b)", 2}}));
}

TEST(OracleIssue16, VacuousMuInAChoiceIsSafe) {
  expect_oracle(
      "local system B { a : mu t0.+{ b!x().mu t1.t0 ; b!y().end }; b : mu t0.+{ a?x().t0 ; a?y().end }; }", 1,
      expected("verified", 4, 4));
}

TEST(OracleIssue16, NestedMusAreOneState) {
  // The same system as above with `mu t0.mu t1.` heads: the same configurations.
  expect_oracle(
      "local system B { a : mu t0.mu t1.+{ b!x().t1 ; b!y().end }; b : mu t0.mu t1.+{ a?x().t0 ; a?y().end "
      "}; }",
      1, expected("verified", 4, 4));
}

TEST(OracleIssue16, GtypeAgrees) {
  // The two systems of the issue, through gtype.
  for (const std::string text :
       {"local system A { a : mu t0.b!y().end; b : mu t0.a?y().mu v.t0; }\n",
        "local system B { a : mu t0.+{ b!x().mu t1.t0 ; b!y().end }; b : mu t0.+{ a?x().t0 ; "
        "a?y().end }; }\n"}) {
    Loaded loaded;
    load(text, loaded);
    ASSERT_EQ(loaded.errors, "");
    const Summary theirs = gtype_summary(gtype::file_automata(loaded.result).front(), 1, false);
    const Summary reduced = gtype_summary(gtype::file_automata(loaded.result).front(), 1, true);
    const Summary ours = oracle_summary(text, 1);
    EXPECT_TRUE(theirs == ours) << text << "gtype:  " << show(theirs) << "oracle: " << show(ours);
    EXPECT_TRUE(same_verdict(reduced, ours))
        << text << "gtype:  " << show(reduced) << "oracle: " << show(ours);
  }
}

std::string parse_error(const std::string& text) { return oracle::parse(text).error; }

TEST(OracleParse, ErrorsSayWhereAndWhat) {
  EXPECT_EQ(parse_error(""), "line 1: no local system");
  EXPECT_EQ(parse_error("global protocol P(role a) {}"), "line 1: expected '[explicit] local system'");
  EXPECT_EQ(parse_error("local system {"), "line 1: expected the name of the local system");
  EXPECT_EQ(parse_error("local system S { a: b!x().end; b: a?x().end;"), "line 1: expected a role or '}'");
  EXPECT_EQ(parse_error("local system S { }"), "line 1: local system 'S' has no role");
  EXPECT_EQ(parse_error("local system S {\n a: t; }"), "line 2: unbound recursion variable 't'");
  EXPECT_EQ(parse_error("local system S { a: b!x(.end; b: end; }"), "line 1: unclosed '(' of a message");
  EXPECT_EQ(parse_error("local system S { a: b!.end; b: end; }"), "line 1: expected a message label");
  EXPECT_EQ(parse_error("local system S { a: b!x() end; b: end; }"), "line 1: expected '.'");
  EXPECT_EQ(parse_error("local system S { a: c!x().end; b: end; }"), "line 1: 'c' is not a role of 'S'");
  EXPECT_EQ(parse_error("local system S { a: end; a: end; }"), "line 1: role 'a' given twice");
  EXPECT_EQ(parse_error("local system S { a: mu .end; }"),
            "line 1: expected a recursion variable after 'mu'");
  EXPECT_EQ(parse_error("local system S { a: +{ end ; }; }"), "line 1: expected a local type");
  EXPECT_EQ(parse_error("local system S { a: end }\n// c\n/* d */ x"),
            "line 3: expected '[explicit] local system'");
}

TEST(OracleParse, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "local system S { a: ";
  for (int i = 0; i < 30'000; ++i) deep += "+{ ";
  EXPECT_EQ(parse_error(deep), "line 1: local type nested too deeply");
}

TEST(OracleParse, UnguardedRecursionIsAnErrorOfTheExploration) {
  // gtype's check rejects these; the oracle says so rather than loop.
  for (const std::string text : {"local system S { a: mu t.t; }", "local system S { a: mu t.mu u.t; }",
                                 "local system S { a: mu t.+{ t ; b!x().end }; b: a?x().end; }"}) {
    const Summary got = oracle_summary(text, 1);
    EXPECT_NE(got.error.find("unguarded recursion"), std::string::npos) << text << show(got);
  }
}

TEST(OracleParse, CommentsLabelsAndForms) {
  const oracle::Parsed parsed = oracle::parse(
      "// two systems\nexplicit local system X { a: b!!.b??1(int).b#.end; /* b */ b: a??.a!!1( int ).a#.end "
      "}\n"
      "local system Y { u: mu u.v!u().u; v: mu t.&{ u?u().t } }");
  ASSERT_EQ(parsed.error, "");
  ASSERT_EQ(parsed.systems.size(), 2u);
  EXPECT_TRUE(parsed.systems[0].explicit_connections);
  EXPECT_FALSE(parsed.systems[1].explicit_connections);
  EXPECT_EQ(parsed.systems[1].roles, (std::vector<std::string>{"u", "v"}));
}

// ------------------------------------------------------------------------------ the program

struct ProgramRun {
  int exit_code = -1;
  std::string out;
};

// gtype-oracle with `arguments` (shell words), its output and error output together.
ProgramRun run_program(const std::string& arguments) {
  ProgramRun run;
  FILE* pipe = popen((std::string(ORACLE_BINARY) + " " + arguments + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// gtype-oracle on a file holding `text`.
ProgramRun run_oracle(const std::string& text, const std::string& arguments) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("oracle_test_" + std::to_string(getpid()) + ".gtype");
  std::ofstream(path) << text;
  ProgramRun run = run_program("'" + path.string() + "' " + arguments);
  std::filesystem::remove(path);
  return run;
}

TEST(OracleProgram, PrintsEachSystemAndExitsByVerdict) {
  const ProgramRun violation = run_oracle(
      "local system A { a : mu t0.b!y().end; b : mu t0.a?y().mu v.t0; }\n"
      "local system B { a : mu t0.+{ b!x().mu t1.t0 ; b!y().end }; b : mu t0.+{ a?x().t0 ; a?y().end }; }\n",
      "");
  EXPECT_EQ(violation.exit_code, 1);
  EXPECT_EQ(violation.out,
            "A: violation, 3 states, 2 transitions\n  unconnected (a, b) after 2 steps\n"
            "B: verified, 4 states, 4 transitions\n");
  const std::string queue =
      "local system Q { a: b!x().b!x().end; b: c?w().a?x().a?x().end; c: a?v().end; }\n";
  const ProgramRun inconclusive = run_oracle(queue, "--bound 1");
  EXPECT_EQ(inconclusive.exit_code, 3);
  EXPECT_EQ(inconclusive.out, "Q: inconclusive, 2 states, 1 transitions (queue bound reached)\n");
  EXPECT_EQ(run_oracle(queue, "--bound 2").exit_code, 1);
  EXPECT_EQ(run_oracle("local system V { a: b!x().end; b: a?x().end; }", "").exit_code, 0);
  const ProgramRun limited = run_oracle("local system V { a: b!x().end; b: a?x().end; }", "--max-states 2");
  EXPECT_EQ(limited.exit_code, 3);
  EXPECT_EQ(limited.out, "V: inconclusive, 2 states, 2 transitions (state limit reached)\n");
}

TEST(OracleProgram, UsageAndParseErrorsExitTwo) {
  EXPECT_EQ(run_oracle("local system V { a: end; }", "--bound 0").exit_code, 2);
  EXPECT_EQ(run_oracle("local system V { a: end; }", "--bound").exit_code, 2);
  EXPECT_EQ(run_oracle("local system V { a: end; }", "--frobnicate").exit_code, 2);
  EXPECT_EQ(run_oracle("local system V { a: end; }", "--max-states x").exit_code, 2);
  const ProgramRun no_file = run_program("");
  EXPECT_EQ(no_file.exit_code, 2);
  EXPECT_NE(no_file.out.find("no file given"), std::string::npos) << no_file.out;
  const ProgramRun missing = run_program("/nonexistent/oracle.gtype");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("cannot read /nonexistent/oracle.gtype"), std::string::npos) << missing.out;
  const ProgramRun parse = run_oracle("local system V { a: t; }", "");
  EXPECT_EQ(parse.exit_code, 2);
  EXPECT_NE(parse.out.find("line 1: unbound recursion variable 't'"), std::string::npos) << parse.out;
  const ProgramRun unguarded = run_oracle("local system V { a: mu t.t; }", "");
  EXPECT_EQ(unguarded.exit_code, 2);
  EXPECT_NE(unguarded.out.find("unguarded recursion"), std::string::npos) << unguarded.out;
}

}  // namespace
