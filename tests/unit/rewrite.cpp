// Meaning-preserving rewrites of .gtype ASTs (see rewrite.h).
#include "rewrite.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <memory>
#include <set>
#include <utility>

namespace gtype_test {
namespace {

using gtype::Block;
using gtype::LocalKind;
using gtype::LocalType;
using gtype::LocalTypePtr;
using gtype::Statement;
using gtype::StatementKind;

std::string renamed(const std::map<std::string, std::string>& map, const std::string& name) {
  auto it = map.find(name);
  return it == map.end() ? name : it->second;
}

// A name `base_N` not in `used`, which it then joins.
std::string fresh_name(const std::string& base, std::set<std::string>& used) {
  for (int n = 1;; ++n) {
    std::string name = base + "_" + std::to_string(n);
    if (used.insert(name).second) return name;
  }
}

// ------------------------------------------------------------------------------ local types

void collect_local(const LocalType& t, Names& out) {
  if (gtype::is_action(t.kind)) out.roles.push_back(t.peer.text);
  if (t.message) out.labels.push_back(t.message->label.text);
  if (t.kind == LocalKind::kRec || t.kind == LocalKind::kVar) out.variables.push_back(t.variable);
  if (t.next) collect_local(*t.next, out);
  for (const LocalTypePtr& branch : t.branches) collect_local(*branch, out);
}

std::set<std::string> variables_in(const LocalType& t) {
  Names names;
  collect_local(t, names);
  return {names.variables.begin(), names.variables.end()};
}

void free_variables(const LocalType& t, std::set<std::string> bound, std::set<std::string>& out) {
  if (t.kind == LocalKind::kVar && !bound.count(t.variable)) out.insert(t.variable);
  if (t.kind == LocalKind::kRec) bound.insert(t.variable);
  if (t.next) free_variables(*t.next, bound, out);
  for (const LocalTypePtr& branch : t.branches) free_variables(*branch, bound, out);
}

bool occurs_free(const LocalType& t, const std::string& variable) {
  std::set<std::string> free;
  free_variables(t, {}, free);
  return free.count(variable) > 0;
}

// `t` with its continuation and branches mapped by `f` (shared when nothing changes).
LocalTypePtr map_children(const LocalTypePtr& t, const std::function<LocalTypePtr(const LocalTypePtr&)>& f) {
  auto copy = std::make_shared<LocalType>(*t);
  bool changed = false;
  if (t->next) {
    copy->next = f(t->next);
    changed = copy->next != t->next;
  }
  for (LocalTypePtr& branch : copy->branches) {
    LocalTypePtr mapped = f(branch);
    changed = changed || mapped != branch;
    branch = std::move(mapped);
  }
  return changed ? copy : t;
}

LocalTypePtr rename_local(const LocalTypePtr& t, const Renaming& renaming) {
  auto copy = std::make_shared<LocalType>(*map_children(t, [&](const LocalTypePtr& c) { return rename_local(c, renaming); }));
  copy->peer.text = renamed(renaming.roles, copy->peer.text);
  if (copy->message) copy->message->label.text = renamed(renaming.labels, copy->message->label.text);
  copy->variable = renamed(renaming.variables, copy->variable);
  return copy;
}

// `type` with its `occurrence`-th node of `kind` (pre-order) replaced by `replace(node)`.
class ReplaceOccurrence {
 public:
  ReplaceOccurrence(LocalKind kind, std::size_t occurrence,
                    std::function<LocalTypePtr(const LocalTypePtr&)> replace)
      : kind_(kind), left_(occurrence), replace_(std::move(replace)) {}

  LocalTypePtr visit(const LocalTypePtr& t) {
    if (done_) return t;
    if (t->kind == kind_ && left_-- == 0) {
      done_ = true;
      return replace_(t);
    }
    return map_children(t, [this](const LocalTypePtr& c) { return visit(c); });
  }
  bool done() const { return done_; }

 private:
  LocalKind kind_;
  std::size_t left_;
  std::function<LocalTypePtr(const LocalTypePtr&)> replace_;
  bool done_ = false;
};

LocalTypePtr replace_occurrence(const LocalTypePtr& type, LocalKind kind, std::size_t occurrence,
                                std::function<LocalTypePtr(const LocalTypePtr&)> replace) {
  ReplaceOccurrence rewrite(kind, occurrence, std::move(replace));
  LocalTypePtr out = rewrite.visit(type);
  assert(rewrite.done() && "the occurrence exists");
  return out;
}

// The `left`-th node of `kind` in pre-order (counting `left` down), or null.
const LocalType* find_local(const LocalType& t, LocalKind kind, std::size_t& left) {
  if (t.kind == kind && left-- == 0) return &t;
  if (t.next) {
    if (const LocalType* found = find_local(*t.next, kind, left)) return found;
  }
  for (const LocalTypePtr& branch : t.branches) {
    if (const LocalType* found = find_local(*branch, kind, left)) return found;
  }
  return nullptr;
}

class Substitution {
 public:
  Substitution(std::string variable, LocalTypePtr replacement, std::set<std::string> used)
      : variable_(std::move(variable)), replacement_(std::move(replacement)), used_(std::move(used)) {
    free_variables(*replacement_, {}, free_in_replacement_);
  }

  LocalTypePtr visit(const LocalTypePtr& t) {
    if (t->kind == LocalKind::kVar) return t->variable == variable_ ? replacement_ : t;
    if (t->kind == LocalKind::kRec && t->variable == variable_) return t;  // shadowed: not ours below
    LocalTypePtr node = t;
    if (t->kind == LocalKind::kRec && free_in_replacement_.count(t->variable) && occurs_free(*t->next, variable_)) {
      // `mu u` would capture the copy's `u`: it becomes `mu u_N` (alpha-renaming).
      auto renamed_rec = std::make_shared<LocalType>(*t);
      renamed_rec->variable = fresh_name(t->variable, used_);
      auto to_fresh = std::make_shared<LocalType>(*t);
      to_fresh->kind = LocalKind::kVar;
      to_fresh->next = nullptr;
      to_fresh->variable = renamed_rec->variable;
      renamed_rec->next = Substitution(t->variable, to_fresh, used_).visit(t->next);
      node = renamed_rec;
    }
    return map_children(node, [this](const LocalTypePtr& c) { return visit(c); });
  }

 private:
  std::string variable_;
  LocalTypePtr replacement_;
  std::set<std::string> used_;
  std::set<std::string> free_in_replacement_;
};

// ------------------------------------------------------------------------------ global protocols

void collect_block(const Block& block, Names& out) {
  for (const Statement& s : block) {
    switch (s.kind) {
      case StatementKind::kSend:
      case StatementKind::kConnect:
      case StatementKind::kDisconnect:
        out.roles.push_back(s.from.text);
        out.roles.push_back(s.to.text);
        break;
      case StatementKind::kChoice:
        out.roles.push_back(s.from.text);
        break;
      case StatementKind::kRec:
      case StatementKind::kContinue:
        out.variables.push_back(s.label.text);
        break;
      case StatementKind::kDo:
        for (const gtype::Name& argument : s.arguments) out.roles.push_back(argument.text);
        break;
      case StatementKind::kEnd:
        break;
    }
    if (s.message) out.labels.push_back(s.message->label.text);
    for (const Block& inner : s.blocks) collect_block(inner, out);
  }
}

void rename_block(Block& block, const Renaming& renaming) {
  for (Statement& s : block) {
    s.from.text = renamed(renaming.roles, s.from.text);
    s.to.text = renamed(renaming.roles, s.to.text);
    for (gtype::Name& argument : s.arguments) argument.text = renamed(renaming.roles, argument.text);
    if (s.message) s.message->label.text = renamed(renaming.labels, s.message->label.text);
    if (s.kind == StatementKind::kRec || s.kind == StatementKind::kContinue)
      s.label.text = renamed(renaming.variables, s.label.text);
    for (Block& inner : s.blocks) rename_block(inner, renaming);
  }
}

struct Place {
  Block* block = nullptr;
  std::size_t index = 0;
};

// The `left`-th statement of `kind` in pre-order (counting `left` down), or none.
Place find_statement(Block& block, StatementKind kind, std::size_t& left) {
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (block[i].kind == kind && left-- == 0) return {&block, i};
    for (Block& inner : block[i].blocks) {
      Place found = find_statement(inner, kind, left);
      if (found.block) return found;
    }
  }
  return {};
}

Statement& statement_at(Block& block, StatementKind kind, std::size_t occurrence) {
  Place place = find_statement(block, kind, occurrence);
  assert(place.block && "the occurrence exists");
  return (*place.block)[place.index];
}

// Whether `s` holds a `continue label;` that refers to a `rec label` around `s`.
bool refers_to(const Statement& s, const std::string& label) {
  if (s.kind == StatementKind::kContinue) return s.label.text == label;
  if (s.kind == StatementKind::kRec && s.label.text == label) return false;  // shadowed
  for (const Block& inner : s.blocks) {
    for (const Statement& t : inner) {
      if (refers_to(t, label)) return true;
    }
  }
  return false;
}

bool only_ends_after(const Block& block, std::size_t index) {
  return std::all_of(block.begin() + static_cast<std::ptrdiff_t>(index) + 1, block.end(),
                     [](const Statement& s) { return s.kind == StatementKind::kEnd; });
}

// Whether every `continue label;` of `block` that refers to the enclosing `rec label` ends every
// block on its way out of `block` (`end;` markers aside).
bool continues_in_tail(const Block& block, const std::string& label) {
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (!refers_to(block[i], label)) continue;
    if (!only_ends_after(block, i)) return false;
    for (const Block& inner : block[i].blocks) {
      if (!continues_in_tail(inner, label)) return false;
    }
  }
  return true;
}

void unfoldable(const Block& block, std::size_t& index, std::vector<std::size_t>& out) {
  for (const Statement& s : block) {
    if (s.kind == StatementKind::kRec) {
      if (continues_in_tail(s.blocks.at(0), s.label.text)) out.push_back(index);
      ++index;
    }
    for (const Block& inner : s.blocks) unfoldable(inner, index, out);
  }
}

void free_labels(const Block& block, std::set<std::string> bound, std::set<std::string>& out) {
  for (const Statement& s : block) {
    if (s.kind == StatementKind::kContinue && !bound.count(s.label.text)) out.insert(s.label.text);
    std::set<std::string> inner_bound = bound;
    if (s.kind == StatementKind::kRec) inner_bound.insert(s.label.text);
    for (const Block& inner : s.blocks) free_labels(inner, inner_bound, out);
  }
}

// Every `continue from;` of `block` that refers to the `rec from` around it becomes `continue to;`.
void relabel_continues(Block& block, const std::string& from, const std::string& to) {
  for (Statement& s : block) {
    if (s.kind == StatementKind::kContinue && s.label.text == from) s.label.text = to;
    if (s.kind == StatementKind::kRec && s.label.text == from) continue;  // shadowed
    for (Block& inner : s.blocks) relabel_continues(inner, from, to);
  }
}

// In `block` (within the body of `loop`), each `continue` that refers to `loop` becomes a copy
// of `loop`; a `rec U` around such a `continue`, where U is free in `loop`, is renamed first.
void replace_continues(Block& block, const Statement& loop, const std::set<std::string>& free_in_loop,
                       std::set<std::string>& used) {
  const std::string& label = loop.label.text;
  for (Statement& s : block) {
    if (!refers_to(s, label)) continue;
    if (s.kind == StatementKind::kContinue) {
      s = loop;
      continue;
    }
    if (s.kind == StatementKind::kRec && free_in_loop.count(s.label.text)) {
      const std::string fresh = fresh_name(s.label.text, used);
      relabel_continues(s.blocks.at(0), s.label.text, fresh);
      s.label.text = fresh;
    }
    for (Block& inner : s.blocks) replace_continues(inner, loop, free_in_loop, used);
  }
}

}  // namespace

Names names_of(const gtype::SourceFile& file) {
  Names names;
  for (const gtype::GlobalProtocol& protocol : file.protocols) {
    for (const gtype::Name& role : protocol.roles) names.roles.push_back(role.text);
    collect_block(protocol.body, names);
  }
  for (const gtype::LocalSystem& system : file.local_systems) {
    for (const gtype::LocalRole& role : system.roles) {
      names.roles.push_back(role.role.text);
      collect_local(*role.type, names);
    }
  }
  for (std::vector<std::string>* list : {&names.roles, &names.labels, &names.variables}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  return names;
}

gtype::SourceFile rename(const gtype::SourceFile& file, const Renaming& renaming) {
  gtype::SourceFile out = file;
  for (gtype::GlobalProtocol& protocol : out.protocols) {
    for (gtype::Name& role : protocol.roles) role.text = renamed(renaming.roles, role.text);
    rename_block(protocol.body, renaming);
  }
  for (gtype::LocalSystem& system : out.local_systems) {
    for (gtype::LocalRole& role : system.roles) {
      role.role.text = renamed(renaming.roles, role.role.text);
      role.type = rename_local(role.type, renaming);
    }
  }
  return out;
}

std::size_t count_local(const LocalType& type, LocalKind kind) {
  std::size_t n = type.kind == kind ? 1 : 0;
  if (type.next) n += count_local(*type.next, kind);
  for (const LocalTypePtr& branch : type.branches) n += count_local(*branch, kind);
  return n;
}

LocalTypePtr wrap_variable(const LocalTypePtr& type, std::size_t occurrence, const std::string& fresh) {
  return replace_occurrence(type, LocalKind::kVar, occurrence, [&](const LocalTypePtr& t) {
    auto mu = std::make_shared<LocalType>();
    mu->kind = LocalKind::kRec;
    mu->location = t->location;
    mu->variable = fresh;
    mu->next = t;
    return LocalTypePtr(mu);
  });
}

LocalTypePtr substitute(const LocalTypePtr& body, const std::string& variable, const LocalTypePtr& replacement) {
  std::set<std::string> used = variables_in(*body);
  used.merge(variables_in(*replacement));
  return Substitution(variable, replacement, std::move(used)).visit(body);
}

LocalTypePtr unfold_mu(const LocalTypePtr& type, std::size_t occurrence) {
  return replace_occurrence(type, LocalKind::kRec, occurrence,
                            [](const LocalTypePtr& mu) { return substitute(mu->next, mu->variable, mu); });
}

std::size_t choice_branches(const LocalType& type, std::size_t occurrence) {
  const LocalType* choice = find_local(type, LocalKind::kChoice, occurrence);
  assert(choice && "the occurrence exists");
  return choice->branches.size();
}

LocalTypePtr reorder_branches(const LocalTypePtr& type, std::size_t occurrence, const std::vector<std::size_t>& order) {
  return replace_occurrence(type, LocalKind::kChoice, occurrence, [&](const LocalTypePtr& choice) {
    assert(order.size() == choice->branches.size());
    auto copy = std::make_shared<LocalType>(*choice);
    for (std::size_t i = 0; i < order.size(); ++i) copy->branches[i] = choice->branches.at(order[i]);
    return LocalTypePtr(copy);
  });
}

std::size_t count_statements(const Block& block, StatementKind kind) {
  std::size_t n = 0;
  for (const Statement& s : block) {
    n += s.kind == kind ? 1 : 0;
    for (const Block& inner : s.blocks) n += count_statements(inner, kind);
  }
  return n;
}

void wrap_continue(Block& block, std::size_t occurrence, const std::string& fresh) {
  Statement& target = statement_at(block, StatementKind::kContinue, occurrence);
  Statement rec;
  rec.kind = StatementKind::kRec;
  rec.location = target.location;
  rec.label = gtype::Name{fresh, target.location};
  rec.blocks.push_back(Block{target});
  target = std::move(rec);
}

std::vector<std::size_t> unfoldable_recs(const Block& block) {
  std::vector<std::size_t> out;
  std::size_t index = 0;
  unfoldable(block, index, out);
  return out;
}

void unfold_rec(Block& block, std::size_t occurrence) {
  Names names;
  collect_block(block, names);
  std::set<std::string> used(names.variables.begin(), names.variables.end());
  Place place = find_statement(block, StatementKind::kRec, occurrence);
  assert(place.block && "the occurrence exists");
  const Statement loop = (*place.block)[place.index];
  assert(continues_in_tail(loop.blocks.at(0), loop.label.text) && "one of unfoldable_recs");
  std::set<std::string> free_in_loop;
  free_labels({loop}, {}, free_in_loop);
  Block body = loop.blocks.at(0);
  replace_continues(body, loop, free_in_loop, used);
  if (!body.empty() && body.back().kind == StatementKind::kEnd) body.pop_back();
  Block& parent = *place.block;
  parent.erase(parent.begin() + static_cast<std::ptrdiff_t>(place.index));
  parent.insert(parent.begin() + static_cast<std::ptrdiff_t>(place.index), body.begin(), body.end());
}

std::size_t choice_branches(const Block& block, std::size_t occurrence) {
  Block copy = block;  // statement_at finds places to change
  return statement_at(copy, StatementKind::kChoice, occurrence).blocks.size();
}

Block inline_calls(const Block& block, const gtype::SourceFile& file, int depth) {
  Block out;
  for (const Statement& s : block) {
    const gtype::GlobalProtocol* callee = nullptr;
    for (const gtype::GlobalProtocol& protocol : file.protocols) {
      if (s.kind == StatementKind::kDo && protocol.name.text == s.label.text) callee = &protocol;
    }
    if (!callee || depth <= 0 || callee->roles.size() != s.arguments.size()) {
      out.push_back(s);
      for (Block& inner : out.back().blocks) inner = inline_calls(inner, file, depth);
      continue;
    }
    Renaming bound;
    for (std::size_t i = 0; i < callee->roles.size(); ++i) bound.roles[callee->roles[i].text] = s.arguments[i].text;
    Block body = inline_calls(callee->body, file, depth - 1);
    rename_block(body, bound);
    out.insert(out.end(), body.begin(), body.end());
  }
  return out;
}

void reorder_choice(Block& block, std::size_t occurrence, const std::vector<std::size_t>& order) {
  Statement& choice = statement_at(block, StatementKind::kChoice, occurrence);
  assert(order.size() == choice.blocks.size());
  std::vector<Block> branches;
  for (std::size_t i : order) branches.push_back(choice.blocks.at(i));
  choice.blocks = std::move(branches);
}

}  // namespace gtype_test
