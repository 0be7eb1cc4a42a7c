// Pass: system of communicating automata -> Promela model, for SPIN (`gtype promela`).
//
// Encodes exactly the successor function of explorer_inl.h (contract, section 2):
//   * each role's machine state is a global `byte` (`short` beyond 256 states), `st_<role>`;
//     a role is idle in its resting states (resting_states), a macro of its state;
//   * explicit systems: one `bool conn_<a>_<b>` per pair that can ever connect (a pair that never
//     connects is never connected); other systems: a pair is connected while neither role has
//     ended;
//   * one channel `q_<from>_<to> = [K] of { mtype }` per ordered pair that ever carries a message
//     (`short` messages beyond SPIN's 255 mtype names);
//   * every transition is one `atomic { guard -> effects }` option of the `do` loop of its role's
//     process, labelled `end:` so that a role blocked there is a valid end state for SPIN: a send
//     needs the connection and `nfull`, a receive polls the head (`q?[m]`) before taking it, a
//     connect needs the pair unconnected and the peer in a state that accepts it with the same
//     message, and moves both roles in one step (accepts are passive), a disconnect clears the
//     pair, and a role reaching its end state clears all its pairs; the effects come in the
//     order the explorer applies them;
//   * a watchdog: when no step is possible (SPIN's `timeout`), every role has ended or is idle
//     (still in its initial state, which only accepts, never left);
//   * each role's process declares `xr` for the channels it reads (it alone receives from them
//     and polls them), so that SPIN's partial-order reduction may take its receives as local;
//     nobody else tests a channel but with nfull, which SPIN allows with xr. (`xs` cannot be
//     declared: the receiver's poll counts as a write.) Not with excuse_explained.
// As `gtype verify` does, the watchdog excuses a stuck configuration where some role waits to
// send into a full queue (the verdict is then `inconclusive`, the bound reached, never deadlock).
// Not encoded: the other violation kinds (reception-error, unconnected, connection-error,
// synchronisation-error, orphan-message, role-progress, eventual-reception) as properties; a
// configuration where a role can receive nothing from the head of its queue is, for SPIN, just
// stuck. The option `excuse_explained` (tests only) mirrors the one place where the verifier uses
// them for stuck configurations: it reports a stuck configuration that one of the first four
// explains as that violation, not as deadlock or unfinished-role.
#include "gtype/promela.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "gtype/print.h"
#include "gtype/verify.h"

namespace gtype {
namespace {

constexpr std::size_t kTypeCommentWidth = 100;

// Identifiers of the model, unique even where role names with underscores would make the
// obvious spellings collide (`q_a_b_c`); the first to ask gets the plain spelling.
class Names {
 public:
  Names() {
    for (const char* fixed : {"SETTLED", "BOUND_REACHED", "EXPLAINED", "watchdog"}) taken_.insert(fixed);
  }
  std::string unique(const std::string& wanted) {
    std::string name = wanted;
    for (int n = 2; taken_.count(name); ++n) name = wanted + "_" + std::to_string(n);
    taken_.insert(name);
    return name;
  }

 private:
  std::set<std::string> taken_;
};

// The local type a state implements, on one line of a comment.
std::string type_comment(const LocalTypePtr& type) {
  std::string text = type ? print_local_type(*type) : std::string("?");
  if (text.size() > kTypeCommentWidth) text = text.substr(0, kTypeCommentWidth - 3) + "...";
  for (std::size_t at = text.find("*/"); at != std::string::npos; at = text.find("*/"))
    text.replace(at, 2, "* /");
  return text;
}

// (text), built by appending: GCC 12 warns falsely (-Wrestrict) on "(" + std::string.
std::string parenthesised(const std::string& text) {
  std::string out(1, '(');
  out += text;
  out += ')';
  return out;
}

// `a && b && ...`, without `true`s; `false` when one of them is.
std::string conjunction(const std::vector<std::string>& terms) {
  std::string out;
  for (const std::string& term : terms) {
    if (term == "false") return "false";
    if (term == "true" || term.empty()) continue;
    if (!out.empty()) out += " && ";
    out += term;
  }
  return out.empty() ? "true" : out;
}

// The terms, each once, in their first order.
std::vector<std::string> distinct(const std::vector<std::string>& terms) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& term : terms) {
    if (seen.insert(term).second) out.push_back(term);
  }
  return out;
}

// A macro body: `(a) || (b) || ...` over several lines, or `false`.
std::string disjunction_macro(const std::string& name, const std::vector<std::string>& terms) {
  std::vector<std::string> kept;
  for (const std::string& term : terms) {
    if (term != "false") kept.push_back(term);
  }
  if (kept.empty()) return "#define " + name + " false\n";
  std::string out = "#define " + name + " ( \\\n";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    out += "    (" + kept[i] + ")" + (i + 1 < kept.size() ? " || \\\n" : " )\n");
  }
  return out;
}

class PromelaWriter {
 public:
  PromelaWriter(const AutomatonSystem& system, const PromelaOptions& options)
      : system_(system), options_(options), roles_(static_cast<std::uint32_t>(system.roles.size())) {
    assert(options.bound >= 1);
    name_everything();
  }

  std::string run() {
    header();
    declarations();
    macros();
    for (std::uint32_t r = 0; r < roles_; ++r) role_process(r);
    watchdog();
    return out_.str();
  }

 private:
  // ---------------------------------------------------------------- what the layout tracks

  void name_everything() {
    pair_.assign(std::size_t{roles_} * roles_, -1);
    queue_.assign(std::size_t{roles_} * roles_, -1);
    for (std::uint32_t r = 0; r < roles_; ++r) {
      for (const AutomatonState& s : system_.machines[r].states) {
        for (const Transition& t : s.out) {
          if (system_.explicit_connections && t.kind == ActionKind::kConnect &&
              pair_[r * roles_ + t.peer] < 0) {
            const auto [a, b] = std::minmax(r, t.peer);
            pair_[r * roles_ + t.peer] = pair_[t.peer * roles_ + r] =
                static_cast<std::int32_t>(pairs_.size());
            pairs_.push_back({a, b});
          }
          if (t.kind == ActionKind::kSend && queue_[r * roles_ + t.peer] < 0) {
            queue_[r * roles_ + t.peer] = static_cast<std::int32_t>(queues_.size());
            queues_.push_back({r, t.peer});
          }
        }
      }
    }
    // Pairs in role order, as a reader expects them.
    std::sort(pairs_.begin(), pairs_.end());
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
      const auto [a, b] = pairs_[i];
      pair_[a * roles_ + b] = pair_[b * roles_ + a] = static_cast<std::int32_t>(i);
    }
    for (std::uint32_t r = 0; r < roles_; ++r) {
      const std::string& role = system_.roles[r];
      state_var_.push_back(names_.unique("st_" + role));
      ended_macro_.push_back(names_.unique("ENDED_" + role));
      idle_macro_.push_back(names_.unique("IDLE_" + role));
      process_.push_back(names_.unique("role_" + role));
    }
    for (const auto& [a, b] : pairs_)
      pair_var_.push_back(names_.unique("conn_" + system_.roles[a] + "_" + system_.roles[b]));
    for (const auto& [from, to] : queues_) {
      queue_var_.push_back(names_.unique("q_" + system_.roles[from] + "_" + system_.roles[to]));
    }
    use_mtype_ = system_.messages.size() <= 255;
    for (const Message& message : system_.messages)
      message_name_.push_back(names_.unique("m_" + message.label.text));
  }

  bool is_end(std::uint32_t role, std::uint32_t state) const { return system_.machines[role].is_end(state); }
  bool has_end(std::uint32_t role) const {
    const Automaton& m = system_.machines[role];
    for (std::uint32_t s = 0; s < m.states.size(); ++s) {
      if (m.is_end(s)) return true;
    }
    return false;
  }

  std::string at(std::uint32_t role, std::uint32_t state) const {
    return state_var_[role] + " == " + std::to_string(state);
  }

  // Whether `role` (in a state that is not its end) and `peer` are connected, as Promela.
  std::string connected(std::uint32_t role, std::uint32_t peer) const {
    if (system_.explicit_connections) {
      const std::int32_t pair = pair_[role * roles_ + peer];
      return pair < 0 ? "false" : pair_var_[static_cast<std::size_t>(pair)];
    }
    return has_end(peer) ? "!" + ended_macro_[peer] : "true";
  }
  std::string not_connected(std::uint32_t role, std::uint32_t peer) const {
    const std::string c = connected(role, peer);
    if (c == "true") return "false";
    if (c == "false") return "true";
    return c[0] == '!' ? c.substr(1) : "!" + c;
  }

  std::optional<std::string> queue_var(std::uint32_t from, std::uint32_t to) const {
    const std::int32_t q = queue_[from * roles_ + to];
    if (q < 0) return std::nullopt;
    return queue_var_[static_cast<std::size_t>(q)];
  }

  std::string message(std::int32_t m) const { return message_name_[static_cast<std::size_t>(m)]; }

  // Semantics::leave: the new state, and at the end every pair cleared.
  void leave(std::uint32_t role, std::uint32_t target, std::vector<std::string>& effects) const {
    effects.push_back(state_var_[role] + " = " + std::to_string(target));
    if (!is_end(role, target)) return;
    for (std::uint32_t other = 0; other < roles_; ++other) {
      const std::int32_t pair = pair_[role * roles_ + other];
      if (pair >= 0) effects.push_back(pair_var_[static_cast<std::size_t>(pair)] + " = false");
    }
  }

  std::string step_words(std::uint32_t role, const Transition& t) const {
    const std::string label =
        t.message == kNoMessage ? std::string() : system_.messages[t.message].label.text;
    return describe_step(TraceStep{t.kind, system_.roles[role], system_.roles[t.peer], label});
  }

  // ---------------------------------------------------------------- the text

  void header() {
    out_ << "/* Promela model of " << (system_.explicit_connections ? "explicit " : "") << "system "
         << system_.name << ", generated by `gtype promela`, queue bound " << options_.bound << ".\n"
         << " *\n"
         << " * The communicating automata `gtype verify` explores, with the same steps (contract,\n"
         << " * section 2): each role's machine state is a global variable, "
         << (system_.explicit_connections ? "each pair that can connect a bit,\n"
                                          : "a pair is connected while neither role has ended,\n")
         << " * each ordered pair that ever carries a message a channel of capacity " << options_.bound
         << ".\n"
         << " * Every transition is one atomic option of its role's loop; a connect and the peer's\n"
         << " * accept are one step of the connecting role.\n"
         << " * Checked: no reachable configuration is stuck, that is, allows no step while some role has\n"
         << " * neither ended nor stayed idle (the watchdog's assertion, when SPIN's timeout fires). As in\n"
         << " * gtype verify, a role waiting to send into a full queue excuses it (gtype: inconclusive).\n"
         << " * Not encoded: the other violation kinds of gtype verify"
         << (options_.excuse_explained ? ", except that a stuck\n * configuration it reports as unconnected, "
                                         "reception-error, synchronisation-error or\n * connection-error is "
                                         "excused here (EXPLAINED, for the oracle tests).\n"
                                       : ".\n")
         << " *\n"
         << " * Run: spin -a model.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan\n"
         << " */\n\n";
  }

  void declarations() {
    if (!system_.messages.empty()) {
      out_ << "/* messages */\n";
      if (use_mtype_) {
        out_ << "mtype = {";
        for (std::size_t i = 0; i < message_name_.size(); ++i) out_ << (i ? ", " : " ") << message_name_[i];
        out_ << " };\n";
        // Where a label carries several payloads, say which name is which.
        std::map<std::string, int> uses;
        for (const Message& message : system_.messages) ++uses[message.label.text];
        for (std::size_t i = 0; i < message_name_.size(); ++i) {
          if (uses[system_.messages[i].label.text] > 1) {
            out_ << "/* " << message_name_[i] << ": " << print_message(system_.messages[i]) << " */\n";
          }
        }
      } else {
        for (std::size_t i = 0; i < message_name_.size(); ++i) {
          out_ << "#define " << message_name_[i] << ' ' << (i + 1) << "  /* "
               << print_message(system_.messages[i]) << " */\n";
        }
      }
      out_ << '\n';
    }
    out_ << "/* machine state of each role (numbers as in `gtype fsm`) */\n";
    for (std::uint32_t r = 0; r < roles_; ++r) {
      out_ << (system_.machines[r].states.size() > 256 ? "short " : "byte ") << state_var_[r] << " = 0;\n";
    }
    if (!pair_var_.empty()) {
      out_ << "\n/* connected pairs (a pair that never connects is never connected) */\n";
      for (const std::string& pair : pair_var_) out_ << "bool " << pair << " = false;\n";
    }
    if (!queue_var_.empty()) {
      out_ << "\n/* one FIFO queue per ordered pair that ever carries a message */\n";
      for (std::size_t q = 0; q < queues_.size(); ++q) {
        out_ << "chan " << queue_var_[q] << " = [" << options_.bound << "] of { "
             << (use_mtype_ ? "mtype" : "short") << " };  /* " << system_.roles[queues_[q].first] << " to "
             << system_.roles[queues_[q].second] << " */\n";
      }
    }
    out_ << '\n';
  }

  void macros() {
    out_ << "/* ended: no transition left; idle: waiting as in its initial state, which only accepts */\n";
    for (std::uint32_t r = 0; r < roles_; ++r) {
      const Automaton& m = system_.machines[r];
      std::vector<std::string> ends;
      for (std::uint32_t s = 0; s < m.states.size(); ++s) {
        if (m.is_end(s)) ends.push_back(at(r, s));
      }
      std::string ended;
      for (const std::string& e : ends) ended += (ended.empty() ? "" : " || ") + e;
      out_ << "#define " << ended_macro_[r] << ' ' << (ends.empty() ? "false" : parenthesised(ended)) << '\n';
      const std::vector<bool> resting = resting_states(m);
      std::string idle;
      for (std::uint32_t s = 0; s < m.states.size(); ++s) {
        if (!resting[s]) continue;
        if (!idle.empty()) idle += " || ";
        idle += at(r, s);
      }
      out_ << "#define " << idle_macro_[r] << ' ' << (idle.empty() ? "false" : parenthesised(idle)) << '\n';
    }
    out_ << "#define SETTLED (";
    for (std::uint32_t r = 0; r < roles_; ++r) {
      out_ << (r ? " && " : "") << "(" << ended_macro_[r] << " || " << idle_macro_[r] << ")";
    }
    out_ << ")\n\n";

    // explorer_inl.h's `any_full`: a send that is connected but finds its queue full. Read only at
    // timeout, when no step is possible: a connected send that cannot go has a full queue, so the
    // queue itself is not tested (any test of a channel but nfull breaks its xr assertion).
    std::vector<std::string> waiting;
    for (std::uint32_t r = 0; r < roles_; ++r) {
      const Automaton& m = system_.machines[r];
      for (std::uint32_t s = 0; s < m.states.size(); ++s) {
        for (const Transition& t : m.states[s].out) {
          if (t.kind == ActionKind::kSend) waiting.push_back(conjunction({at(r, s), connected(r, t.peer)}));
        }
      }
    }
    waiting = distinct(waiting);
    out_ << "/* (at timeout) some role waits to send into a full queue: the bound, not the protocol, stops "
            "it */\n"
         << disjunction_macro("BOUND_REACHED", waiting) << '\n';
    if (options_.excuse_explained) explained_macro();
  }

  // The channels `r` reads from, which no other process receives from or polls: SPIN's
  // partial-order reduction may then treat its receives as local. Not with the oracle tests'
  // EXPLAINED, which tests queues from the watchdog.
  std::string exclusive_reads(std::uint32_t r) const {
    if (options_.excuse_explained) return {};
    std::string channels;
    for (std::size_t q = 0; q < queues_.size(); ++q) {
      if (queues_[q].second == r) channels += (channels.empty() ? "" : ", ") + queue_var_[q];
    }
    return channels.empty() ? std::string() : "  xr " + channels + ";  /* the only reader */\n";
  }

  // Semantics::expand's observations that make observe_terminal report no deadlock and no
  // unfinished-role, in a configuration where no step is possible (only used at timeout, so
  // "no receive matched" and "no accept matched" need not be written).
  void explained_macro() {
    std::vector<std::string> terms;
    for (std::uint32_t r = 0; r < roles_; ++r) {
      const Automaton& m = system_.machines[r];
      for (std::uint32_t s = 0; s < m.states.size(); ++s) {
        const std::vector<Transition>& out = m.states[s].out;
        bool receives = false, accepts = false;
        std::uint32_t receive_peer = 0;
        for (const Transition& t : out) {
          switch (t.kind) {
            case ActionKind::kSend:
              terms.push_back(conjunction({at(r, s), not_connected(r, t.peer)}));  // unconnected
              break;
            case ActionKind::kReceive:
              receives = true;
              receive_peer = t.peer;
              break;
            case ActionKind::kAccept:
              accepts = true;
              break;
            case ActionKind::kConnect: {
              terms.push_back(conjunction({at(r, s), connected(r, t.peer)}));  // connection-error
              // synchronisation-error: the peer accepts from r, but not this message
              std::vector<std::string> peer_states;
              const Automaton& pm = system_.machines[t.peer];
              for (std::uint32_t ps = 0; ps < pm.states.size(); ++ps) {
                bool from_role = false, matched = false;
                for (const Transition& a : pm.states[ps].out) {
                  if (a.kind != ActionKind::kAccept || a.peer != r) continue;
                  from_role = true;
                  matched = matched || a.message == t.message;
                }
                if (from_role && !matched) peer_states.push_back(at(t.peer, ps));
              }
              if (peer_states.empty()) break;
              std::string any;
              for (const std::string& p : peer_states) any += (any.empty() ? "" : " || ") + p;
              terms.push_back(conjunction({at(r, s), not_connected(r, t.peer), parenthesised(any)}));
              break;
            }
            case ActionKind::kDisconnect:
              break;
          }
        }
        if (!receives) continue;
        const std::optional<std::string> q = queue_var(receive_peer, r);
        if (q) terms.push_back(conjunction({at(r, s), "len(" + *q + ") > 0"}));  // reception-error
        if (!accepts) {
          // unconnected: waits on an empty queue from a peer it is not connected to
          terms.push_back(
              conjunction({at(r, s), q ? "len(" + *q + ") == 0" : "true", not_connected(r, receive_peer)}));
        }
      }
    }
    terms = distinct(terms);
    out_ << "/* (oracle tests) a stuck configuration gtype verify reports as unconnected, reception-error,\n"
         << "   synchronisation-error or connection-error rather than as deadlock or unfinished-role */\n"
         << disjunction_macro("EXPLAINED", terms) << '\n';
  }

  void role_process(std::uint32_t r) {
    const Automaton& m = system_.machines[r];
    out_ << "/* role " << system_.roles[r] << '\n';
    for (std::uint32_t s = 0; s < m.states.size(); ++s) {
      out_ << " *   " << s << ": " << type_comment(m.states[s].type) << '\n';
    }
    out_ << " */\n";
    std::ostringstream body;
    std::size_t options = 0;
    for (std::uint32_t s = 0; s < m.states.size(); ++s) {
      for (const Transition& t : m.states[s].out) options += transition(r, s, t, body);
    }
    out_ << "active proctype " << process_[r] << "() {\n";
    if (options == 0) {
      bool only_accepts = true;
      for (const AutomatonState& state : m.states) {
        for (const Transition& t : state.out) only_accepts = only_accepts && t.kind == ActionKind::kAccept;
      }
      out_ << body.str() << "  skip  /* "
           << (only_accepts ? "this role only accepts: its peers' connects move it"
                            : "no step of this role is ever possible")
           << " */\n}\n\n";
      return;
    }
    out_ << exclusive_reads(r) << "end:\n  do\n" << body.str() << "  od\n}\n\n";
  }

  // Writes the options of one transition (a connect has one per state of the peer that accepts
  // it); returns how many.
  std::size_t transition(std::uint32_t r, std::uint32_t s, const Transition& t, std::ostream& body) const {
    const std::string words = step_words(r, t);
    std::vector<std::string> guard{at(r, s)};
    std::vector<std::string> effects;
    switch (t.kind) {
      case ActionKind::kSend: {
        const std::string q = *queue_var(r, t.peer);
        guard.push_back(connected(r, t.peer));
        guard.push_back("nfull(" + q + ")");
        effects.push_back(q + "!" + message(t.message));
        break;
      }
      case ActionKind::kReceive: {
        const std::optional<std::string> q = queue_var(t.peer, r);
        if (!q) {
          body << "  /* " << s << ": " << words << ": never, " << system_.roles[t.peer]
               << " sends nothing to " << system_.roles[r] << " */\n";
          return 0;
        }
        guard.push_back(*q + "?[" + message(t.message) + "]");
        effects.push_back(*q + "?" + message(t.message));
        break;
      }
      case ActionKind::kAccept:
        body << "  /* " << s << ": " << words << ": passive, done by " << system_.roles[t.peer]
             << "'s connect */\n";
        return 0;
      case ActionKind::kConnect:
        return connect(r, s, t, body);
      case ActionKind::kDisconnect: {
        const std::int32_t pair = pair_[r * roles_ + t.peer];
        if (pair >= 0) effects.push_back(pair_var_[static_cast<std::size_t>(pair)] + " = false");
        break;
      }
    }
    const std::string condition = conjunction(guard);
    if (condition == "false") {
      body << "  /* " << s << ": " << words << ": never, " << system_.roles[r] << " and "
           << system_.roles[t.peer] << " are never connected */\n";
      return 0;
    }
    leave(r, t.target, effects);
    option(s, words, condition, effects, body);
    return 1;
  }

  std::size_t connect(std::uint32_t r, std::uint32_t s, const Transition& t, std::ostream& body) const {
    const std::string words = step_words(r, t);
    const std::string unconnected = not_connected(r, t.peer);
    const Automaton& pm = system_.machines[t.peer];
    std::size_t options = 0;
    for (std::uint32_t ps = 0; ps < pm.states.size(); ++ps) {
      for (const Transition& a : pm.states[ps].out) {
        if (a.kind != ActionKind::kAccept || a.peer != r || a.message != t.message) continue;
        const std::string condition = conjunction({at(r, s), unconnected, at(t.peer, ps)});
        if (condition == "false") continue;
        std::vector<std::string> effects;
        // The order of explorer_inl.h: connect, then both move on.
        const std::int32_t pair = pair_[r * roles_ + t.peer];
        if (pair >= 0) effects.push_back(pair_var_[static_cast<std::size_t>(pair)] + " = true");
        leave(r, t.target, effects);
        leave(t.peer, a.target, effects);
        option(s, words + " (" + system_.roles[t.peer] + " accepts at " + std::to_string(ps) + ")", condition,
               effects, body);
        ++options;
      }
    }
    if (options == 0) {
      body << "  /* " << s << ": " << words << ": never, " << system_.roles[t.peer] << " never accepts it"
           << (system_.explicit_connections ? "" : " (not an explicit system)") << " */\n";
    }
    return options;
  }

  // One option. An assignment overridden later in the same step is left out (the effects are
  // assignments and channel operations, none reads a variable another assigns).
  static void option(std::uint32_t s, const std::string& words, const std::string& condition,
                     const std::vector<std::string>& effects, std::ostream& body) {
    body << "  :: atomic { " << condition << " ->  /* " << s << ": " << words << " */\n       ";
    const char* separator = "";
    for (std::size_t i = 0; i < effects.size(); ++i) {
      const std::size_t assigns = effects[i].find(" = ");
      bool overridden = false;
      for (std::size_t j = i + 1; assigns != std::string::npos && j < effects.size(); ++j) {
        overridden = overridden || effects[j].compare(0, assigns + 3, effects[i], 0, assigns + 3) == 0;
      }
      if (overridden) continue;
      body << separator << effects[i];
      separator = "; ";
    }
    body << " }\n";
  }

  void watchdog() {
    out_ << "/* When no role can make a step, every role has ended or is idle. */\n"
         << "active proctype watchdog() {\n"
         << "  timeout -> assert(SETTLED || BOUND_REACHED"
         << (options_.excuse_explained ? " || EXPLAINED" : "") << ")\n}\n";
  }

  const AutomatonSystem& system_;
  const PromelaOptions& options_;
  const std::uint32_t roles_;
  std::ostringstream out_;
  Names names_;

  std::vector<std::int32_t> pair_;   // roles x roles, symmetric: index in pairs_, or -1
  std::vector<std::int32_t> queue_;  // roles x roles: index in queues_, or -1
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs_, queues_;
  bool use_mtype_ = true;

  std::vector<std::string> state_var_, ended_macro_, idle_macro_, process_;
  std::vector<std::string> pair_var_, queue_var_, message_name_;
};

}  // namespace

std::string promela_model(const AutomatonSystem& system, const PromelaOptions& options) {
  return PromelaWriter(system, options).run();
}

}  // namespace gtype
