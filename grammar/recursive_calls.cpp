// Pass: recursion through `do` (the contract's "Scribble and νScr compatibility").
//
// Rewrites the body of every protocol that reaches itself through `do` so that no `do` cycle is
// left for the checker and projection: each call of a protocol in a cycle is inlined, with its
// roles renamed, and a call that comes back to a protocol already being inlined with the same
// roles, in tail position all the way out to that inlining, becomes a `continue` of a `rec`
// wrapped around it (named after the protocol). A call with other roles (permuted) is inlined
// once more; role bindings are finite, so the unrolling stops. Reports, and drops, a recursive
// call that is not in tail position (what follows it would have to be remembered once per
// round: no finite-state projection exists), a cycle through protocols of several files (the
// inlined statements would name what only their own file sees), and an unrolling deeper than
// kMaxUnrolling or wider than kMaxUnrolledCalls. Does not check anything else: the rewritten protocol is
// checked as written.
#include <algorithm>
#include <cassert>
#include <map>
#include <set>
#include <utility>

#include "gtype/program.h"

namespace gtype {
namespace {

constexpr std::size_t kMaxUnrolling = 32;          // nested inlinings of protocols in cycles
constexpr std::size_t kMaxUnrolledCalls = 10'000;  // inlinings for one protocol (permutations
                                                   // of many roles could multiply them)

struct Frame {
  const GlobalProtocol* protocol;
  std::map<std::string, std::string> roles;  // the protocol's role -> the role it plays
  std::string label;                         // of the `rec` that a recursive call continues
  bool used = false;                         // some call continued it
  bool tail_in_parent = true;                // the call that opened it ends its caller's frame
  const Statement* call = nullptr;           // null for the protocol being rewritten
};

// Whether every statement of `block` after `index` is `end;` (which does nothing).
bool last_in(const Block& block, std::size_t index) {
  return std::all_of(block.begin() + static_cast<std::ptrdiff_t>(index) + 1, block.end(),
                     [](const Statement& s) { return s.kind == StatementKind::kEnd; });
}

void collect_labels(const Block& block, std::set<std::string>& out) {
  for (const Statement& s : block) {
    if (s.kind == StatementKind::kRec) out.insert(s.label.text);
    for (const Block& inner : s.blocks) collect_labels(inner, out);
  }
}

class Unroller {
 public:
  Unroller(const Program& program, DiagnosticEngine& diagnostics, std::set<std::string> labels,
           std::set<const Statement*>& reported)
      : program_(program), diagnostics_(diagnostics), labels_(std::move(labels)), reported_(reported) {}

  Block rewrite(const GlobalProtocol& protocol) {
    Frame top{&protocol, {}, fresh(protocol.name.text)};
    for (const Name& role : protocol.roles) top.roles[role.text] = role.text;
    frames_.push_back(top);
    Block body;
    expand(protocol.body, body, true);
    return close_frame(std::move(body), protocol.location);
  }

 private:
  // Pops the innermost frame: its statements, in a `rec` when some call continues it.
  Block close_frame(Block body, SourceLocation location) {
    const Frame frame = frames_.back();
    frames_.pop_back();
    if (!frame.used) return body;
    Statement loop{StatementKind::kRec, location, {}, {}, std::nullopt, {frame.label, location}, {}, {}, {}};
    loop.blocks.push_back(std::move(body));
    return Block{std::move(loop)};
  }

  std::string fresh(const std::string& base) {
    std::string name = base;
    int& n = next_suffix_.emplace(base, 2).first->second;  // suffixes below n are taken
    while (labels_.count(name)) name = base + "_" + std::to_string(n++);
    labels_.insert(name);
    return name;
  }

  Name role(const Name& name) const {
    const auto& roles = frames_.back().roles;
    auto it = roles.find(name.text);
    return it == roles.end() ? name : Name{it->second, name.location};
  }

  // Appends `in`, rewritten in the innermost frame, to `out`; `tail`: nothing follows `in` up to
  // the end of the innermost frame.
  void expand(const Block& in, Block& out, bool tail) {
    for (std::size_t i = 0; i < in.size(); ++i) {
      const Statement& s = in[i];
      const bool at_tail = tail && last_in(in, i);
      if (s.kind == StatementKind::kDo) {
        call(s, out, at_tail);
        continue;
      }
      if (s.kind == StatementKind::kEnd && frames_.size() > 1) continue;  // a callee's `end;`
      Statement copy{s.kind, s.location, role(s.from), role(s.to), s.message, s.label, s.arguments, {}, {}};
      copy.blocks.resize(s.blocks.size());
      for (std::size_t b = 0; b < s.blocks.size(); ++b) expand(s.blocks[b], copy.blocks[b], at_tail);
      out.push_back(std::move(copy));
    }
  }

  void call(const Statement& s, Block& out, bool tail) {
    const std::size_t file = program_.file_of(*frames_.back().protocol);
    const GlobalProtocol* callee = program_.find_protocol(file, s.label.text);
    Statement copy = s;
    for (Name& argument : copy.arguments) argument = role(argument);
    std::set<std::string> passed;
    for (const Name& argument : copy.arguments) passed.insert(argument.text);
    if (callee == nullptr || callee->roles.size() != s.arguments.size() || !program_.in_do_cycle(*callee) ||
        passed.size() != s.arguments.size() || s.parameter_arguments.size() != callee->parameters.size()) {
      out.push_back(std::move(copy));  // an ordinary call (or an error the roles pass reports)
      return;
    }
    if (!passes_parameters_through(s, *callee)) {
      diagnostics_.error(s.location, "not supported: recursion through 'do' that gives '" +
                                         callee->name.text +
                                         "' other parameter arguments than its own parameters, in order");
      return;
    }
    std::map<std::string, std::string> roles;
    for (std::size_t k = 0; k < callee->roles.size(); ++k)
      roles[callee->roles[k].text] = copy.arguments[k].text;
    for (std::size_t f = 0; f < frames_.size(); ++f) {
      if (frames_[f].protocol != callee || frames_[f].roles != roles) continue;
      if (!tail_from(f, tail)) {
        not_in_tail(s, f, tail);
        return;
      }
      frames_[f].used = true;
      out.push_back(Statement{StatementKind::kContinue,
                              s.location,
                              {},
                              {},
                              std::nullopt,
                              {frames_[f].label, s.location},
                              {},
                              {},
                              {}});
      return;
    }
    if (program_.file_of(*callee) != program_.file_of(*frames_.front().protocol)) {
      diagnostics_.error(s.location, "not supported: recursion through 'do' across files ('" +
                                         callee->name.text + "' is declared in another file than '" +
                                         frames_.front().protocol->name.text + "')");
      return;
    }
    if (frames_.size() >= kMaxUnrolling || ++unrolled_ > kMaxUnrolledCalls) {
      if (!too_large_)
        diagnostics_.error(s.location, "recursion through 'do' unrolls more than " +
                                           std::to_string(kMaxUnrolling) + " calls deep or " +
                                           std::to_string(kMaxUnrolledCalls) +
                                           " calls in all before its role arguments repeat");
      too_large_ = true;
      return;
    }
    frames_.push_back(Frame{callee, std::move(roles), fresh(callee->name.text), false, tail, &s});
    Block body;
    expand(callee->body, body, true);
    for (Statement& statement : close_frame(std::move(body), s.location)) out.push_back(std::move(statement));
  }

  // Whether a call of `callee` inside a cycle gives it its own parameters, by name and kind, as
  // the protocol being inlined declares them: then the inlined statements need no substitution.
  bool passes_parameters_through(const Statement& call, const GlobalProtocol& callee) const {
    assert(call.parameter_arguments.size() == callee.parameters.size() && "checked by call()");
    const std::vector<ProtocolParameter>& own = frames_.back().protocol->parameters;
    for (std::size_t i = 0; i < callee.parameters.size(); ++i) {
      const ProtocolParameter& parameter = callee.parameters[i];
      const std::optional<Message> bare = argument_message(call.parameter_arguments[i]);
      if (!bare || !bare->signature || bare->label.text != parameter.name.text) return false;
      const bool declared = std::any_of(own.begin(), own.end(), [&](const ProtocolParameter& p) {
        return p.kind == parameter.kind && p.name.text == parameter.name.text;
      });
      if (!declared) return false;
    }
    return true;
  }

  // Whether a call at `tail` in the innermost frame ends every frame out to frames_[outer].
  bool tail_from(std::size_t outer, bool tail) const {
    for (std::size_t f = outer + 1; f < frames_.size() && tail; ++f) tail = frames_[f].tail_in_parent;
    return tail;
  }

  // Reports the call that is not in tail position on the way from frames_[outer] to `back`, the
  // call that comes back to it (`tail`: whether `back` itself is in tail position); each such
  // call once, whichever protocol's rewriting finds it.
  void not_in_tail(const Statement& back, std::size_t outer, bool tail) {
    const Statement* culprit = &back;
    std::string callee = back.label.text;
    for (std::size_t f = frames_.size() - 1; tail && f > outer; --f) {
      if (frames_[f].tail_in_parent) continue;
      culprit = frames_[f].call;
      callee = frames_[f].protocol->name.text;
      break;
    }
    if (!reported_.insert(culprit).second) return;
    const std::string& target = frames_[outer].protocol->name.text;
    const std::string what = callee == target
                                 ? "this call of '" + callee + "'"
                                 : "this call of '" + callee + "', which comes back to '" + target + "'";
    Diagnostic& d = diagnostics_.error(
        culprit->location, "recursion through 'do' that is not in tail position: something follows " + what +
                               ", so no finite-state projection exists");
    if (culprit != &back)
      d.notes.push_back({back.location, "'" + frames_.back().protocol->name.text + "' calls '" +
                                            back.label.text + "' here"});
  }

  const Program& program_;
  DiagnosticEngine& diagnostics_;
  std::set<std::string> labels_;            // every `rec` label in use: generated ones stay apart
  std::set<const Statement*>& reported_;    // calls reported not in tail position
  std::vector<Frame> frames_;               // the protocols being inlined, outermost first
  std::map<std::string, int> next_suffix_;  // per base of fresh(): the next suffix to try
  std::size_t unrolled_ = 0;                // calls inlined so far
  bool too_large_ = false;                  // reported once
};

}  // namespace

void unroll_recursive_calls(Program& program, DiagnosticEngine& diagnostics) {
  std::set<std::string> labels;
  for (const SourceFile& file : program.files) {
    for (const GlobalProtocol& protocol : file.protocols) collect_labels(protocol.body, labels);
  }
  // Rewritten from the original bodies, then replaced all at once.
  std::vector<std::pair<GlobalProtocol*, Block>> rewritten;
  std::set<const Statement*> reported;
  for (SourceFile& file : program.files) {
    for (GlobalProtocol& protocol : file.protocols) {
      if (!program.in_do_cycle(protocol)) continue;
      Unroller unroller(program, diagnostics, labels, reported);
      rewritten.emplace_back(&protocol, unroller.rewrite(protocol));
    }
  }
  for (auto& [protocol, body] : rewritten) protocol->body = std::move(body);
  program.forget_index();
}

}  // namespace gtype
