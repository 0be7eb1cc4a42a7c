// The verifier (verify/) against the contract's section 2, through the library API.
//
// For each kind of violation: a minimal system that has it, with the kind, the roles and the
// exact shortest trace (in describe_step's words), and a close one that verifies. Systems are
// written as local systems (bottom-up) or as global protocols (top-down, through projection),
// loaded from a temporary file the way `gtype verify` loads them. Then: the four protocols of
// protocols/, their unmended thesis variants, the queue bound and the state limit
// (inconclusive), the connect/accept step, `end`, idle roles, explicit and non-explicit
// systems, fair liveness on loops, and determinism.
//
// Every expected trace below was checked by hand to be a shortest one: each of its steps is
// needed before the violation can show.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "gtype/automaton.h"
#include "gtype/frontend.h"
#include "gtype/verify.h"

namespace {

namespace fs = std::filesystem;
using gtype::Verdict;
using gtype::VerifyOptions;
using gtype::VerifyResult;
using gtype::Violation;
using gtype::ViolationKind;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;

// A folder of its own for the current test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
    static int made = 0;  // several in one test stay apart
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    path_ = fs::temp_directory_path() /
            ("gtype_verify_test_" + std::to_string(::getpid()) + "_" + name + "_" + std::to_string(++made));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in && !out.str().empty()) throw std::runtime_error("cannot read " + path.string());
  return out.str();
}

// Every protocol (through its projections) and every local system of a file, as automata, the
// way `gtype verify` builds them. Throws (failing the test) on any diagnostic.
std::vector<gtype::AutomatonSystem> load_file(const fs::path& file) {
  gtype::SourceManager sources;
  gtype::DiagnosticEngine diagnostics(sources);
  gtype::FrontendResult result;
  const gtype::Status status = gtype::analyze_file(file.string(), sources, diagnostics, result);
  if (!status.ok()) throw std::runtime_error("cannot load " + file.string() + ": " + status.message());
  if (diagnostics.has_errors()) {
    std::ostringstream errors;
    diagnostics.print(errors);
    throw std::runtime_error("errors in " + file.string() + ":\n" + errors.str());
  }
  std::vector<gtype::AutomatonSystem> systems;
  for (const gtype::ProtocolProjection& projection : result.projections) {
    std::vector<gtype::RoleType> roles;
    for (const gtype::RoleProjection& role : projection.roles) roles.push_back({role.role, role.type});
    systems.push_back(gtype::build_automata(projection.protocol->name.text,
                                            projection.protocol->explicit_connections, roles));
  }
  for (const gtype::LocalSystem& system : result.program.files.front().local_systems) {
    std::vector<gtype::RoleType> roles;
    for (const gtype::LocalRole& role : system.roles) roles.push_back({role.role.text, role.type});
    systems.push_back(gtype::build_automata(system.name.text, system.explicit_connections, roles));
  }
  return systems;
}

// The one protocol or local system that `text` declares.
gtype::AutomatonSystem load_one(const std::string& text) {
  TempDir dir;
  std::vector<gtype::AutomatonSystem> systems = load_file(dir.write("system.gtype", text));
  if (systems.size() != 1) throw std::runtime_error("expected one system in:\n" + text);
  return std::move(systems.front());
}

// Without partial-order reduction: these tests pin the contract's semantics, with its counts and
// shortest traces among all executions (reduction has tests of its own, VerifyReduction).
VerifyResult verify(const gtype::AutomatonSystem& system, std::uint32_t bound = 1) {
  VerifyOptions options;
  options.bound = bound;
  options.reduction = false;
  return gtype::verify_system(system, options);
}

VerifyResult verify_text(const std::string& text, std::uint32_t bound = 1) {
  return verify(load_one(text), bound);
}

std::vector<std::string> steps(const Violation& v) {
  std::vector<std::string> out;
  for (const gtype::TraceStep& step : v.trace) out.push_back(gtype::describe_step(step));
  return out;
}

// The whole result in words, for failure messages.
std::string show(const VerifyResult& r) {
  std::ostringstream out;
  out << gtype::verdict_name(r.verdict) << " (bound " << r.bound << "): " << r.states << " states, "
      << r.transitions << " transitions";
  if (!r.inconclusive_reason.empty()) out << "; inconclusive: " << r.inconclusive_reason;
  for (const Violation& v : r.violations) {
    out << "\n  " << gtype::violation_name(v.kind) << " (";
    for (std::size_t i = 0; i < v.roles.size(); ++i) out << (i ? ", " : "") << v.roles[i];
    out << "): " << v.detail;
    for (const std::string& step : steps(v)) out << "\n    " << step;
  }
  return out.str();
}

// The violation of `kind`, or null.
const Violation* find(const VerifyResult& r, ViolationKind kind) {
  for (const Violation& v : r.violations) {
    if (v.kind == kind) return &v;
  }
  return nullptr;
}

// The result is a violation, of `kind` only, about `roles`, reached by `trace`.
void expect_only(const VerifyResult& r, ViolationKind kind, const std::vector<std::string>& roles,
                 const std::vector<std::string>& trace) {
  EXPECT_EQ(r.verdict, Verdict::kViolation) << show(r);
  ASSERT_EQ(r.violations.size(), 1u) << show(r);
  const Violation& v = r.violations.front();
  EXPECT_EQ(v.kind, kind) << show(r);
  EXPECT_EQ(v.roles, roles) << show(r);
  EXPECT_EQ(steps(v), trace) << show(r);
  EXPECT_FALSE(v.detail.empty());
}

void expect_verified(const VerifyResult& r) {
  EXPECT_EQ(r.verdict, Verdict::kVerified) << show(r);
  EXPECT_THAT(r.violations, IsEmpty()) << show(r);
  EXPECT_TRUE(r.inconclusive_reason.empty()) << show(r);
}

// ------------------------------------------------------------------------------ words

TEST(VerifyWords, DescribeStepInTheContractsWords) {
  using gtype::ActionKind;
  EXPECT_EQ(gtype::describe_step({ActionKind::kSend, "user", "state", "quit"}), "user -> state : quit");
  EXPECT_EQ(gtype::describe_step({ActionKind::kReceive, "state", "user", "quit"}), "state ? user : quit");
  EXPECT_EQ(gtype::describe_step({ActionKind::kConnect, "nodes", "state", "active"}),
            "nodes ->> state : active");
  EXPECT_EQ(gtype::describe_step({ActionKind::kConnect, "a", "b", ""}), "a ->> b");
  EXPECT_EQ(gtype::describe_step({ActionKind::kDisconnect, "a", "b", ""}), "disconnect a, b");
}

TEST(VerifyWords, KindAndVerdictNames) {
  EXPECT_STREQ(gtype::violation_name(ViolationKind::kReceptionError), "reception-error");
  EXPECT_STREQ(gtype::violation_name(ViolationKind::kUnconnected), "unconnected");
  EXPECT_STREQ(gtype::violation_name(ViolationKind::kConnectionError), "connection-error");
  EXPECT_STREQ(gtype::violation_name(ViolationKind::kSynchronisationError), "synchronisation-error");
  EXPECT_STREQ(gtype::violation_name(ViolationKind::kDeadlock), "deadlock");
  EXPECT_STREQ(gtype::violation_name(ViolationKind::kUnfinishedRole), "unfinished-role");
  EXPECT_STREQ(gtype::violation_name(ViolationKind::kOrphanMessage), "orphan-message");
  EXPECT_STREQ(gtype::violation_name(ViolationKind::kRoleProgress), "role-progress");
  EXPECT_STREQ(gtype::violation_name(ViolationKind::kEventualReception), "eventual-reception");
  EXPECT_STREQ(gtype::verdict_name(Verdict::kVerified), "verified");
  EXPECT_STREQ(gtype::verdict_name(Verdict::kViolation), "violation");
  EXPECT_STREQ(gtype::verdict_name(Verdict::kInconclusive), "inconclusive");
}

// ------------------------------------------------------------------------------ reception-error

TEST(VerifyKinds, ReceptionError) {
  // b expects y, a sends x: once x is at the head, b can receive nothing.
  expect_only(verify_text(R"(local system S {
                               a : b!x().end;
                               b : a?y().end;
                             })"),
              ViolationKind::kReceptionError, {"a", "b"}, {"a -> b : x"});
}

TEST(VerifyKinds, ReceptionErrorInOneBranchOfAChoice) {
  // a may send z, which b's external choice does not offer.
  expect_only(verify_text(R"(local system S {
                               a : +{ b!x().end ; b!z().end };
                               b : +{ a?x().end ; a?y().end };
                             })"),
              ViolationKind::kReceptionError, {"a", "b"}, {"a -> b : z"});
}

TEST(VerifyKinds, NoReceptionErrorWhenEveryLabelIsOffered) {
  expect_verified(verify_text(R"(local system S {
                                   a : +{ b!x().end ; b!y().end };
                                   b : +{ a?x().end ; a?y().end };
                                 })"));
}

// ------------------------------------------------------------------------------ unconnected

TEST(VerifyKinds, UnconnectedSendBeforeAnyConnection) {
  // In an explicit system a pair must connect before `!`.
  const VerifyResult r = verify_text(R"(explicit local system S {
                                          a : b!x().end;
                                          b : a?x().end;
                                        })");
  expect_only(r, ViolationKind::kUnconnected, {"a", "b"}, {});
  EXPECT_THAT(r.violations.front().detail, HasSubstr("send"));
}

TEST(VerifyKinds, UnconnectedReceiveAfterThePeerEnded) {
  // a ends right after connecting, which disconnects it: b waits for y from a peer it is not
  // connected to.
  const VerifyResult r = verify_text(R"(explicit local system S {
                                          a : b!!x().end;
                                          b : a??x().a?y().end;
                                        })");
  expect_only(r, ViolationKind::kUnconnected, {"a", "b"}, {"a ->> b : x"});
  EXPECT_THAT(r.violations.front().detail, HasSubstr("waits"));
}

TEST(VerifyKinds, UnconnectedTopDownThroughADroppedBranch) {
  // b does nothing in the second branch, so its projection (a??go.a?x.end) waits for x there;
  // a ends after connecting c.
  expect_only(verify_text(R"(explicit global protocol P(role a, role b, role c) {
                               a ->> b : go();
                               choice at a {
                                 a -> b : x();
                               } or {
                                 a ->> c : y();
                               }
                             })"),
              ViolationKind::kUnconnected, {"a", "b"}, {"a ->> b : go", "a ->> c : y"});
}

TEST(VerifyKinds, ConnectedExplicitSystemVerifies) {
  expect_verified(verify_text(R"(explicit local system S {
                                   a : b!!x().b!y().b?z().end;
                                   b : a??x().a?y().a!z().end;
                                 })"));
}

// ------------------------------------------------------------------------------ connection-error

TEST(VerifyKinds, ConnectionError) {
  expect_only(verify_text(R"(explicit local system S {
                               a : b!!x().b!!y().end;
                               b : a??x().a??y().end;
                             })"),
              ViolationKind::kConnectionError, {"a", "b"}, {"a ->> b : x"});
}

TEST(VerifyKinds, ReconnectAfterDisconnectVerifies) {
  // Disconnect is each role's own step; a cannot connect again before b has disconnected too,
  // since b accepts only then. States: start, connected, a or b disconnected, both, ended.
  const VerifyResult r = verify_text(R"(explicit local system S {
                                          a : b!!x().b#.b!!z().end;
                                          b : a??x().a#.a??z().end;
                                        })");
  expect_verified(r);
  EXPECT_EQ(r.states, 6u);
  EXPECT_EQ(r.transitions, 6u);
}

TEST(VerifyKinds, DisconnectStepInATrace) {
  // a disconnects from b, then sends to it.
  expect_only(verify_text(R"(explicit local system S {
                               a : b!!x().b#.b!y().end;
                               b : a??x().a#.end;
                             })"),
              ViolationKind::kUnconnected, {"a", "b"}, {"a ->> b : x", "disconnect a, b"});
}

// ------------------------------------------------------------------------------ synchronisation-error

TEST(VerifyKinds, SynchronisationError) {
  // b accepts from a, but not with x.
  expect_only(verify_text(R"(explicit local system S {
                               a : b!!x().end;
                               b : a??y().end;
                             })"),
              ViolationKind::kSynchronisationError, {"a", "b"}, {});
}

TEST(VerifyKinds, SynchronisationErrorInOneBranch) {
  expect_only(verify_text(R"(explicit local system S {
                               a : c!!go().+{ b!!x().end ; b!!z().end };
                               b : a??x().end;
                               c : a??go().end;
                             })"),
              ViolationKind::kSynchronisationError, {"a", "b"}, {"a ->> c : go"});
}

TEST(VerifyKinds, AcceptOfferingTheLabelVerifies) {
  expect_verified(verify_text(R"(explicit local system S {
                                   a : +{ b!!x().end ; b!!y().end };
                                   b : +{ a??x().end ; a??y().end };
                                 })"));
}

// ------------------------------------------------------------------------------ deadlock

TEST(VerifyKinds, DeadlockAtTheStart) {
  expect_only(verify_text(R"(local system S {
                               a : b?x().b!y().end;
                               b : a?y().a!x().end;
                             })"),
              ViolationKind::kDeadlock, {"a", "b"}, {});
}

TEST(VerifyKinds, DeadlockAfterOthersFinish) {
  // a and b wait for each other once a has sent to c; the configuration is stuck only after c
  // has received, so both steps are needed.
  expect_only(verify_text(R"(local system S {
                               a : c!go().b?x().end;
                               b : a?y().end;
                               c : a?go().end;
                             })"),
              ViolationKind::kDeadlock, {"a", "b"}, {"a -> c : go", "c ? a : go"});
}

TEST(VerifyKinds, DeadlockOfThreeRoles) {
  expect_only(verify_text(R"(local system S {
                               a : c?x().b!y().end;
                               b : a?y().c!z().end;
                               c : b?z().a!x().end;
                             })"),
              ViolationKind::kDeadlock, {"a", "b", "c"}, {});
}

TEST(VerifyKinds, DeadlockThroughAnIdleRole) {
  // After a ->> b: a waits for c to connect, c (idle, never connected) waits for b to connect,
  // b waits for q from a. The cycle runs through an idle role; it is a deadlock all the same.
  expect_only(verify_text(R"(explicit local system S {
                               a : b!!p().c??y().b!q().end;
                               b : a??p().a?q().c!!z().end;
                               c : b??z().a!!y().end;
                             })"),
              ViolationKind::kDeadlock, {"a", "b", "c"}, {"a ->> b : p"});
}

TEST(VerifyKinds, WaitingOnAnIdleRoleThatWaitsElsewhereIsUnfinished) {
  // a waits for c to connect; c is idle and waits for d, which has ended: no cycle.
  expect_only(verify_text(R"(explicit local system S {
                               a : b!!x().c??y().end;
                               b : a??x().end;
                               c : d??z().a!!y().end;
                               d : end;
                             })"),
              ViolationKind::kUnfinishedRole, {"a"}, {"a ->> b : x"});
}

TEST(VerifyKinds, SendFirstDoesNotDeadlock) {
  expect_verified(verify_text(R"(local system S {
                                   a : b!y().b?x().end;
                                   b : a?y().a!x().end;
                                 })"));
}

// ------------------------------------------------------------------------------ unfinished-role

TEST(VerifyKinds, UnfinishedRoleWaitingToAccept) {
  // After connecting b, a waits for c to connect, but c has ended: no cycle, a is stuck.
  expect_only(verify_text(R"(explicit local system S {
                               a : b!!x().c??y().end;
                               b : a??x().end;
                               c : end;
                             })"),
              ViolationKind::kUnfinishedRole, {"a"}, {"a ->> b : x"});
}

TEST(VerifyKinds, UnfinishedRoleTopDown) {
  // a does nothing in the second branch, where c never connects to it.
  expect_only(verify_text(R"(explicit global protocol P(role a, role b, role c) {
                               a ->> b : go();
                               choice at b {
                                 b ->> c : one();
                                 c ->> a : two();
                               } or {
                                 b ->> c : three();
                               }
                             })"),
              ViolationKind::kUnfinishedRole, {"a"}, {"a ->> b : go", "b ->> c : three"});
}

TEST(VerifyKinds, RoleBackInItsAcceptingInitialStateIsIdle) {
  // The revised contract: b's initial state only accepts and is re-entered; back there after a's
  // session, b is idle (a server waiting for its next client), not stuck. (It was
  // `unfinished-role (b)` before issue 10.)
  expect_verified(verify_text(R"(explicit local system S {
                                   a : +{ b!!x().end ; c!!y().end };
                                   b : mu t.a??x().t;
                                   c : a??y().end;
                                 })"));
}

TEST(VerifyKinds, UnfinishedRoleAtAnAcceptOtherThanItsInitialOne) {
  // b's loop accepts z, its initial state x: waiting for z, b is stuck.
  expect_only(verify_text(R"(explicit local system S {
                               a : +{ b!!x().end ; c!!y().end };
                               b : a??x().mu t.a??z().t;
                               c : a??y().end;
                             })"),
              ViolationKind::kUnfinishedRole, {"b"}, {"a ->> b : x"});
}

// The resting states of a machine (automaton/resting.cpp): the initial state when it only
// accepts, and each state that behaves as it.
std::vector<bool> resting_of(const std::string& type) {
  const gtype::AutomatonSystem system = load_one("explicit local system S { a : " + type + "; c : end; }");
  return gtype::resting_states(system.machines.at(0));
}

TEST(VerifySemantics, RestingStates) {
  EXPECT_EQ(resting_of("c??x().c#.end"), (std::vector<bool>{true, false, false}));
  EXPECT_EQ(resting_of("mu t.c??x().c#.t"), (std::vector<bool>{true, false}));
  // Unfolded once: state 2 is the loop's copy of the initial state.
  EXPECT_EQ(resting_of("c??x().c#.mu t.c??x().c#.t"), (std::vector<bool>{true, false, true, false}));
  // The same first action, but not the same behaviour afterwards.
  EXPECT_EQ(resting_of("c??x().c??x().end"), (std::vector<bool>{true, false, false}));
  // An initial state that does more than accept: no rest at all.
  EXPECT_EQ(resting_of("c!!y().c??x().end"), (std::vector<bool>{false, false, false}));
}

// ------------------------------------------------------------------------------ orphan-message

TEST(VerifyKinds, OrphanMessage) {
  // y is sent before b ends (b ends only after c, which a connects after sending y), and b
  // never receives it. Every step is needed for b to end with y queued.
  expect_only(verify_text(R"(explicit local system S {
                               a : b!!x().b!y().c!!w().end;
                               b : a??x().c??v().end;
                               c : a??w().b!!v().end;
                             })"),
              ViolationKind::kOrphanMessage, {"a", "b"},
              {"a ->> b : x", "a -> b : y", "a ->> c : w", "c ->> b : v"});
}

TEST(VerifyKinds, NoOrphanWhenTheMessageIsReceived) {
  expect_verified(verify_text(R"(explicit local system S {
                                   a : b!!x().b!y().c!!w().end;
                                   b : a??x().a?y().c??v().end;
                                   c : a??w().b!!v().end;
                                 })"));
}

// ------------------------------------------------------------------------------ role-progress

TEST(VerifyKinds, RoleProgressOnAnEndlessLoop) {
  // a and b ping-pong forever; c waits for a message that never comes.
  expect_only(verify_text(R"(local system S {
                               a : mu t.b!x().b?y().t;
                               b : mu t.a?x().a!y().t;
                               c : a?never().end;
                             })"),
              ViolationKind::kRoleProgress, {"c"}, {});
}

TEST(VerifyKinds, RoleProgressTraceGoesToTheNearestBottomComponent) {
  // Two endless loops starve b; the one through `r` is reached in two steps, the one through
  // l1, l2 in four. (The search numbers components depth first, through l1 first.)
  expect_only(verify_text(R"(local system S {
                               a : +{ c!l1().c!l2().mu t.c!x().t ; c!r().mu s.c!x().s };
                               b : a?never().end;
                               c : +{ a?l1().a?l2().mu t.a?x().t ; a?r().mu s.a?x().s };
                             })"),
              ViolationKind::kRoleProgress, {"b"}, {"a -> c : r", "c ? a : r"});
}

TEST(VerifyKinds, RoleProgressTopDown) {
  // c's projection is a?hi.end: when a chooses the endless loop with b, c waits forever; b's
  // projection waits for go, which never comes when a chooses hi.
  const VerifyResult r = verify_text(R"(global protocol P(role a, role b, role c) {
                                          choice at a {
                                            a -> b : go();
                                            rec t { a -> b : ping(); continue t; }
                                          } or {
                                            a -> c : hi();
                                          }
                                        })");
  EXPECT_EQ(r.verdict, Verdict::kViolation);
  ASSERT_EQ(r.violations.size(), 2u) << show(r);
  const Violation* unconnected = find(r, ViolationKind::kUnconnected);
  ASSERT_NE(unconnected, nullptr) << show(r);
  EXPECT_THAT(unconnected->roles, ElementsAre("a", "b"));
  EXPECT_THAT(steps(*unconnected), ElementsAre("a -> c : hi"));
  const Violation* progress = find(r, ViolationKind::kRoleProgress);
  ASSERT_NE(progress, nullptr) << show(r);
  EXPECT_THAT(progress->roles, ElementsAre("c"));
  // The loop's bottom component starts once b is in the loop too.
  EXPECT_THAT(steps(*progress), ElementsAre("a -> b : go", "b ? a : go"));
}

TEST(VerifyKinds, FairLoopThatCanExitVerifies) {
  // c waits while a and b loop, but a may always leave the loop: under fair scheduling it
  // does, so c is not starved.
  expect_verified(verify_text(R"(global protocol P(role a, role b, role c) {
                                   rec t {
                                     choice at a {
                                       a -> b : ping(); continue t;
                                     } or {
                                       a -> b : stop(); a -> c : bye();
                                     }
                                   }
                                 })"));
}

TEST(VerifyKinds, EndlessLoopWhereEveryRoleActsVerifies) {
  expect_verified(verify_text(R"(local system S {
                                   a : mu t.b!x().c?z().t;
                                   b : mu t.a?x().c!y().t;
                                   c : mu t.b?y().a!z().t;
                                 })"));
}

TEST(VerifyKinds, LivenessCanBeSwitchedOff) {
  VerifyOptions options;
  options.liveness = false;
  const VerifyResult r = gtype::verify_system(load_one(R"(local system S {
                                                           a : mu t.b!x().b?y().t;
                                                           b : mu t.a?x().a!y().t;
                                                           c : a?never().end;
                                                         })"),
                                              options);
  expect_verified(r);
}

// ------------------------------------------------------------------------------ eventual-reception

TEST(VerifyKinds, EventualReception) {
  // m waits in c's queue forever while c only ever receives from b.
  expect_only(verify_text(R"(local system S {
                               a : c!m().mu t.b!x().t;
                               b : mu t.a?x().c!y().t;
                               c : mu t.b?y().t;
                             })"),
              ViolationKind::kEventualReception, {"a", "c"}, {"a -> c : m"});
}

TEST(VerifyKinds, MessageReceivedBeforeTheLoopVerifies) {
  expect_verified(verify_text(R"(local system S {
                                   a : c!m().mu t.b!x().t;
                                   b : mu t.a?x().c!y().t;
                                   c : a?m().mu t.b?y().t;
                                 })"));
}

// ------------------------------------------------------------------------------ the protocols

class VerifyProtocols : public testing::TestWithParam<const char*> {};

TEST_P(VerifyProtocols, Verified) {
  const std::vector<gtype::AutomatonSystem> systems =
      load_file(fs::path(SOURCE_DIR) / "protocols" / (std::string(GetParam()) + ".gtype"));
  ASSERT_EQ(systems.size(), 1u);
  const VerifyResult r = verify(systems.front());
  expect_verified(r);
  EXPECT_GT(r.states, 1u);
  EXPECT_GT(r.transitions, 0u);
}

INSTANTIATE_TEST_SUITE_P(Verify, VerifyProtocols,
                         testing::Values("health_check", "cluster_formation", "idempotency_check",
                                         "list_detail"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

// A protocol of protocols/ with its mend lines taken out, next to a copy of sorts.gtype.
std::vector<gtype::AutomatonSystem> unmended(const TempDir& dir, const std::string& protocol,
                                             const std::vector<std::string>& mend_lines) {
  const fs::path protocols = fs::path(SOURCE_DIR) / "protocols";
  dir.write("sorts.gtype", read_text(protocols / "sorts.gtype"));
  std::string text = read_text(protocols / protocol);
  for (const std::string& line : mend_lines) {
    const std::size_t at = text.find(line);
    if (at == std::string::npos) throw std::runtime_error(protocol + " has no line '" + line + "'");
    text.erase(at, line.size());
  }
  return load_file(dir.write(protocol, text));
}

TEST(VerifyThesis, ClusterFormationWithoutQuitToNodesLeavesNodesWaiting) {
  // The thesis's G2: after `user -> state : quit`, state ends; nodes, connected to state since
  // the start, waits in the loop for ids or query from a peer no longer connected.
  TempDir dir;
  const auto systems = unmended(dir, "cluster_formation.gtype", {"state -> nodes : quit();"});
  ASSERT_EQ(systems.size(), 1u);
  expect_only(
      verify(systems.front()), ViolationKind::kUnconnected, {"state", "nodes"},
      {"user ->> state : query", "state ->> nodes : query", "nodes -> state : resp", "state ? nodes : resp",
       "state -> user : resp", "user ? state : resp", "user -> state : quit", "state ? user : quit"});
}

TEST(VerifyThesis, IdempotencyCheckWithoutSeenLeavesIstorageWaiting) {
  // The thesis's G3: when the request was seen, istorage still waits for mstorage to connect
  // (save), which never happens. The configuration is stuck once user, service and log are done.
  TempDir dir;
  const auto systems = unmended(dir, "idempotency_check.gtype",
                                {"service -> istorage : seen();", "service -> istorage : not_seen();"});
  ASSERT_EQ(systems.size(), 1u);
  expect_only(verify(systems.front()), ViolationKind::kUnfinishedRole, {"istorage"},
              {"user ->> service : create", "service -> user : ok", "user ? service : ok",
               "service ->> istorage : try", "istorage -> service : resp", "service ? istorage : resp",
               "service ->> log : done"});
}

// ------------------------------------------------------------------------------ inconclusive

constexpr const char* kNeedsTwoSlots = R"(local system S {
                                            a : b!x().b!y().b?u().b?v().end;
                                            b : a!u().a!v().a?x().a?y().end;
                                          })";

TEST(VerifyInconclusive, StuckOnlyOnFullQueuesWithBoundOne) {
  // With K = 1 both send once, then each waits for room in a full queue: no step, but only the
  // bound stops them. With K = 2 both send twice, then receive.
  const gtype::AutomatonSystem system = load_one(kNeedsTwoSlots);
  const VerifyResult one = verify(system, 1);
  EXPECT_EQ(one.verdict, Verdict::kInconclusive) << show(one);
  EXPECT_THAT(one.violations, IsEmpty()) << show(one);
  EXPECT_THAT(one.inconclusive_reason, HasSubstr("bound"));
  EXPECT_EQ(one.bound, 1u);
  expect_verified(verify(system, 2));
}

TEST(VerifyInconclusive, StateLimit) {
  const std::vector<gtype::AutomatonSystem> systems =
      load_file(fs::path(SOURCE_DIR) / "protocols" / "cluster_formation.gtype");
  ASSERT_EQ(systems.size(), 1u);
  const VerifyResult full = verify(systems.front());
  expect_verified(full);

  VerifyOptions options;
  options.reduction = false;  // the same graph as `full`
  options.max_states = full.states - 1;
  const VerifyResult cut = gtype::verify_system(systems.front(), options);
  EXPECT_EQ(cut.verdict, Verdict::kInconclusive) << show(cut);
  EXPECT_THAT(cut.violations, IsEmpty());
  EXPECT_THAT(cut.inconclusive_reason, HasSubstr("state limit"));
  EXPECT_LE(cut.states, options.max_states);

  options.max_states = 3;
  const VerifyResult tiny = gtype::verify_system(systems.front(), options);
  EXPECT_EQ(tiny.verdict, Verdict::kInconclusive) << show(tiny);
  EXPECT_EQ(tiny.states, 3u);

  options.max_states = full.states;  // exactly enough
  expect_verified(gtype::verify_system(systems.front(), options));
}

TEST(VerifyInconclusive, ViolationFoundBeforeTheStateLimitStillCounts) {
  VerifyOptions options;
  options.max_states = 1;
  const VerifyResult r = gtype::verify_system(load_one(R"(explicit local system S {
                                                            a : +{ b!!x().end ; c!!z().end };
                                                            b : a??y().end;
                                                            c : a??z().end;
                                                          })"),
                                              options);
  expect_only(r, ViolationKind::kSynchronisationError, {"a", "b"}, {});
}

// ------------------------------------------------------------------------------ semantics

TEST(VerifySemantics, ConnectAndAcceptAreOneStepThatDeliversTheMessage) {
  // start -> (a ->> b : x, x delivered) -> (b -> a : y) -> (a ? b : y): four configurations,
  // three steps; no queue ever holds x.
  const VerifyResult r = verify_text(R"(explicit local system S {
                                          a : b!!x().b?y().end;
                                          b : a??x().a!y().end;
                                        })");
  expect_verified(r);
  EXPECT_EQ(r.states, 4u);
  EXPECT_EQ(r.transitions, 3u);
}

TEST(VerifySemantics, ConnectWithoutAMessage) {
  const VerifyResult r = verify_text(R"(explicit local system S {
                                          a : b!!.b!x().end;
                                          b : a??.a?x().end;
                                        })");
  expect_verified(r);
  EXPECT_EQ(r.states, 4u);
  // A violation's trace shows such a connect without a label.
  expect_only(verify_text(R"(explicit local system S {
                               a : b!!.b!!.end;
                               b : a??.a??.end;
                             })"),
              ViolationKind::kConnectionError, {"a", "b"}, {"a ->> b"});
}

TEST(VerifySemantics, EndDisconnectsTheRoleFromEveryone) {
  // b ends as soon as it accepts, so a's next send has no connection.
  expect_only(verify_text(R"(explicit local system S {
                               a : b!!x().b!y().end;
                               b : a??x().end;
                             })"),
              ViolationKind::kUnconnected, {"a", "b"}, {"a ->> b : x"});
  // A message sent before the sender ends is still received.
  expect_verified(verify_text(R"(explicit local system S {
                                   a : b!!x().b!y().end;
                                   b : a??x().a?y().end;
                                 })"));
}

TEST(VerifySemantics, NonExplicitEndDisconnectsToo) {
  // Without explicit connections every pair is connected until one of them ends.
  expect_only(verify_text(R"(local system S {
                               a : b!x().b!y().end;
                               b : a?x().end;
                             })"),
              ViolationKind::kUnconnected, {"a", "b"}, {"a -> b : x", "b ? a : x"});
}

TEST(VerifySemantics, IdleRoleIsNotStuck) {
  // Whichever branch a takes, the other role only accepts, never connected: idle, not stuck.
  const VerifyResult r = verify_text(R"(explicit local system S {
                                          a : +{ b!!x().end ; c!!y().end };
                                          b : a??x().end;
                                          c : a??y().end;
                                        })");
  expect_verified(r);
  EXPECT_EQ(r.states, 3u);
  EXPECT_EQ(r.transitions, 2u);
}

TEST(VerifySemantics, RoleThatNeverJoinsIsIdle) {
  expect_verified(verify_text(R"(explicit local system S {
                                   a : b!!x().end;
                                   b : a??x().end;
                                   c : a??never().end;
                                 })"));
}

TEST(VerifySemantics, ExplicitAndNonExplicitSystems) {
  // The same local types: connected from the start without `explicit`, not connected with it.
  expect_verified(verify_text(R"(local system S {
                                   a : b!x().end;
                                   b : a?x().end;
                                 })"));
  expect_only(verify_text(R"(explicit local system S {
                               a : b!x().end;
                               b : a?x().end;
                             })"),
              ViolationKind::kUnconnected, {"a", "b"}, {});
}

TEST(VerifySemantics, GlobalProtocolsExplicitAndNot) {
  expect_verified(verify_text(R"(global protocol P(role a, role b) {
                                   a -> b : x();
                                   b -> a : y();
                                 })"));
  expect_verified(verify_text(R"(explicit global protocol P(role a, role b, role c) {
                                   a ->> b : x();
                                   b ->> c : y();
                                   c -> b : z();
                                   disconnect b, c;
                                   b -> a : w();
                                 })"));
}

TEST(VerifySemantics, BoundTwoHoldsTwoMessagesPerQueue) {
  const gtype::AutomatonSystem system = load_one(R"(local system S {
                                                    a : b!x().b!y().end;
                                                    b : a?x().a?y().end;
                                                  })");
  // K = 1: a waits for b to take x before sending y; a line of five configurations.
  const VerifyResult one = verify(system, 1);
  expect_verified(one);
  EXPECT_EQ(one.bound, 1u);
  EXPECT_EQ(one.states, 5u);
  EXPECT_EQ(one.transitions, 4u);
  // K = 2: a may also send y while x is still queued.
  const VerifyResult two = verify(system, 2);
  expect_verified(two);
  EXPECT_EQ(two.bound, 2u);
  EXPECT_EQ(two.states, 6u);
  EXPECT_EQ(two.transitions, 6u);
}

TEST(VerifySemantics, BoundTwoShowsAnOrphanThatBoundOneCannot) {
  const gtype::AutomatonSystem system = load_one(R"(local system S {
                                                    a : b!x().b!y().end;
                                                    b : a?x().end;
                                                  })");
  // K = 1: y can only be sent after b took x and ended.
  expect_only(verify(system, 1), ViolationKind::kUnconnected, {"a", "b"}, {"a -> b : x", "b ? a : x"});
  // K = 2: y may be queued before b ends, and is left there.
  const VerifyResult two = verify(system, 2);
  ASSERT_EQ(two.violations.size(), 2u) << show(two);
  const Violation* orphan = find(two, ViolationKind::kOrphanMessage);
  ASSERT_NE(orphan, nullptr) << show(two);
  EXPECT_THAT(orphan->roles, ElementsAre("a", "b"));
  EXPECT_THAT(steps(*orphan), ElementsAre("a -> b : x", "a -> b : y", "b ? a : x"));
  const Violation* unconnected = find(two, ViolationKind::kUnconnected);
  ASSERT_NE(unconnected, nullptr) << show(two);
  EXPECT_THAT(steps(*unconnected), ElementsAre("a -> b : x", "b ? a : x"));
  // Shortest first.
  EXPECT_EQ(two.violations.front().kind, ViolationKind::kUnconnected);
}

TEST(VerifySemantics, TracesNeverShowAnAcceptStep) {
  const VerifyResult r = verify_text(R"(explicit local system S {
                                          a : b!!x().c!!y().b!z().end;
                                          b : a??x().end;
                                          c : a??y().end;
                                        })");
  ASSERT_FALSE(r.violations.empty()) << show(r);
  for (const Violation& v : r.violations) {
    for (const gtype::TraceStep& step : v.trace) EXPECT_NE(step.kind, gtype::ActionKind::kAccept) << show(r);
  }
}

TEST(VerifySemantics, ManyStatesAndMessages) {
  // 300 distinct messages in a row: machines of more than 256 states and more than 255
  // messages, so configurations use two bytes per state and per queue slot.
  constexpr int kCount = 300;
  std::string sends, receives, wrong;
  for (int i = 0; i < kCount; ++i) {
    const std::string label = "m" + std::to_string(i);
    sends += "b!" + label + "().";
    receives += "a?" + label + "().";
    wrong += "a?" + (i + 1 == kCount ? std::string("other") : label) + "().";
  }
  // K = 1: a sends, b receives, in turn: 2 * kCount steps in a line.
  const VerifyResult fine =
      verify_text("local system S {\n a : " + sends + "end;\n b : " + receives + "end;\n}\n");
  expect_verified(fine);
  EXPECT_EQ(fine.states, 2u * kCount + 1);
  EXPECT_EQ(fine.transitions, 2u * kCount);
  // b expects another last message: the error shows once a has sent it.
  const VerifyResult r = verify_text("local system S {\n a : " + sends + "end;\n b : " + wrong + "end;\n}\n");
  ASSERT_EQ(r.violations.size(), 1u) << show(r);
  const Violation& v = r.violations.front();
  EXPECT_EQ(v.kind, ViolationKind::kReceptionError);
  ASSERT_EQ(v.trace.size(), 2u * kCount - 1);
  EXPECT_EQ(gtype::describe_step(v.trace.front()), "a -> b : m0");
  EXPECT_EQ(gtype::describe_step(v.trace[1]), "b ? a : m0");
  EXPECT_EQ(gtype::describe_step(v.trace.back()), "a -> b : m" + std::to_string(kCount - 1));
}

// ------------------------------------------------------------------------------ determinism

void expect_same(const VerifyResult& a, const VerifyResult& b) {
  EXPECT_EQ(a.verdict, b.verdict);
  EXPECT_EQ(a.states, b.states);
  EXPECT_EQ(a.transitions, b.transitions);
  EXPECT_EQ(a.bound, b.bound);
  EXPECT_EQ(a.inconclusive_reason, b.inconclusive_reason);
  ASSERT_EQ(a.violations.size(), b.violations.size());
  for (std::size_t i = 0; i < a.violations.size(); ++i) {
    EXPECT_EQ(a.violations[i].kind, b.violations[i].kind);
    EXPECT_EQ(a.violations[i].roles, b.violations[i].roles);
    EXPECT_EQ(steps(a.violations[i]), steps(b.violations[i]));
    EXPECT_EQ(a.violations[i].detail, b.violations[i].detail);
  }
}

TEST(VerifyDeterminism, SameInputSameResult) {
  const std::string text = R"(
    local system Starving {
      a : +{ c!l1().c!l2().mu t.c!x().t ; c!r().mu s.c!x().s };
      b : a?never().end;
      c : +{ a?l1().a?l2().mu t.a?x().t ; a?r().mu s.a?x().s };
    }
    local system Orphans {
      a : b!x().b!y().end;
      b : a?x().end;
    }
    explicit local system Several {
      a : +{ b!!x().b!y().end ; c!!z().c!!z().end };
      b : a??x().end;
      c : a??z().end;
    }
  )";
  for (std::uint32_t bound : {1u, 2u, 3u}) {
    TempDir dir;
    const fs::path file = dir.write("system.gtype", text);
    const std::vector<gtype::AutomatonSystem> first = load_file(file);
    const std::vector<gtype::AutomatonSystem> second = load_file(file);
    ASSERT_EQ(first.size(), 3u);
    ASSERT_EQ(second.size(), 3u);
    for (std::size_t i = 0; i < first.size(); ++i) {
      SCOPED_TRACE(first[i].name + " bound " + std::to_string(bound));
      const VerifyResult a = verify(first[i], bound);
      expect_same(a, verify(second[i], bound));
      expect_same(a, verify(first[i], bound));
    }
  }
  // The unmended G2, a bigger search.
  TempDir dir;
  const auto once = unmended(dir, "cluster_formation.gtype", {"state -> nodes : quit();"});
  const auto twice = unmended(dir, "cluster_formation.gtype", {"state -> nodes : quit();"});
  ASSERT_EQ(once.size(), 1u);
  ASSERT_EQ(twice.size(), 1u);
  expect_same(verify(once.front(), 2), verify(twice.front(), 2));
}

}  // namespace

// ------------------------------------------------------------------------------ reference model
//
// A second, plain implementation of the contract's section 2 (configurations as vectors and
// deques in a std::map, no packing), run on random automata against verify_system: the same
// number of configurations and steps, the same verdict, the same (kind, roles) violations, each
// trace as long as the shortest path to a configuration showing it, and each trace replayed
// step by step to such a configuration. The wait-for cycle it looks for is the same as the
// verifier's (the first stuck role on a cycle, shortest cycle through it).
namespace reference {

using gtype::ActionKind;
using gtype::AutomatonSystem;
using gtype::Transition;
using Key = std::pair<ViolationKind, std::vector<std::uint32_t>>;

Key key(ViolationKind kind, std::uint32_t a, std::uint32_t b) {
  return {kind, {std::min(a, b), std::max(a, b)}};
}

struct Config {
  std::vector<std::uint32_t> state;
  std::vector<bool> connected;                   // roles x roles, explicit systems only
  std::vector<std::deque<std::int32_t>> queues;  // from x to
  bool operator<(const Config& o) const {
    return std::tie(state, connected, queues) < std::tie(o.state, o.connected, o.queues);
  }
};

struct Move {
  std::string words;  // describe_step's words
  std::uint32_t role;
  std::int32_t partner;         // accepting role of a connect, or -1
  std::int32_t received_queue;  // from * roles + to, or -1
  Config next;
};

class Model {
 public:
  Model(const AutomatonSystem& system, std::uint32_t bound)
      : s_(system), n_(static_cast<std::uint32_t>(system.roles.size())), bound_(bound) {
    for (const gtype::Automaton& m : s_.machines) resting_.push_back(gtype::resting_states(m));
  }

  Config initial() const {
    Config c;
    c.state.assign(n_, 0);
    c.connected.assign(s_.explicit_connections ? n_ * n_ : 0, false);
    c.queues.assign(n_ * n_, {});
    return c;
  }
  std::uint32_t roles() const { return n_; }
  bool ended(const Config& c, std::uint32_t r) const { return s_.machines[r].is_end(c.state[r]); }
  bool idle(const Config& c, std::uint32_t r) const { return resting_[r][c.state[r]]; }

  // The moves from `c`; `shows` gets the safety violations `c` shows, `bound_hit` whether it
  // is stuck only on full queues.
  std::vector<Move> moves(const Config& c, std::set<Key>& shows, bool& bound_hit) const {
    std::vector<Move> out;
    bool any_full = false;
    for (std::uint32_t r = 0; r < n_; ++r) {
      bool receives = false, received = false, accepts = false;
      std::uint32_t receive_peer = 0;
      for (const Transition& t : s_.machines[r].states[c.state[r]].out) {
        const std::uint32_t p = t.peer;
        switch (t.kind) {
          case ActionKind::kSend:
            if (!connected(c, r, p)) {
              shows.insert(key(ViolationKind::kUnconnected, r, p));
            } else if (c.queues[r * n_ + p].size() >= bound_) {
              any_full = true;
            } else {
              Config next = c;
              next.queues[r * n_ + p].push_back(t.message);
              leave(next, r, t.target);
              out.push_back(
                  {s_.roles[r] + " -> " + s_.roles[p] + label(t.message), r, -1, -1, std::move(next)});
            }
            break;
          case ActionKind::kReceive: {
            receives = true;
            receive_peer = p;
            const std::deque<std::int32_t>& q = c.queues[p * n_ + r];
            if (q.empty() || q.front() != t.message) break;
            received = true;
            Config next = c;
            next.queues[p * n_ + r].pop_front();
            leave(next, r, t.target);
            out.push_back({s_.roles[r] + " ? " + s_.roles[p] + label(t.message), r, -1,
                           static_cast<std::int32_t>(p * n_ + r), std::move(next)});
            break;
          }
          case ActionKind::kConnect: {
            if (connected(c, r, p)) {
              shows.insert(key(ViolationKind::kConnectionError, r, p));
              break;
            }
            bool accepts_r = false, matched = false;
            for (const Transition& a : s_.machines[p].states[c.state[p]].out) {
              if (a.kind != ActionKind::kAccept || a.peer != r) continue;
              accepts_r = true;
              if (a.message != t.message) continue;
              matched = true;
              Config next = c;
              next.connected[r * n_ + p] = next.connected[p * n_ + r] = true;
              leave(next, r, t.target);
              leave(next, p, a.target);
              out.push_back({s_.roles[r] + " ->> " + s_.roles[p] + label(t.message), r,
                             static_cast<std::int32_t>(p), -1, std::move(next)});
            }
            if (accepts_r && !matched) shows.insert(key(ViolationKind::kSynchronisationError, r, p));
            break;
          }
          case ActionKind::kAccept:
            accepts = true;
            break;
          case ActionKind::kDisconnect: {
            Config next = c;
            if (s_.explicit_connections) next.connected[r * n_ + p] = next.connected[p * n_ + r] = false;
            leave(next, r, t.target);
            out.push_back({"disconnect " + s_.roles[r] + ", " + s_.roles[p], r, -1, -1, std::move(next)});
            break;
          }
        }
      }
      if (receives) {
        const std::deque<std::int32_t>& q = c.queues[receive_peer * n_ + r];
        if (!q.empty() && !received) {
          shows.insert(key(ViolationKind::kReceptionError, r, receive_peer));
        } else if (q.empty() && !accepts && !connected(c, r, receive_peer)) {
          shows.insert(key(ViolationKind::kUnconnected, r, receive_peer));
        }
      }
    }
    for (std::uint32_t from = 0; from < n_; ++from) {
      for (std::uint32_t to = 0; to < n_; ++to) {
        if (!c.queues[from * n_ + to].empty() && (ended(c, to) || idle(c, to))) {
          shows.insert(key(ViolationKind::kOrphanMessage, from, to));
        }
      }
    }
    if (out.empty()) {
      if (any_full) {
        bound_hit = true;
      } else {
        terminal(c, shows);
      }
    }
    return out;
  }

 private:
  bool connected(const Config& c, std::uint32_t a, std::uint32_t b) const {
    return s_.explicit_connections ? static_cast<bool>(c.connected[a * n_ + b])
                                   : !ended(c, a) && !ended(c, b);
  }
  std::string label(std::int32_t message) const {
    return message == gtype::kNoMessage ? std::string() : " : " + s_.messages[message].label.text;
  }
  void leave(Config& c, std::uint32_t r, std::uint32_t target) const {
    c.state[r] = target;
    if (!s_.explicit_connections || !ended(c, r)) return;
    for (std::uint32_t o = 0; o < n_; ++o) c.connected[r * n_ + o] = c.connected[o * n_ + r] = false;
  }
  void terminal(const Config& c, std::set<Key>& shows) const {
    std::vector<std::uint32_t> stuck;
    for (std::uint32_t r = 0; r < n_; ++r) {
      if (!ended(c, r) && !idle(c, r)) stuck.push_back(r);
    }
    if (stuck.empty()) return;
    for (const Key& k : shows) {
      if (k.first == ViolationKind::kUnconnected || k.first == ViolationKind::kReceptionError ||
          k.first == ViolationKind::kSynchronisationError || k.first == ViolationKind::kConnectionError) {
        return;
      }
    }
    std::vector<std::set<std::uint32_t>> waits(n_);
    for (std::uint32_t r = 0; r < n_; ++r) {
      if (ended(c, r)) continue;
      for (const Transition& t : s_.machines[r].states[c.state[r]].out) {
        if (t.kind != ActionKind::kDisconnect && !ended(c, t.peer)) waits[r].insert(t.peer);
      }
    }
    for (std::uint32_t start : stuck) {
      // Breadth first from `start`; parent[p] == n_: not reached.
      std::vector<std::uint32_t> parent(n_, n_), order{start};
      for (std::size_t i = 0; i < order.size(); ++i) {
        if (waits[order[i]].count(start) != 0) {
          std::vector<std::uint32_t> cycle{start};
          for (std::uint32_t at = order[i]; at != start; at = parent[at]) cycle.push_back(at);
          std::sort(cycle.begin(), cycle.end());
          shows.insert({ViolationKind::kDeadlock, cycle});
          return;
        }
        for (std::uint32_t p : waits[order[i]]) {
          if (p != start && parent[p] == n_) {
            parent[p] = order[i];
            order.push_back(p);
          }
        }
      }
    }
    shows.insert({ViolationKind::kUnfinishedRole, stuck});
  }

  const AutomatonSystem& s_;
  std::uint32_t n_;
  std::uint32_t bound_;
  std::vector<std::vector<bool>> resting_;  // gtype::resting_states of each machine
};

struct Edge {
  std::uint32_t to;
  std::uint32_t role;
  std::int32_t partner;
  std::int32_t received_queue;
};

struct Outcome {
  std::vector<Config> configs;  // breadth-first
  std::map<Config, std::uint32_t> index;
  std::vector<std::uint32_t> depth;
  std::vector<std::vector<Edge>> edges;
  std::vector<std::set<Key>> shows;  // per configuration, with progress violations of bottom components
  std::uint64_t steps = 0;
  bool bound_hit = false;
  std::map<Key, std::uint32_t> shortest;  // violation -> length of a shortest trace
};

Outcome explore(const Model& model, std::size_t limit) {
  Outcome o;
  o.configs.push_back(model.initial());
  o.index.emplace(o.configs.front(), 0);
  o.depth.push_back(0);
  for (std::uint32_t i = 0; i < o.configs.size() && o.configs.size() <= limit; ++i) {
    std::set<Key> shows;
    bool bound_hit = false;
    const Config current = o.configs[i];
    std::vector<Edge> edges;
    for (Move& m : model.moves(current, shows, bound_hit)) {
      auto [it, added] = o.index.emplace(m.next, static_cast<std::uint32_t>(o.configs.size()));
      if (added) {
        o.configs.push_back(std::move(m.next));
        o.depth.push_back(o.depth[i] + 1);
      }
      edges.push_back({it->second, m.role, m.partner, m.received_queue});
      ++o.steps;
    }
    o.edges.push_back(std::move(edges));
    o.shows.push_back(std::move(shows));
    o.bound_hit = o.bound_hit || bound_hit;
  }
  if (o.configs.size() > limit) return o;
  // Strongly connected components (Kosaraju), then fair progress on the bottom ones.
  const std::size_t count = o.configs.size();
  std::vector<std::vector<std::uint32_t>> back(count);
  for (std::uint32_t v = 0; v < count; ++v) {
    for (const Edge& e : o.edges[v]) back[e.to].push_back(v);
  }
  std::vector<std::uint32_t> finished;
  std::vector<bool> seen(count, false);
  for (std::uint32_t root = 0; root < count; ++root) {
    if (seen[root]) continue;
    std::vector<std::pair<std::uint32_t, std::size_t>> stack{{root, 0}};
    seen[root] = true;
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      if (next < o.edges[v].size()) {
        const std::uint32_t w = o.edges[v][next++].to;
        if (!seen[w]) {
          seen[w] = true;
          stack.push_back({w, 0});
        }
      } else {
        finished.push_back(v);
        stack.pop_back();
      }
    }
  }
  std::vector<std::int64_t> component(count, -1);
  std::int64_t components = 0;
  for (auto it = finished.rbegin(); it != finished.rend(); ++it) {
    if (component[*it] >= 0) continue;
    std::vector<std::uint32_t> todo{*it};
    component[*it] = components;
    while (!todo.empty()) {
      const std::uint32_t v = todo.back();
      todo.pop_back();
      for (std::uint32_t w : back[v]) {
        if (component[w] < 0) {
          component[w] = components;
          todo.push_back(w);
        }
      }
    }
    ++components;
  }
  const std::uint32_t roles = model.roles();
  for (std::int64_t comp = 0; comp < components; ++comp) {
    bool bottom = true, cycle = false;
    std::vector<bool> present(roles, false), acted(roles, false), queued(roles * roles, false),
        received(roles * roles, false);
    std::vector<std::uint32_t> members;
    for (std::uint32_t v = 0; v < count; ++v) {
      if (component[v] != comp) continue;
      members.push_back(v);
      for (std::uint32_t r = 0; r < roles; ++r) {
        if (!model.ended(o.configs[v], r) && !model.idle(o.configs[v], r)) present[r] = true;
      }
      for (std::uint32_t q = 0; q < roles * roles; ++q) {
        if (!o.configs[v].queues[q].empty()) queued[q] = true;
      }
      for (const Edge& e : o.edges[v]) {
        if (component[e.to] != comp) {
          bottom = false;
          continue;
        }
        cycle = true;
        acted[e.role] = true;
        if (e.partner >= 0) acted[static_cast<std::uint32_t>(e.partner)] = true;
        if (e.received_queue >= 0) received[static_cast<std::uint32_t>(e.received_queue)] = true;
      }
    }
    if (!bottom || !cycle) continue;
    std::set<Key> progress;
    for (std::uint32_t r = 0; r < roles; ++r) {
      if (present[r] && !acted[r]) progress.insert({ViolationKind::kRoleProgress, {r}});
    }
    for (std::uint32_t q = 0; q < roles * roles; ++q) {
      if (queued[q] && !received[q])
        progress.insert(key(ViolationKind::kEventualReception, q / roles, q % roles));
    }
    for (std::uint32_t v : members) o.shows[v].insert(progress.begin(), progress.end());
  }
  for (std::uint32_t v = 0; v < count; ++v) {
    for (const Key& k : o.shows[v]) {
      auto [it, added] = o.shortest.emplace(k, o.depth[v]);
      if (!added) it->second = std::min(it->second, o.depth[v]);
    }
  }
  return o;
}

// Random automata in the shape local types give: each state ends, or offers sends and connects
// (internal choice), or receives or accepts from one peer (external choice), or disconnects;
// labels distinct within a state. Connections only in explicit systems.
AutomatonSystem random_system(std::mt19937& rng) {
  auto pick = [&](std::uint32_t n) { return static_cast<std::uint32_t>(rng() % n); };
  AutomatonSystem system;
  system.name = "Random";
  system.explicit_connections = pick(2) == 1;
  const std::uint32_t roles = 2 + pick(3);
  for (std::uint32_t r = 0; r < roles; ++r)
    system.roles.push_back(std::string(1, static_cast<char>('a' + r)));
  for (const char* label : {"x", "y", "z"})
    system.messages.push_back(gtype::Message{gtype::Name{label, {}}, {}, {}});
  for (std::uint32_t r = 0; r < roles; ++r) {
    gtype::Automaton machine{system.roles[r], {}};
    const std::uint32_t states = 1 + pick(4);
    auto other = [&] { return (r + 1 + pick(roles - 1)) % roles; };
    for (std::uint32_t s = 0; s < states; ++s) {
      gtype::AutomatonState state;
      std::vector<std::int32_t> labels{0, 1, 2};
      std::shuffle(labels.begin(), labels.end(), rng);
      const std::uint32_t shape = pick(system.explicit_connections ? 5 : 3);
      const std::uint32_t width = 1 + pick(2);
      if (shape == 0 && s > 0) {
        // end
      } else if (shape <= 1) {  // internal choice
        for (std::uint32_t i = 0; i < width; ++i) {
          const bool connect = system.explicit_connections && pick(2) == 1;
          state.out.push_back(
              {connect ? ActionKind::kConnect : ActionKind::kSend, other(), labels[i], pick(states)});
        }
      } else if (shape == 2 || shape == 3) {  // external choice
        const bool accept = shape == 3;
        const std::uint32_t peer = other();
        for (std::uint32_t i = 0; i < width; ++i) {
          state.out.push_back(
              {accept ? ActionKind::kAccept : ActionKind::kReceive, peer, labels[i], pick(states)});
        }
      } else {
        state.out.push_back({ActionKind::kDisconnect, other(), gtype::kNoMessage, pick(states)});
      }
      machine.states.push_back(std::move(state));
    }
    system.machines.push_back(std::move(machine));
  }
  return system;
}

}  // namespace reference

TEST(VerifyReference, AgreesWithAPlainImplementationOnRandomAutomata) {
  std::mt19937 rng(20171);
  std::size_t compared = 0, with_violations = 0, with_progress = 0, inconclusive = 0;
  for (int round = 0; round < 600; ++round) {
    const gtype::AutomatonSystem system = reference::random_system(rng);
    const std::uint32_t bound = 1 + static_cast<std::uint32_t>(round % 3);
    const reference::Model model(system, bound);
    const reference::Outcome expected = reference::explore(model, 20000);
    if (expected.configs.size() > 20000) continue;
    ++compared;
    const VerifyResult r = verify(system, bound);
    std::ostringstream where;
    where << "round " << round << ", bound " << bound << (system.explicit_connections ? ", explicit" : "")
          << "\n";
    for (const gtype::Automaton& m : system.machines) {
      where << "  " << m.role << ":";
      for (std::size_t s = 0; s < m.states.size(); ++s) {
        where << " [" << s << "]";
        for (const gtype::Transition& t : m.states[s].out) {
          where << " " << static_cast<int>(t.kind) << "/" << system.roles[t.peer] << "/" << t.message << "->"
                << t.target;
        }
      }
      where << "\n";
    }
    where << show(r);
    SCOPED_TRACE(where.str());

    ASSERT_EQ(r.states, expected.configs.size());
    ASSERT_EQ(r.transitions, expected.steps);
    const Verdict verdict = !expected.shortest.empty() ? Verdict::kViolation
                            : expected.bound_hit       ? Verdict::kInconclusive
                                                       : Verdict::kVerified;
    ASSERT_EQ(r.verdict, verdict);
    std::set<reference::Key> found;
    for (const Violation& v : r.violations) {
      std::vector<std::uint32_t> roles;
      for (const std::string& role : v.roles)
        roles.push_back(static_cast<std::uint32_t>(system.role_index(role)));
      const reference::Key k{v.kind, roles};
      found.insert(k);
      const auto shortest = expected.shortest.find(k);
      ASSERT_NE(shortest, expected.shortest.end()) << gtype::violation_name(v.kind);
      EXPECT_EQ(v.trace.size(), shortest->second)
          << gtype::violation_name(v.kind) << ": not a shortest trace";
      // Replay the trace.
      std::uint32_t at = 0;
      for (const gtype::TraceStep& step : v.trace) {
        std::set<reference::Key> ignored;
        bool ignored_bound = false;
        bool moved = false;
        for (reference::Move& m : model.moves(expected.configs[at], ignored, ignored_bound)) {
          if (m.words != gtype::describe_step(step)) continue;
          at = expected.index.at(m.next);
          moved = true;
          break;
        }
        ASSERT_TRUE(moved) << "trace step '" << gtype::describe_step(step) << "' is not possible";
      }
      EXPECT_EQ(expected.shows[at].count(k), 1u)
          << "the trace of " << gtype::violation_name(v.kind) << " does not end where it shows";
    }
    std::set<reference::Key> wanted;
    for (const auto& [k, length] : expected.shortest) wanted.insert(k);
    EXPECT_EQ(found, wanted);
    if (!r.violations.empty()) ++with_violations;
    if (r.verdict == Verdict::kInconclusive) ++inconclusive;
    for (const reference::Key& k : wanted) {
      if (k.first == ViolationKind::kRoleProgress || k.first == ViolationKind::kEventualReception) {
        ++with_progress;
        break;
      }
    }
    if (testing::Test::HasFailure()) return;
  }
  // The generator reaches every verdict, and progress violations.
  EXPECT_GT(compared, 500u);
  EXPECT_GT(with_violations, 100u);
  EXPECT_GT(with_progress, 10u);
  EXPECT_GT(inconclusive, 5u);
  std::cout << "compared " << compared << " systems: " << with_violations << " with violations, "
            << with_progress << " with progress violations, " << inconclusive << " inconclusive\n";
}

namespace {

// A hub that sends a task to each of `workers` workers, then gathers their results (the
// benchmark's fanout-n): about 3^n configurations, enough for several progress reports.
std::string fanout(int workers) {
  std::ostringstream text;
  text << "local system Fanout {\nhub : ";
  for (int i = 1; i <= workers; ++i) text << 'w' << i << "!task().";
  for (int i = 1; i <= workers; ++i) text << 'w' << i << "?result().";
  text << "end;\n";
  for (int i = 1; i <= workers; ++i) text << 'w' << i << " : hub?task().hub!result().end;\n";
  text << "}\n";
  return text.str();
}

}  // namespace

// The progress line's callback (issue 14): called while the search runs, with counts that only
// grow, and it changes nothing of the result.
TEST(VerifyProgress, ReportsGrowingCountsAndChangesNothing) {
  const gtype::AutomatonSystem system = load_one(fanout(8));
  std::vector<gtype::SearchProgress> seen;
  VerifyOptions options;
  options.reduction = false;  // as verify() has it: thousands of configurations, not dozens
  options.progress = [&seen](const gtype::SearchProgress& progress) { seen.push_back(progress); };
  options.progress_every = std::chrono::milliseconds(0);  // at every check: every 1024 configurations
  const VerifyResult with = gtype::verify_system(system, options);
  const VerifyResult without = verify(system);
  expect_same(with, without);
  ASSERT_GE(seen.size(), 2u);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].states, seen[i - 1].states);
    EXPECT_GE(seen[i].transitions, seen[i - 1].transitions);
    EXPECT_GE(seen[i].depth, seen[i - 1].depth);
    EXPECT_GE(seen[i].seconds, seen[i - 1].seconds);
  }
  EXPECT_LE(seen.back().states, with.states);
  EXPECT_GT(seen.back().depth, 0u);
  EXPECT_GT(seen.back().memory_bytes, 0u);
}

TEST(VerifyProgress, TextIsOneLineWithGroupedDigits) {
  gtype::SearchProgress progress;
  progress.states = 1234567;
  progress.transitions = 9876543;
  progress.depth = 12;
  progress.seconds = 2.5;
  progress.memory_bytes = 84ull << 20;
  EXPECT_EQ(gtype::progress_text(progress),
            "depth 12, 1,234,567 states, 9,876,543 transitions, 493,826 states/s, 84 MiB, 2 s");
  EXPECT_EQ(gtype::progress_text({}), "depth 0, 0 states, 0 transitions, 0 states/s, 0 MiB, 0 s");
}

// ------------------------------------------------------------------------------ reduction

// Partial-order reduction (verify/reduction.h), on by default: the issue's yardstick, fanout-16
// (some 86 million configurations without it, about 2 × 3^16), verified in fewer than 10,000.
TEST(VerifyReduction, FanoutSixteenStoresFewerThanTenThousandConfigurations) {
  VerifyOptions options;
  const VerifyResult r = gtype::verify_system(load_one(fanout(16)), options);
  expect_verified(r);
  EXPECT_TRUE(r.reduced);
  EXPECT_LT(r.states, 10000u) << show(r);
}

TEST(VerifyReduction, KeepsTheVerdictWithFewerConfigurations) {
  const gtype::AutomatonSystem system = load_one(fanout(8));
  VerifyOptions options;
  const VerifyResult reduced = gtype::verify_system(system, options);
  const VerifyResult full = verify(system);
  expect_verified(reduced);
  expect_verified(full);
  EXPECT_FALSE(full.reduced);
  EXPECT_LT(reduced.states * 10, full.states) << show(reduced) << show(full);
}

// Where a peer may end before a role's send (b ends without waiting for a), the send is not taken
// alone: the interleavings where b ends first show the unconnected send, and the orphan message
// where it goes first.
TEST(VerifyReduction, AnEndingPeerKeepsEveryInterleaving) {
  VerifyOptions options;
  const VerifyResult r = gtype::verify_system(load_one(R"(local system S {
                                                           a : b!x().end;
                                                           b : c!y().end;
                                                           c : b?y().end;
                                                         })"),
                                              options);
  std::set<ViolationKind> kinds;
  for (const Violation& v : r.violations) kinds.insert(v.kind);
  EXPECT_EQ(kinds, (std::set<ViolationKind>{ViolationKind::kUnconnected, ViolationKind::kOrphanMessage}))
      << show(r);
}

// A role's last step (it ends) is taken alone only when nobody can still send to it: here c may
// still send to b, so b's end is explored in every order, and the unconnected send is found.
TEST(VerifyReduction, AnEndWhileOthersMaySendKeepsEveryInterleaving) {
  VerifyOptions options;
  const VerifyResult r = gtype::verify_system(load_one(R"(local system S {
                                                           a : b!x().end;
                                                           b : a?x().end;
                                                           c : b!z().end;
                                                         })"),
                                              options);
  const VerifyResult full = verify(load_one(R"(local system S {
                                                a : b!x().end;
                                                b : a?x().end;
                                                c : b!z().end;
                                              })"));
  ASSERT_EQ(r.violations.size(), full.violations.size()) << show(r) << show(full);
  for (std::size_t i = 0; i < r.violations.size(); ++i) {
    EXPECT_EQ(r.violations[i].kind, full.violations[i].kind);
    EXPECT_EQ(r.violations[i].roles, full.violations[i].roles);
  }
  EXPECT_EQ(r.verdict, Verdict::kViolation);
}

// Progress in a reduced graph: the message to c is never received while a and b loop; found with
// reduction as without, by a trace that is shortest within the reduced graph (longer here).
TEST(VerifyReduction, ProgressViolationsAreKept) {
  const char* text = R"(local system S {
                          a : c!m().mu t.b!x().t;
                          b : mu t.a?x().t;
                          c : end;
                        })";
  VerifyOptions options;
  const VerifyResult reduced = gtype::verify_system(load_one(text), options);
  const VerifyResult full = verify(load_one(text));
  ASSERT_EQ(reduced.verdict, Verdict::kViolation) << show(reduced);
  std::set<std::pair<ViolationKind, std::vector<std::string>>> with, without;
  for (const Violation& v : reduced.violations) with.insert({v.kind, v.roles});
  for (const Violation& v : full.violations) without.insert({v.kind, v.roles});
  EXPECT_EQ(with, without) << show(reduced) << show(full);
  EXPECT_LE(reduced.states, full.states);
}

// Strong liveness reads every cycle, which reduction does not keep: it is never reduced.
TEST(VerifyReduction, StrongLivenessIsNotReduced) {
  VerifyOptions options;
  options.liveness_kind = VerifyOptions::Liveness::kStrong;
  const VerifyResult r = gtype::verify_system(load_one(fanout(4)), options);
  EXPECT_FALSE(r.reduced);
  EXPECT_EQ(r.states, verify(load_one(fanout(4))).states);
}
