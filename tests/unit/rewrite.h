// Rewrites of .gtype ASTs that keep their meaning, for the metamorphic properties of `gtype
// verify` (metamorphic_test.cpp): renaming, wrapping a variable in a vacuous `mu` / `rec`,
// unfolding a loop once, reordering the branches of a choice. Each takes the place to rewrite
// as an index (the k-th node of its kind, in pre-order), so the test draws it and shrinks it.
//
// Pre-order: a node before its continuation and its branches, branches in order; for global
// protocols, a statement before the blocks it holds, then the statements after it.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "gtype/ast.h"

namespace gtype_test {

// Bijections of names, one per kind of name; a name a map does not hold is kept.
struct Renaming {
  std::map<std::string, std::string> roles;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> variables;  // `mu` variables and `rec` labels
};

// The names of each kind a file uses (roles, message labels, recursion variables), sorted.
struct Names {
  std::vector<std::string> roles, labels, variables;
};
Names names_of(const gtype::SourceFile& file);

// Every role, label and recursion variable of `file` renamed (payload sorts, protocol and
// system names kept).
gtype::SourceFile rename(const gtype::SourceFile& file, const Renaming& renaming);

// ------------------------------------------------------------------------------ local types

// How many nodes of `kind` `type` holds.
std::size_t count_local(const gtype::LocalType& type, gtype::LocalKind kind);

// The `occurrence`-th variable `t` as `mu fresh.t` (`fresh` must occur nowhere in `type`).
gtype::LocalTypePtr wrap_variable(const gtype::LocalTypePtr& type, std::size_t occurrence,
                                  const std::string& fresh);

// The `occurrence`-th `mu t.S` as `S[mu t.S / t]`: only the `t`s bound by that `mu` replaced,
// and an inner `mu u` that would capture a free `u` of the copy renamed to a fresh variable.
gtype::LocalTypePtr unfold_mu(const gtype::LocalTypePtr& type, std::size_t occurrence);

// `body` with the free `variable`s replaced by `replacement`, without capture (see unfold_mu).
gtype::LocalTypePtr substitute(const gtype::LocalTypePtr& body, const std::string& variable,
                               const gtype::LocalTypePtr& replacement);

// How many branches the `occurrence`-th choice has.
std::size_t choice_branches(const gtype::LocalType& type, std::size_t occurrence);

// The `occurrence`-th choice with its branches in `order` (a permutation of their indices).
gtype::LocalTypePtr reorder_branches(const gtype::LocalTypePtr& type, std::size_t occurrence,
                                     const std::vector<std::size_t>& order);

// ------------------------------------------------------------------------------ global protocols

// How many statements of `kind` `block` holds, nested ones included (not through `do`).
std::size_t count_statements(const gtype::Block& block, gtype::StatementKind kind);

// The `occurrence`-th `continue X;` as `rec fresh { continue X; }` (`fresh` is no label of
// the protocol).
void wrap_continue(gtype::Block& block, std::size_t occurrence, const std::string& fresh);

// The `rec`s (their pre-order indices among the `rec`s) that unfold_rec can unfold: those whose
// every `continue` is in tail position of the body. A `continue X;` followed (in an enclosing
// block within the body) by more statements cannot become `rec X { B }`: where the copy falls
// through, it would do those statements again, where the loop went on after `rec X { B }`.
std::vector<std::size_t> unfoldable_recs(const gtype::Block& block);

// The `occurrence`-th `rec X { B }` (one of unfoldable_recs) replaced by B, each `continue X;`
// that refers to it replaced by `rec X { B }`; an inner `rec U` that would capture a free
// `continue U;` of the copy gets a fresh label; a trailing `end;` of B is dropped (it marks the
// end of a block only).
void unfold_rec(gtype::Block& block, std::size_t occurrence);

// How many branches the `occurrence`-th choice has.
std::size_t choice_branches(const gtype::Block& block, std::size_t occurrence);

// `block` with every `do` replaced by the body of the protocol of `file` it calls, its roles
// bound to the arguments, nested calls too (the random files call only earlier protocols;
// calls deeper than `depth` stay as they are). `rec` labels are kept: a callee's `continue`s
// refer to its own `rec`s, which come with them.
gtype::Block inline_calls(const gtype::Block& block, const gtype::SourceFile& file, int depth = 50);

// The `occurrence`-th choice with its branches in `order` (a permutation of their indices).
void reorder_choice(gtype::Block& block, std::size_t occurrence, const std::vector<std::size_t>& order);

}  // namespace gtype_test
