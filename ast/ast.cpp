#include <algorithm>

#include "gtype/ast.h"

namespace gtype {

bool is_action(LocalKind kind) {
  switch (kind) {
    case LocalKind::kSend:
    case LocalKind::kReceive:
    case LocalKind::kConnect:
    case LocalKind::kAccept:
    case LocalKind::kDisconnect:
      return true;
    default:
      return false;
  }
}

bool is_output(LocalKind kind) { return kind == LocalKind::kSend || kind == LocalKind::kConnect; }
bool is_input(LocalKind kind) { return kind == LocalKind::kReceive || kind == LocalKind::kAccept; }

namespace {

template <typename T, typename Eq>
bool same_list(const std::vector<T>& a, const std::vector<T>& b, Eq eq) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), eq);
}

bool same_name(const Name& a, const Name& b) { return a.text == b.text; }

bool same_optional_message(const std::optional<Message>& a, const std::optional<Message>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || same_message(*a, *b);
}

bool same_do_argument(const DoArgument& a, const DoArgument& b) {
  return same_optional_message(a.message, b.message) && a.sort.has_value() == b.sort.has_value() &&
         (!a.sort || same_sort(*a.sort, *b.sort));
}

bool same_statement(const Statement& a, const Statement& b) {
  return a.kind == b.kind && same_name(a.from, b.from) && same_name(a.to, b.to) &&
         same_optional_message(a.message, b.message) && same_name(a.label, b.label) &&
         same_list(a.arguments, b.arguments, same_name) &&
         same_list(a.parameter_arguments, b.parameter_arguments, same_do_argument) &&
         same_list(a.blocks, b.blocks, same_block);
}

bool same_local_ptr(const LocalTypePtr& a, const LocalTypePtr& b) {
  if (!a || !b) return !a && !b;
  // Projection shares continuations between branches: a shared subtree is equal to itself
  // without a walk (which would be exponential in the number of choices in a row).
  if (a == b) return true;
  return same_local_type(*a, *b);
}

}  // namespace

std::optional<SortRef> argument_sort(const DoArgument& argument) {
  if (argument.sort) return argument.sort;
  if (argument.message && argument.message->signature)
    return SortRef{argument.message->label.text, {}, argument.message->label.location};
  return std::nullopt;
}

std::optional<Message> argument_message(const DoArgument& argument) {
  if (argument.message) return argument.message;
  const SortRef& sort = *argument.sort;
  if (!sort.arguments.empty() || sort.name.find('.') != std::string::npos) return std::nullopt;
  return Message{{sort.name, sort.location}, {}, {}, true};
}

bool same_sort(const SortRef& a, const SortRef& b) {
  return a.name == b.name && same_list(a.arguments, b.arguments, same_sort);
}

bool same_message(const Message& a, const Message& b) {
  return same_name(a.label, b.label) && same_list(a.payload, b.payload, same_sort);
}

bool same_block(const Block& a, const Block& b) { return same_list(a, b, same_statement); }

bool same_protocol(const GlobalProtocol& a, const GlobalProtocol& b) {
  auto same_parameter = [](const ProtocolParameter& x, const ProtocolParameter& y) {
    return x.kind == y.kind && same_name(x.name, y.name);
  };
  return same_name(a.name, b.name) && a.explicit_connections == b.explicit_connections && a.aux == b.aux &&
         same_list(a.roles, b.roles, same_name) && same_list(a.parameters, b.parameters, same_parameter) &&
         same_block(a.body, b.body);
}

bool same_local_type(const LocalType& a, const LocalType& b) {
  return a.kind == b.kind && same_name(a.peer, b.peer) && same_optional_message(a.message, b.message) &&
         same_local_ptr(a.next, b.next) && same_list(a.branches, b.branches, same_local_ptr) &&
         a.variable == b.variable;
}

bool same_file(const SourceFile& a, const SourceFile& b) {
  auto same_module = [](const std::optional<Name>& x, const std::optional<Name>& y) {
    return x.has_value() == y.has_value() && (!x || x->text == y->text);
  };
  auto same_import = [](const ImportDecl& x, const ImportDecl& y) {
    return x.path == y.path && x.module == y.module && x.alias == y.alias;
  };
  auto same_type = [](const TypeDecl& x, const TypeDecl& y) {
    return x.alias.text == y.alias.text && x.schema == y.schema && x.host_type == y.host_type &&
           x.header == y.header;
  };
  auto same_sig = [](const SigDecl& x, const SigDecl& y) {
    return x.alias.text == y.alias.text && x.schema == y.schema && x.host_type == y.host_type &&
           x.source == y.source;
  };
  auto same_field = [](const Field& x, const Field& y) {
    return x.name.text == y.name.text && same_sort(x.sort, y.sort);
  };
  auto same_sort_decl = [&](const SortDecl& x, const SortDecl& y) {
    return x.name.text == y.name.text && same_list(x.fields, y.fields, same_field);
  };
  auto same_role = [](const LocalRole& x, const LocalRole& y) {
    return x.role.text == y.role.text && same_local_ptr(x.type, y.type);
  };
  auto same_system = [&](const LocalSystem& x, const LocalSystem& y) {
    return x.name.text == y.name.text && x.explicit_connections == y.explicit_connections &&
           same_list(x.roles, y.roles, same_role);
  };
  return same_module(a.module, b.module) && same_list(a.imports, b.imports, same_import) &&
         same_list(a.types, b.types, same_type) && same_list(a.sigs, b.sigs, same_sig) &&
         same_list(a.sorts, b.sorts, same_sort_decl) && same_list(a.protocols, b.protocols, same_protocol) &&
         same_list(a.local_systems, b.local_systems, same_system);
}

}  // namespace gtype
