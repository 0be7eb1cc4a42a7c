// SPIN as an oracle for `gtype verify`: the same system, written in Promela by promela_model()
// (verify/promela.cpp), checked by SPIN, must get the same answer to "can a stuck configuration
// be reached?".
//
// Stuck, precisely (explorer_inl.h, semantics.cpp): a reachable configuration where no step is
// possible, some role has neither ended nor stayed idle, and no role waits to send into a full
// queue (that one the contract calls `inconclusive`, the bound reached, not a violation; the
// Promela model excuses it in the same way, BOUND_REACHED). gtype classifies a stuck
// configuration as `deadlock` (roles wait for each other in a cycle) or `unfinished-role`,
// except when the same configuration shows an `unconnected`, `reception-error`,
// `synchronisation-error` or `connection-error`: then only that violation is reported (a role
// whose queue head matches nothing it can receive is, for SPIN, simply stuck). Those four can
// also show in configurations that are not stuck, so from gtype's verdict:
//   definite = deadlock or unfinished-role reported      => a stuck configuration is reachable
//   explains = one of the four other kinds reported
//   neither                                              => no stuck configuration is reachable
// (orphan-message and the progress kinds say nothing either way; liveness is not checked here).
// Each system is checked twice by SPIN when needed:
//   * the model with EXPLAINED (PromelaOptions::excuse_explained): its watchdog also excuses a
//     stuck configuration showing one of the four; it fails exactly when gtype must report
//     deadlock or unfinished-role, so  SPIN(EXPLAINED) fails  <=>  definite;
//   * the plain model (what `gtype promela` prints), only when the first passed (otherwise it
//     fails too, on the same configuration):  SPIN(plain) fails  =>  definite or explains. The
//     random tests skip it where gtype reports one of the four (it could not contradict gtype).
// gtype's answer is the same with partial-order reduction (the default) and without it, or the
// test fails: so SPIN checks the reduced search as well as the full one.
// A SPIN "invalid end state" is always a bug of the model (roles block at `end:` labels and
// the watchdog ends), and so is an error count other than 0 or 1.
//
// Tests: hand-written systems (tests/spin/systems.gtype: a minimal example of each violation
// kind and fine variants, explicit and not) and the four protocols of protocols/, at bounds 1
// and 2, with the expected stuck answer and gtype verdict written down; then RapidCheck
// properties on random well-formed local systems (2 to 4 roles, sends, receives, connects,
// accepts, disconnects, choices, recursion; 30 cases, SPIN_ORACLE_CASES to change) and random
// projected protocols (10 cases). Each SPIN run compiles pan.c (gcc -O0, about 0.2 s). Every test
// is skipped when `spin` or `gcc` is not installed.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <stdlib.h>  // mkdtemp

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtype/automaton.h"
#include "gtype/file_automata.h"
#include "gtype/frontend.h"
#include "gtype/print.h"
#include "gtype/promela.h"
#include "gtype/verify.h"
#include "random_local_system.h"
#include "random_protocol.h"

namespace {

namespace fs = std::filesystem;
using gtype::AutomatonSystem;
using gtype::ViolationKind;

bool spin_installed() {
  static const bool installed =
      std::system("command -v spin >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1") == 0;
  return installed;
}

// A fresh directory under the system's temporary directory, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "gtype-spin-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// ------------------------------------------------------------------------------ running SPIN

struct SpinRun {
  std::string problem;  // non-empty when SPIN could not give an answer, or gave a wrong kind
  bool violated = false;
  std::string log;  // pan's output
};

SpinRun run_spin(const std::string& model, const fs::path& dir) {
  SpinRun run;
  for (const char* old : {"model.pml", "pan", "pan.c", "pan.log", "spin.log", "gcc.log", "model.pml.trail"}) {
    std::error_code ignored;
    fs::remove(dir / old, ignored);
  }
  write_text(dir / "model.pml", model);
  const std::string cd = "cd '" + dir.string() + "' && ";
  if (std::system((cd + "spin -a model.pml >spin.log 2>&1").c_str()) != 0) {
    run.problem = "spin -a failed:\n" + read_text(dir / "spin.log");
    return run;
  }
  if (std::system((cd + "gcc -O0 -DSAFETY -o pan pan.c >gcc.log 2>&1").c_str()) != 0) {
    run.problem = "gcc pan.c failed:\n" + read_text(dir / "gcc.log");
    return run;
  }
  [[maybe_unused]] const int status = std::system((cd + "./pan -m200000 -w18 >pan.log 2>&1").c_str());
  run.log = read_text(dir / "pan.log");
  std::smatch errors;
  if (!std::regex_search(run.log, errors, std::regex(R"(errors: (\d+))"))) {
    run.problem = "pan printed no error count:\n" + run.log;
    return run;
  }
  const int count = std::stoi(errors[1]);
  if (run.log.find("max search depth too small") != std::string::npos) {
    run.problem = "pan: max search depth too small:\n" + run.log;
  } else if (std::regex_search(run.log, std::regex(R"(pan:\d+: invalid end state)"))) {
    run.problem = "pan: invalid end state (a bug of the model):\n" + run.log;
  } else if (count > 1 || (count == 1 && run.log.find("assertion violated") == std::string::npos)) {
    run.problem = "pan: unexpected errors:\n" + run.log;
  }
  run.violated = count == 1;
  return run;
}

// ------------------------------------------------------------------------------ gtype's side

// Every protocol (projected) and local system of a file, as `gtype` builds them; `errors`
// says why there are none.
std::vector<AutomatonSystem> load_systems(const std::string& path, std::string& errors) {
  gtype::SourceManager sources;
  gtype::DiagnosticEngine diagnostics(sources);
  gtype::FrontendResult result;
  const gtype::Status status = gtype::analyze_file(path, sources, diagnostics, result);
  std::vector<AutomatonSystem> systems;
  if (!status.ok()) {
    errors = status.message();
    return systems;
  }
  if (diagnostics.has_errors()) {
    std::ostringstream out;
    diagnostics.print(out);
    errors = out.str();
    return systems;
  }
  systems = gtype::file_automata(result);
  return systems;
}

bool reports(const gtype::VerifyResult& result, ViolationKind kind) {
  for (const gtype::Violation& v : result.violations) {
    if (v.kind == kind) return true;
  }
  return false;
}

// The verdict in one line: the kinds reported, sorted, or "verified" / "inconclusive".
std::string summary(const gtype::VerifyResult& result) {
  std::set<std::string> kinds;
  for (const gtype::Violation& v : result.violations) kinds.insert(gtype::violation_name(v.kind));
  if (kinds.empty()) return gtype::verdict_name(result.verdict);
  std::string out;
  for (const std::string& kind : kinds) out += (out.empty() ? "" : ",") + kind;
  return out;
}

std::string describe(const gtype::VerifyResult& result) {
  std::ostringstream out;
  out << "gtype verify: " << gtype::verdict_name(result.verdict) << ", " << result.states << " states\n";
  for (const gtype::Violation& v : result.violations) {
    out << "  " << gtype::violation_name(v.kind) << ": " << v.detail << "\n";
    for (const gtype::TraceStep& step : v.trace) out << "    " << gtype::describe_step(step) << "\n";
  }
  return out.str();
}

std::string describe(const AutomatonSystem& system) {
  std::ostringstream out;
  out << (system.explicit_connections ? "explicit " : "") << "system " << system.name << " {\n";
  for (const gtype::Automaton& m : system.machines) {
    out << "  " << m.role << ": " << gtype::print_local_type(*m.states[0].type) << ";\n";
  }
  return out.str() + "}\n";
}

// ------------------------------------------------------------------------------ the comparison

struct Comparison {
  std::string failure;  // empty when gtype and SPIN agree
  std::string gtype_summary;
  bool stuck = false;     // SPIN: a stuck configuration is reachable (plain model)
  bool definite = false;  // gtype reports deadlock or unfinished-role
  bool explains = false;  // gtype reports unconnected, reception, synchronisation or connection errors
};

// `always_plain`: run the plain model even where its answer cannot contradict gtype (the first
// model passed and gtype reports one of the four explaining kinds), to learn whether it is stuck.
Comparison compare(const AutomatonSystem& system, std::uint32_t bound, const fs::path& dir,
                   bool always_plain) {
  Comparison c;
  gtype::VerifyOptions options;
  options.bound = bound;
  options.liveness = false;  // only safety is compared
  const gtype::VerifyResult result = gtype::verify_system(system, options);
  c.gtype_summary = summary(result);
  // The same answer with and without partial-order reduction (the default is with), so SPIN
  // checks both.
  options.reduction = false;
  const gtype::VerifyResult unreduced = gtype::verify_system(system, options);
  if (summary(unreduced) != c.gtype_summary) {
    c.failure = "partial-order reduction changes gtype's answer: " + c.gtype_summary + " with, " +
                summary(unreduced) + " without\nbound " + std::to_string(bound) + "\n" + describe(system) +
                describe(result) + describe(unreduced);
    return c;
  }
  c.definite = reports(result, ViolationKind::kDeadlock) || reports(result, ViolationKind::kUnfinishedRole);
  c.explains = reports(result, ViolationKind::kUnconnected) ||
               reports(result, ViolationKind::kReceptionError) ||
               reports(result, ViolationKind::kSynchronisationError) ||
               reports(result, ViolationKind::kConnectionError);

  gtype::PromelaOptions promela;
  promela.bound = bound;
  promela.excuse_explained = true;
  const std::string exact_model = gtype::promela_model(system, promela);
  const SpinRun exact = run_spin(exact_model, dir);
  const std::string context = "bound " + std::to_string(bound) + "\n" + describe(system) + describe(result);
  if (!exact.problem.empty()) {
    c.failure = exact.problem + "\nmodel:\n" + exact_model + context;
    return c;
  }
  if (exact.violated != c.definite) {
    c.failure =
        std::string(exact.violated ? "SPIN reaches a stuck configuration gtype would report as deadlock or "
                                     "unfinished-role, but gtype does not"
                                   : "gtype reports deadlock or unfinished-role, SPIN reaches no such "
                                     "configuration") +
        "\n" + context + "SPIN:\n" + exact.log + "\nmodel:\n" + exact_model;
    return c;
  }
  c.stuck = exact.violated;
  if (!exact.violated && (always_plain || !c.explains)) {
    promela.excuse_explained = false;
    const std::string plain_model = gtype::promela_model(system, promela);
    const SpinRun plain = run_spin(plain_model, dir);
    if (!plain.problem.empty()) {
      c.failure = plain.problem + "\nmodel:\n" + plain_model + context;
      return c;
    }
    c.stuck = plain.violated;
    if (plain.violated && !c.explains) {
      c.failure = "SPIN reaches a stuck configuration, gtype reports no violation that explains it\n" +
                  context + "SPIN:\n" + plain.log + "\nmodel:\n" + plain_model;
    }
  }
  return c;
}

// ------------------------------------------------------------------------------ hand-written

struct Expected {
  const char* file;    // relative to the source tree
  const char* system;  // protocol or local system
  std::uint32_t bound;
  bool stuck;           // a stuck configuration is reachable
  const char* verdict;  // summary(): kinds reported (no liveness), or verified / inconclusive
};

void PrintTo(const Expected& e, std::ostream* out) {
  *out << e.system << " (" << e.file << ") at bound " << e.bound;
}

class SpinOracleHandWritten : public testing::TestWithParam<Expected> {};

TEST_P(SpinOracleHandWritten, AgreesWithGtype) {
  if (!spin_installed()) GTEST_SKIP() << "spin or gcc is not installed";
  const Expected e = GetParam();
  std::string errors;
  const std::vector<AutomatonSystem> systems = load_systems(std::string(SOURCE_DIR) + "/" + e.file, errors);
  ASSERT_EQ(errors, "");
  const AutomatonSystem* system = nullptr;
  for (const AutomatonSystem& s : systems) {
    if (s.name == e.system) system = &s;
  }
  ASSERT_NE(system, nullptr) << e.system << " not in " << e.file;
  ScratchDir dir;
  const Comparison c = compare(*system, e.bound, dir.path(), true);
  EXPECT_EQ(c.failure, "");
  EXPECT_EQ(c.gtype_summary, e.verdict);
  EXPECT_EQ(c.stuck, e.stuck) << "SPIN's answer is not the expected one";
}

constexpr const char* kSystems = "tests/spin/systems.gtype";

std::vector<Expected> hand_written() {
  std::vector<Expected> all;
  for (std::uint32_t bound : {1u, 2u}) {
    const std::vector<Expected> cases = {
        {kSystems, "Deadlock", bound, true, "deadlock"},
        {kSystems, "Ring", bound, true, "deadlock"},
        {kSystems, "DeadlockExplicit", bound, true, "deadlock"},
        {kSystems, "UnfinishedRole", bound, true, "unfinished-role"},
        {kSystems, "ReenteredInitialState", bound, false, "verified"},
        {kSystems, "ReenteredCopy", bound, false, "verified"},
        {kSystems, "WaitsAtAnotherAccept", bound, true, "unfinished-role"},
        {kSystems, "UnconnectedReceive", bound, true, "unconnected"},
        {kSystems, "UnconnectedSend", bound, true, "unconnected"},
        {kSystems, "EndDisconnects", bound, true, "unconnected"},
        {kSystems, "SendToEnded", bound, true, "unconnected"},
        {kSystems, "ReceptionError", bound, true, "reception-error"},
        {kSystems, "SynchronisationError", bound, true, "synchronisation-error"},
        {kSystems, "ConnectionError", bound, true, "connection-error"},
        {kSystems, "OrphanMessage", bound, false, "orphan-message"},
        {kSystems, "BoundReached", bound, false, bound == 1 ? "inconclusive" : "verified"},
        {kSystems, "Loop", bound, false, "verified"},
        {kSystems, "Reconnect", bound, false, "verified"},
        {kSystems, "IdleNeverJoins", bound, false, "verified"},
        {kSystems, "Session", bound, false, "verified"},
        {"protocols/health_check.gtype", "HealthCheck", bound, false, "verified"},
        {"protocols/cluster_formation.gtype", "ClusterFormation", bound, false, "verified"},
        {"protocols/idempotency_check.gtype", "IdempotencyCheck", bound, false, "verified"},
        {"protocols/list_detail.gtype", "ListDetail", bound, false, "verified"},
    };
    all.insert(all.end(), cases.begin(), cases.end());
  }
  return all;
}

INSTANTIATE_TEST_SUITE_P(Spin, SpinOracleHandWritten, testing::ValuesIn(hand_written()),
                         [](const testing::TestParamInfo<Expected>& info) {
                           return std::string(info.param.system) + "_bound" +
                                  std::to_string(info.param.bound);
                         });

// ------------------------------------------------------------------------------ random systems

// Uniform in [low, high], shrinking towards low (see random_protocol.cpp).
int pick(int low, int high) { return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(low, high + 1)); }

std::string category(const Comparison& c) {
  if (c.definite) return "stuck: deadlock or unfinished-role";
  if (c.explains) return "no deadlock or unfinished-role; other violations (stuck or not: not compared)";
  return "not stuck";
}

int cases(int fallback) {
  const char* text = std::getenv("SPIN_ORACLE_CASES");
  return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : fallback;
}

// Runs a property with `count` cases (each compiles pan.c, so fewer than RapidCheck's 100).
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

TEST(SpinOracleRandom, LocalSystemsAgree) {
  if (!spin_installed()) GTEST_SKIP() << "spin or gcc is not installed";
  ScratchDir dir;
  check_cases(
      [&] {
        const std::string text = gtype_test::random_local_system_text();
        RC_LOG() << text;
        write_text(dir.path() / "random.gtype", text);
        std::string errors;
        const std::vector<AutomatonSystem> systems =
            load_systems((dir.path() / "random.gtype").string(), errors);
        if (!errors.empty())
          RC_FAIL("the generator made a system that is not well-formed:\n" + errors + text);
        RC_ASSERT(systems.size() == 1u);
        const auto bound = static_cast<std::uint32_t>(pick(1, 2));
        const Comparison c = compare(systems.front(), bound, dir.path(), false);
        if (!c.failure.empty()) RC_FAIL(c.failure);
        RC_TAG(category(c));
      },
      cases(30));
}

TEST(SpinOracleRandom, ProjectedProtocolsAgree) {
  if (!spin_installed()) GTEST_SKIP() << "spin or gcc is not installed";
  ScratchDir dir;
  check_cases(
      [&] {
        const gtype_test::RandomFile random = *gtype_test::random_file();
        const std::string text = gtype::print_file(random.file, gtype::Spelling::kArrow);
        RC_LOG() << text;
        write_text(dir.path() / "random.gtype", text);
        std::string errors;
        const std::vector<AutomatonSystem> systems =
            load_systems((dir.path() / "random.gtype").string(), errors);
        // Some random protocols do not project (random_protocol.h): nothing to compare then.
        RC_PRE(errors.empty() && !systems.empty());
        const auto bound = static_cast<std::uint32_t>(pick(1, 2));
        const Comparison c = compare(systems.front(), bound, dir.path(), false);
        if (!c.failure.empty()) RC_FAIL(c.failure);
        RC_TAG(category(c));
      },
      cases(30) / 3);
}

}  // namespace
