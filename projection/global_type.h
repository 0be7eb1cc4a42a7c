// The global type of a protocol in the thesis's continuation form (internal to projection/).
//
//   G ::= p -> q : l(S).G | p ->> q : l(S).G | p ->> q.G | disconnect p, q.G
//       | choice at p { G ; ... } | mu t.G | t | end
//
// Lowering from the AST inlines `do`, appends what follows a choice or a `rec` to each path that
// falls through (shared, not copied), and renames recursion labels that would be captured.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gtype/ast.h"
#include "gtype/program.h"

namespace gtype::projection {

struct GlobalNode;
using GlobalPtr = std::shared_ptr<const GlobalNode>;

// The `do`s that inlined a part of the protocol, innermost first: shared by all that they
// inlined, so that a long chain of calls is not copied at every call and choice.
struct CallSite {
  const Statement* call;
  std::shared_ptr<const CallSite> outer;  // null at the outermost call
};
using CallChain = std::shared_ptr<const CallSite>;

enum class GlobalKind { kInteraction, kChoice, kRec, kVar, kEnd };

struct GlobalNode {
  GlobalKind kind = GlobalKind::kEnd;
  SourceLocation location;
  // interaction
  StatementKind action = StatementKind::kSend;  // kSend, kConnect or kDisconnect
  std::string from, to;                         // for a choice, `from` is the chooser
  std::optional<Message> message;
  GlobalPtr next;  // interaction: continuation; rec: body
  // choice
  std::vector<GlobalPtr> branches;
  std::vector<SourceLocation> branch_locations;  // where each branch begins in the source
  CallChain calls;                               // the `do`s that inlined it (null: none)
  // rec, var
  std::string variable;
};

// Lowers a well-formed protocol (no `do` cycles, arities right).
GlobalPtr lower(const Program& program, const GlobalProtocol& protocol);

}  // namespace gtype::projection
