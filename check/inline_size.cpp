// Pass: the size of a protocol with its `do`s inlined.
//
// Checks that the protocols of each file, every `do` inlined, have at most
// kMaxInlinedStatements statements together, and at most kMaxProjectedStatements counting each
// once per role of its protocol (projection's work). Each `do` copies its callee, so a few lines can
// stand for an exponential protocol (each protocol of a chain calling the next twice), and a
// chain of calls is quadratic when every protocol of it is projected; the passes after this one
// and projection work on inlined protocols, and this bound keeps them within time and memory.
// Reports the first protocol that is over the limit on its own (one only: its callers are over
// it too), else the protocol where the file's sum goes over it. Does not check `do` cycles
// (their pass does) and counts a call that cannot be inlined (unknown callee, wrong arity,
// cycle) as one statement.
#include <algorithm>

#include "passes.h"

namespace gtype::check {
namespace {

// The call of `protocol` (not nested in another call) that inlines the most statements.
const Statement* largest_call(const Program& program, const GlobalProtocol& protocol, std::uint64_t& size) {
  const Statement* largest = nullptr;
  size = 0;
  const std::size_t file = program.file_of(protocol);
  for_each_statement(protocol.body, [&](const Statement& s) {
    if (s.kind != StatementKind::kDo) return;
    const GlobalProtocol* callee = program.callee_of(file, s);
    if (callee != nullptr && program.inlined_size(*callee) > size) {
      largest = &s;
      size = program.inlined_size(*callee);
    }
  });
  return largest;
}

// What projection does with a protocol: each inlined statement once per role.
std::uint64_t projection_work(const Program& program, const GlobalProtocol& protocol) {
  const std::uint64_t size = std::min(program.inlined_size(protocol), kMaxInlinedStatements + 1);
  return size * std::max<std::uint64_t>(1, protocol.roles.size());
}

// `measure` of the protocols of `file` together, saturating just past `limit`.
template <typename Measure>
std::uint64_t file_total(const SourceFile& file, std::uint64_t limit, Measure measure) {
  std::uint64_t total = 0;
  for (const GlobalProtocol& protocol : file.protocols) {
    total = std::min(total + std::min(measure(protocol), limit + 1), limit + 1);
  }
  return total;
}

std::uint64_t file_inlined_size(const Program& program, const SourceFile& file) {
  return file_total(file, kMaxInlinedStatements, [&](const GlobalProtocol& p) { return program.inlined_size(p); });
}

std::uint64_t file_projection_work(const Program& program, const SourceFile& file) {
  return file_total(file, kMaxProjectedStatements,
                    [&](const GlobalProtocol& p) { return projection_work(program, p); });
}

std::string count(std::uint64_t size) {
  return size >= (std::uint64_t{1} << 62) ? std::string("over 4 * 10^18") : std::to_string(size);
}

void report_protocol(const Program& program, const GlobalProtocol& protocol, DiagnosticEngine& diagnostics) {
  Diagnostic& d = diagnostics.error(
      protocol.name.location,
      "protocol '" + protocol.name.text +
          "' is too large with its 'do's inlined: " + count(program.inlined_size(protocol)) +
          " statements, more than the limit of " + std::to_string(kMaxInlinedStatements));
  std::uint64_t call_size = 0;
  if (const Statement* call = largest_call(program, protocol, call_size)) {
    d.notes.push_back({call->location, "this 'do' alone inlines " + count(call_size) + " statements"});
  }
  d.notes.push_back({{},
                     "every 'do' copies its protocol; a protocol called several times in a row may be "
                     "written once inside a 'rec' loop"});
}

// The file is over the limit only with its protocols together: reported at the protocol that
// takes the sum over it.
void report_file(const Program& program, const SourceFile& file, DiagnosticEngine& diagnostics) {
  std::uint64_t total = 0;
  for (const GlobalProtocol& protocol : file.protocols) {
    total += program.inlined_size(protocol);
    if (total <= kMaxInlinedStatements) continue;
    Diagnostic& d =
        diagnostics.error(protocol.name.location,
                          "the protocols of this file are too large together with their 'do's inlined: " +
                              std::to_string(total) + " statements up to '" + protocol.name.text +
                              "', more than the limit of " + std::to_string(kMaxInlinedStatements));
    d.notes.push_back({{},
                       "each protocol is checked and projected with every 'do' inlined; a protocol that "
                       "calls another copies it"});
    return;
  }
}

// The same for the statements projected: each protocol's once for each of its roles.
void report_projection(const Program& program, const SourceFile& file, DiagnosticEngine& diagnostics) {
  std::uint64_t total = 0;
  for (const GlobalProtocol& protocol : file.protocols) {
    total += projection_work(program, protocol);
    if (total <= kMaxProjectedStatements) continue;
    Diagnostic& d = diagnostics.error(
        protocol.name.location, "the protocols of this file are too large to project: " + std::to_string(total) +
                                    " statements projected (each once per role) up to '" + protocol.name.text +
                                    "', more than the limit of " + std::to_string(kMaxProjectedStatements));
    d.notes.push_back({{}, "'" + protocol.name.text + "' has " + std::to_string(protocol.roles.size()) + " roles and " +
                               std::to_string(program.inlined_size(protocol)) + " statements with its 'do's inlined"});
    return;
  }
}

}  // namespace

bool too_large_to_inline(const Program& program, const SourceFile& file) {
  return file_inlined_size(program, file) > kMaxInlinedStatements ||
         file_projection_work(program, file) > kMaxProjectedStatements;
}

void check_inline_size(const Program& program, DiagnosticEngine& diagnostics) {
  for (const SourceFile& file : program.files) {
    if (!too_large_to_inline(program, file)) continue;
    if (file_inlined_size(program, file) <= kMaxInlinedStatements) {
      report_projection(program, file, diagnostics);
      continue;
    }
    bool reported = false;
    for (const GlobalProtocol& protocol : file.protocols) {
      if (program.in_do_cycle(protocol) || program.inlined_size(protocol) <= kMaxInlinedStatements) continue;
      report_protocol(program, protocol, diagnostics);
      reported = true;
      break;  // the protocols it calls are over the limit too, or it would not be
    }
    if (!reported) report_file(program, file, diagnostics);
  }
}

}  // namespace gtype::check
