// An independent explorer of the contract's section 2, for checking `gtype verify` (oracle.cpp
// says what it checks and why it shares nothing with verify/ or automaton/).
//
// It reads local systems in the contract's notation with its own parser, and explores them with
// the local types as terms: a role's state is a place in its type (an action, a choice or
// `end`), never a node of gtype's automaton. Standard library only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace oracle {

enum class Act { kSend, kReceive, kConnect, kAccept, kDisconnect };

// One node of a parsed local type; the nodes of a system live in one vector, by index.
struct Term {
  enum class Kind { kAction, kChoice, kMu, kVariable, kEnd };
  Kind kind = Kind::kEnd;
  Act act = Act::kSend;               // action
  int peer = -1;                      // action: index of the other role
  std::string message;                // action: "label(payload)" without blanks; "" for none
  int next = -1;                      // action: continuation; mu: body; variable: its `mu`
  std::vector<int> branches;          // choice
  std::string variable;               // mu, variable: the name (for messages)
};

struct LocalSystem {
  std::string name;
  bool explicit_connections = false;
  std::vector<std::string> roles;     // in system order
  std::vector<int> types;             // the root term of each role
  std::vector<Term> terms;
};

struct Parsed {
  std::vector<LocalSystem> systems;
  std::string error;  // "line L: ..." when the text is not a sequence of local systems
};

// `[explicit] local system Name { role : T; ... }`, any number of them, with `//` and `/* */`
// comments; nothing else.
Parsed parse(const std::string& text);

struct Options {
  std::uint32_t bound = 1;             // queue capacity K, at least 1
  std::uint64_t max_states = 100'000;  // beyond: `truncated`, nothing else is meaningful
  bool liveness = true;                // role-progress and eventual-reception
};

enum class Verdict { kVerified, kViolation, kInconclusive };

struct Violation {
  std::string kind;                // the contract's word: "unconnected", ...
  std::vector<std::string> roles;  // in system order
  std::size_t trace_length = 0;    // steps of a shortest trace to where it shows
};

struct Result {
  Verdict verdict = Verdict::kVerified;
  bool truncated = false;          // more than max_states configurations
  bool bound_hit = false;          // stuck only because a send waits for a full queue
  std::uint64_t states = 0;
  std::uint64_t transitions = 0;
  std::vector<Violation> violations;  // sorted by kind, then roles
  std::string error;                  // a local type the oracle cannot explore (unguarded `mu`)
};

Result explore(const LocalSystem& system, const Options& options);

const char* verdict_name(Verdict verdict);
// "violation, 12 states, 14 transitions" then one line per violation: "  unconnected (a, b) after 2 steps".
std::string describe(const Result& result);

}  // namespace oracle
