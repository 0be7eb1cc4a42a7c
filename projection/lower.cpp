// Lowering the AST of a protocol to its global type (see global_type.h).
#include <cassert>
#include <map>
#include <set>

#include "global_type.h"

namespace gtype::projection {
namespace {

struct Scope {
  std::size_t file;
  std::map<std::string, std::string> roles;   // callee role -> role of the lowered protocol
  std::map<std::string, std::string> labels;  // `rec` label in the source -> variable
  CallChain calls;                            // the `do`s being inlined (null: none)
  std::map<std::string, Message> sigs;        // `sig` parameter -> the message passed
  std::map<std::string, SortRef> types;       // `type` parameter -> the sort passed
};

class Lowering {
 public:
  explicit Lowering(const Program& program) : program_(program) {}

  GlobalPtr block(const Block& statements, std::size_t index, const GlobalPtr& rest, const Scope& scope) {
    if (index == statements.size()) return rest;
    const Statement& s = statements[index];
    auto node = std::make_shared<GlobalNode>();
    node->location = s.location;
    switch (s.kind) {
      case StatementKind::kSend:
      case StatementKind::kConnect:
      case StatementKind::kDisconnect:
        node->kind = GlobalKind::kInteraction;
        node->action = s.kind;
        node->from = role(scope, s.from.text);
        node->to = role(scope, s.to.text);
        if (s.message) node->message = instantiate(*s.message, scope);
        node->next = block(statements, index + 1, rest, scope);
        return node;
      case StatementKind::kChoice: {
        const GlobalPtr after = block(statements, index + 1, rest, scope);
        node->kind = GlobalKind::kChoice;
        node->from = role(scope, s.from.text);
        node->calls = scope.calls;
        for (const Block& branch : s.blocks) {
          node->branches.push_back(block(branch, 0, after, scope));
          node->branch_locations.push_back(branch.empty() ? s.location : branch.front().location);
        }
        return node;
      }
      case StatementKind::kRec: {
        const GlobalPtr after = block(statements, index + 1, rest, scope);
        Scope inner = scope;
        node->kind = GlobalKind::kRec;
        node->variable = fresh(s.label.text);
        inner.labels[s.label.text] = node->variable;
        node->next = block(s.blocks.at(0), 0, after, inner);
        bound_.erase(node->variable);
        return node;
      }
      case StatementKind::kContinue: {
        auto label = scope.labels.find(s.label.text);
        assert(label != scope.labels.end() && "well-formed: continue inside its rec");
        node->kind = GlobalKind::kVar;
        node->variable = label->second;
        return node;
      }
      case StatementKind::kDo: {
        const GlobalPtr after = block(statements, index + 1, rest, scope);
        const GlobalProtocol* callee = program_.find_protocol(scope.file, s.label.text);
        assert(callee && callee->roles.size() == s.arguments.size() && "well-formed: do resolves");
        Scope inner{program_.file_of(*callee),
                    {},
                    {},
                    std::make_shared<const CallSite>(CallSite{&s, scope.calls}),
                    {},
                    {}};
        for (std::size_t i = 0; i < callee->roles.size(); ++i) {
          inner.roles[callee->roles[i].text] = role(scope, s.arguments[i].text);
        }
        assert(callee->parameters.size() == s.parameter_arguments.size() && "well-formed: parameters match");
        for (std::size_t i = 0; i < callee->parameters.size(); ++i) {
          const ProtocolParameter& parameter = callee->parameters[i];
          const DoArgument& argument = s.parameter_arguments[i];
          if (parameter.kind == ProtocolParameter::Kind::kSig) {
            inner.sigs[parameter.name.text] = instantiate(*argument_message(argument), scope);
          } else {
            SortRef sort = *argument_sort(argument);
            instantiate(sort, scope);
            inner.types[parameter.name.text] = std::move(sort);
          }
        }
        return block(callee->body, 0, after, inner);
      }
      case StatementKind::kEnd:
        return block(statements, index + 1, rest, scope);  // marks the end of its block only
    }
    return node;
  }

 private:
  // A message of the source in `scope`: a `sig` parameter is the message passed for it, a `type`
  // parameter in a payload the sort passed; names are unqualified; `M` (a signature) is `M()`.
  Message instantiate(const Message& written, const Scope& scope) const {
    if (written.signature) {
      auto bound = scope.sigs.find(written.label.text);
      if (bound != scope.sigs.end()) return bound->second;
    }
    Message message = written;
    for (SortRef& sort : message.payload) instantiate(sort, scope);
    unqualify(message, scope.file);
    return message;
  }
  void instantiate(SortRef& sort, const Scope& scope) const {
    for (SortRef& argument : sort.arguments) instantiate(argument, scope);
    auto bound = scope.types.find(sort.name);
    if (bound != scope.types.end()) {
      sort = bound->second;
      return;
    }
    unqualify(sort, scope.file);
  }

  // A qualified sort (`t.Order`, `shop.types.Money`) is named as declared (`Order`), so that a
  // message is the same whether its sorts are written qualified or not.
  void unqualify(Message& message, std::size_t file) const {
    message.signature = false;  // `M` is `M()`: projections say so
    for (SortRef& sort : message.payload) unqualify(sort, file);
  }
  void unqualify(SortRef& sort, std::size_t file) const {
    for (SortRef& argument : sort.arguments) unqualify(argument, file);
    if (sort.name.find('.') == std::string::npos) return;
    if (const SortDecl* declared = program_.find_sort(file, sort.name)) {
      sort.name = declared->name.text;
    } else if (const TypeDecl* type = program_.find_type(file, sort.name)) {
      sort.name = type->alias.text;
    }
  }

  static std::string role(const Scope& scope, const std::string& name) {
    auto it = scope.roles.find(name);
    return it == scope.roles.end() ? name : it->second;
  }

  // The user's label, unless a loop around this one already binds it: then label_2, label_3, ...
  // (what follows a loop may be placed inside an inner loop, so a reused name would capture it).
  std::string fresh(const std::string& label) {
    std::string name = label;
    for (int n = 2; bound_.count(name); ++n) name = label + "_" + std::to_string(n);
    bound_.insert(name);
    return name;
  }

  const Program& program_;
  std::set<std::string> bound_;  // variables of the loops being lowered
};

}  // namespace

GlobalPtr lower(const Program& program, const GlobalProtocol& protocol) {
  auto end = std::make_shared<GlobalNode>();
  end->location = protocol.location;
  return Lowering(program).block(protocol.body, 0, end,
                                 Scope{program.file_of(protocol), {}, {}, nullptr, {}, {}});
}

}  // namespace gtype::projection
