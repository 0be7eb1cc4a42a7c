// The well-formedness passes, one per file, run in this order by check.cpp. Each reports every
// error it finds and assumes nothing of the others, except that names were resolved where a
// pass says so.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "gtype/diagnostic.h"
#include "gtype/program.h"

namespace gtype::check {

// Duplicate declarations, unknown payload sorts and wrong sort arguments, in every file.
void check_declarations(const Program& program, DiagnosticEngine& diagnostics);
// Roles of each protocol: declared, not duplicated, no message to oneself, `do` arguments,
// connection actions only in explicit protocols.
void check_roles(const Program& program, DiagnosticEngine& diagnostics);
// `do` targets exist and no protocol reaches itself through `do`.
void check_do_cycles(const Program& program, DiagnosticEngine& diagnostics);
// The protocols of a file stay within kMaxInlinedStatements together, every `do` inlined, and
// within kMaxProjectedStatements counted once per role.
void check_inline_size(const Program& program, DiagnosticEngine& diagnostics);
// `continue` inside its `rec`, guarded recursion, nothing after `continue` or `end`.
void check_recursion(const Program& program, DiagnosticEngine& diagnostics);
// Every branch of a choice begins with a message of the chooser; first labels distinct.
void check_choices(const Program& program, DiagnosticEngine& diagnostics);
// Explicit protocols: sends on connected pairs only, no double connect, no stray disconnect.
void check_connections(const Program& program, DiagnosticEngine& diagnostics);
// Local systems: roles and peers, connection actions, recursion, choice shapes.
void check_local_systems(const Program& program, DiagnosticEngine& diagnostics);

// The most statements the protocols of a file may have together, each with its `do`s inlined
// (Program::inlined_size).
inline constexpr std::uint64_t kMaxInlinedStatements = 200'000;
// ... and counting each statement once per role of its protocol, as projection does.
inline constexpr std::uint64_t kMaxProjectedStatements = 1'000'000;

// Whether `file` is over that limit: the passes that inline `do`s skip its protocols.
bool too_large_to_inline(const Program& program, const SourceFile& file);

// Calls `visit` on every statement of `block`, nested ones included, before their children.
void for_each_statement(const Block& block, const std::function<void(const Statement&)>& visit);

// Maps the callee's role parameters to the roles passed by `call` (already as the caller sees
// them, through `caller_roles`).
std::map<std::string, std::string> bind_roles(const GlobalProtocol& callee, const Statement& call,
                                              const std::map<std::string, std::string>& caller_roles);

// "; did you mean 'x'?" when one of `candidates` is close enough to `name` to be what was meant
// (a small edit distance, or a difference of case only); empty otherwise.
// `candidates` is called only when `diagnostics` grants a suggestion (take_suggestion).
std::string did_you_mean(DiagnosticEngine& diagnostics, const std::string& name,
                         const std::function<std::vector<std::string>()>& candidates);

// The note for a name declared in a file that the file using it imports only indirectly.
std::string not_imported(const std::string& name);

}  // namespace gtype::check
