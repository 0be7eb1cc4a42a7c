// The oracle: a second, deliberately simple explorer of the contract's section 2, to check
// `gtype verify` against (tests/oracle/oracle_test.cpp).
//
// What it checks: local systems (implicit or explicit), with every violation kind of the
// contract's table under fair liveness (role-progress, eventual-reception on the bottom strongly
// connected components), queues of capacity K, the verdict (inconclusive when a configuration is
// stuck only on a full queue), the number of configurations and of steps, and for each
// violation (kind, roles) the length of a shortest trace to it.
// What it does not: global protocols (the test projects them with gtype and prints the
// projections as text), `--liveness strong`, traces themselves (only their length, which does
// not depend on exploration order), detail sentences, memory limits, speed.
// Why it is independent: its own parser of the local notation; local types explored as terms
// (a state is a place in the type, resolved through `mu` and variables when the step is taken),
// never as gtype's automata; configurations are plain structs in std::map, with no packing and no
// hashing; no header or library of gtype is used, and no code is shared with verify/ or
// automaton/. Where gtype's words are precise but the contract's are not (which roles a deadlock
// names, when a stuck configuration is "explained"), it follows verify/semantics.cpp as specified.
#include "oracle.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>
#include <utility>

namespace oracle {
namespace {

// ------------------------------------------------------------------------------ parsing

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  Parsed run() {
    Parsed out;
    skip();
    while (error_.empty() && pos_ < text_.size()) {
      LocalSystem system;
      if (system_declaration(system)) out.systems.push_back(std::move(system));
      skip();
    }
    if (!error_.empty()) return Parsed{{}, error_};
    if (out.systems.empty()) return Parsed{{}, "line 1: no local system"};
    return out;
  }

 private:
  bool fail(const std::string& what) {
    if (error_.empty()) error_ = "line " + std::to_string(line_) + ": " + what;
    return false;
  }

  int failed(const std::string& what) {
    fail(what);
    return -1;
  }

  void advance() {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }

  // Blanks and comments.
  void skip() {
    while (pos_ < text_.size()) {
      if (std::isspace(static_cast<unsigned char>(text_[pos_]))) {
        advance();
      } else if (text_.compare(pos_, 2, "//") == 0) {
        while (pos_ < text_.size() && text_[pos_] != '\n') advance();
      } else if (text_.compare(pos_, 2, "/*") == 0) {
        const std::size_t close = text_.find("*/", pos_ + 2);
        const std::size_t stop = close == std::string::npos ? text_.size() : close + 2;
        while (pos_ < stop) advance();
      } else {
        return;
      }
    }
  }

  bool at(const std::string& symbol) {
    skip();
    return text_.compare(pos_, symbol.size(), symbol) == 0;
  }

  bool accept(const std::string& symbol) {
    if (!at(symbol)) return false;
    for (std::size_t i = 0; i < symbol.size(); ++i) advance();
    return true;
  }

  bool expect(const std::string& symbol) { return accept(symbol) || fail("expected '" + symbol + "'"); }

  static bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

  // An identifier, or (for labels) a sequence of digits; "" when there is none.
  std::string word(bool digits_allowed) {
    skip();
    if (pos_ >= text_.size()) return {};
    const char first = text_[pos_];
    if (!(std::isalpha(static_cast<unsigned char>(first)) || first == '_' ||
          (digits_allowed && std::isdigit(static_cast<unsigned char>(first)))))
      return {};
    std::string out;
    while (pos_ < text_.size() && word_char(text_[pos_])) {
      out += text_[pos_];
      advance();
    }
    return out;
  }

  bool keyword(const std::string& which) {
    skip();
    const std::size_t save = pos_;
    const int save_line = line_;
    if (word(false) == which) return true;
    pos_ = save;
    line_ = save_line;
    return false;
  }

  bool system_declaration(LocalSystem& system) {
    system.explicit_connections = keyword("explicit");
    if (!keyword("local") || !keyword("system")) return fail("expected '[explicit] local system'");
    system.name = word(false);
    if (system.name.empty()) return fail("expected the name of the local system");
    if (!expect("{")) return false;
    pending_peers_.clear();
    while (!accept("}")) {
      const std::string role = word(false);
      if (role.empty()) return fail("expected a role or '}'");
      if (std::find(system.roles.begin(), system.roles.end(), role) != system.roles.end())
        return fail("role '" + role + "' given twice");
      if (!expect(":")) return false;
      std::vector<std::pair<std::string, int>> scope;
      const int type = local_type(system, scope, 0);
      if (type < 0) return false;
      system.roles.push_back(role);
      system.types.push_back(type);
      if (!at("}") && !expect(";")) return false;
    }
    if (system.roles.empty()) return fail("local system '" + system.name + "' has no role");
    for (const auto& [term, name] : pending_peers_) {
      const auto found = std::find(system.roles.begin(), system.roles.end(), name);
      if (found == system.roles.end()) return fail("'" + name + "' is not a role of '" + system.name + "'");
      system.terms[static_cast<std::size_t>(term)].peer = static_cast<int>(found - system.roles.begin());
    }
    return true;
  }

  static int add(LocalSystem& system, Term term) {
    system.terms.push_back(std::move(term));
    return static_cast<int>(system.terms.size() - 1);
  }

  // The index of the parsed term, or -1 on an error. `scope`: the enclosing `mu`s, innermost last.
  int local_type(LocalSystem& system, std::vector<std::pair<std::string, int>>& scope, int depth) {
    if (depth > kMaxDepth) return failed("local type nested too deeply");
    if (accept("+") || accept("&")) return choice(system, scope, depth);
    const std::string name = word(false);
    if (name.empty()) return failed("expected a local type");
    for (const char* symbol : {"!!", "??", "!", "?", "#"}) {
      if (at(symbol)) return action(system, scope, depth, name);
    }
    if (name == "end") return add(system, Term{Term::Kind::kEnd, {}, -1, {}, -1, {}, {}});
    if (name == "mu") return mu(system, scope, depth);
    for (auto binder = scope.rbegin(); binder != scope.rend(); ++binder) {
      if (binder->first == name)
        return add(system, Term{Term::Kind::kVariable, {}, -1, {}, binder->second, {}, name});
    }
    return failed("unbound recursion variable '" + name + "'");
  }

  int choice(LocalSystem& system, std::vector<std::pair<std::string, int>>& scope, int depth) {
    if (!expect("{")) return -1;
    Term term{Term::Kind::kChoice, {}, -1, {}, -1, {}, {}};
    do {
      const int branch = local_type(system, scope, depth + 1);
      if (branch < 0) return -1;
      term.branches.push_back(branch);
    } while (accept(";"));
    if (!expect("}")) return -1;
    return add(system, std::move(term));
  }

  int mu(LocalSystem& system, std::vector<std::pair<std::string, int>>& scope, int depth) {
    const std::string variable = word(false);
    if (variable.empty()) return failed("expected a recursion variable after 'mu'");
    if (!expect(".")) return -1;
    // The `mu` is added first, so that its variable can name it inside the body.
    const int self = add(system, Term{Term::Kind::kMu, {}, -1, {}, -1, {}, variable});
    scope.emplace_back(variable, self);
    const int body = local_type(system, scope, depth + 1);
    scope.pop_back();
    if (body < 0) return -1;
    system.terms[static_cast<std::size_t>(self)].next = body;
    return self;
  }

  int action(LocalSystem& system, std::vector<std::pair<std::string, int>>& scope, int depth,
             const std::string& peer) {
    Term term{Term::Kind::kAction, {}, -1, {}, -1, {}, {}};
    if (accept("!!")) {
      term.act = Act::kConnect;
    } else if (accept("??")) {
      term.act = Act::kAccept;
    } else if (accept("!")) {
      term.act = Act::kSend;
    } else if (accept("?")) {
      term.act = Act::kReceive;
    } else {
      accept("#");
      term.act = Act::kDisconnect;
    }
    const bool optional = term.act == Act::kConnect || term.act == Act::kAccept;
    if (term.act != Act::kDisconnect && !(optional && at("."))) {
      term.message = message();
      if (term.message.empty()) return -1;
    }
    if (!expect(".")) return -1;
    const int next = local_type(system, scope, depth + 1);
    if (next < 0) return -1;
    term.next = next;
    const int index = add(system, std::move(term));
    pending_peers_.emplace_back(index, peer);
    return index;
  }

  // `label(payload)` with every blank of the payload removed; "" on an error.
  std::string message() {
    std::string out = word(true);
    if (out.empty()) {
      fail("expected a message label");
      return {};
    }
    if (!expect("(")) return {};
    out += '(';
    int open = 1;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      advance();
      if (c == '(') ++open;
      if (c == ')' && --open == 0) return out + ')';
      if (!std::isspace(static_cast<unsigned char>(c))) out += c;
    }
    fail("unclosed '(' of a message");
    return {};
  }

  static constexpr int kMaxDepth = 10'000;  // well within an 8 MiB stack

  const std::string& text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::string error_;
  std::vector<std::pair<int, std::string>> pending_peers_;  // action term, peer name
};

// ------------------------------------------------------------------------------ terms as states

constexpr int kEnd = -1;  // the one `end` state of every role

struct Move {
  Act act;
  int peer;
  std::string message;
  int target;  // a state
};

// A role's states are the places of its type where it acts or has ended; `mu t.T` is the state
// of T and `t` the state of its `mu`. What each state offers is worked out when first asked.
class Role {
 public:
  Role(const LocalSystem& system, int root) : system_(system) { initial_ = resolve(root); }

  int initial() const { return initial_; }
  const std::string& error() const { return error_; }

  const std::vector<Move>& offers(int state) {
    auto known = offers_.find(state);
    if (known != offers_.end()) return known->second;
    std::vector<Move> out;
    std::vector<int> open;
    if (state != kEnd) collect(state, out, open);
    return offers_.emplace(state, std::move(out)).first->second;
  }

  bool only_accepts(int state) {
    const std::vector<Move>& moves = offers(state);
    return !moves.empty() &&
           std::all_of(moves.begin(), moves.end(), [](const Move& m) { return m.act == Act::kAccept; });
  }

  // Whether the role is idle in `state`: it only accepts, as the initial state does, and it
  // behaves as the initial state (the contract: "its initial state ... also after a loop brought
  // it back there"; a loop unfolded once reaches a copy of it).
  bool rests(int state) {
    auto known = rests_.find(state);
    if (known != rests_.end()) return known->second;
    std::set<std::pair<int, int>> assumed;
    const bool rest = only_accepts(initial_) && only_accepts(state) && behaves_as(initial_, state, assumed);
    return rests_.emplace(state, rest).first->second;
  }

 private:
  // Bisimilarity, co-inductively: a pair met again on the way is assumed to hold.
  bool behaves_as(int a, int b, std::set<std::pair<int, int>>& assumed) {
    if (a == b || !assumed.insert({a, b}).second) return true;
    std::vector<Move> left = offers(a), right = offers(b);
    if (left.size() != right.size()) return false;
    auto by_action = [](const Move& x, const Move& y) {
      return std::tie(x.act, x.peer, x.message) < std::tie(y.act, y.peer, y.message);
    };
    std::sort(left.begin(), left.end(), by_action);
    std::sort(right.begin(), right.end(), by_action);
    for (std::size_t i = 0; i < left.size(); ++i) {
      if (by_action(left[i], right[i]) || by_action(right[i], left[i])) return false;
      if (!behaves_as(left[i].target, right[i].target, assumed)) return false;
    }
    return true;
  }

  int resolve(int term) {
    for (std::size_t hops = 0; hops <= system_.terms.size(); ++hops) {
      const Term& t = system_.terms[static_cast<std::size_t>(term)];
      if (t.kind == Term::Kind::kEnd) return kEnd;
      if (t.kind == Term::Kind::kAction || t.kind == Term::Kind::kChoice) return term;
      term = t.next;
    }
    error_ = "unguarded recursion: a `mu` that reaches itself without an action";
    return kEnd;
  }

  // The moves of an action, or of every branch of a choice, in order.
  // `open`: the choices being collected, one of which offering itself is unguarded.
  void collect(int state, std::vector<Move>& out, std::vector<int>& open) {
    if (std::find(open.begin(), open.end(), state) != open.end()) {
      error_ = "unguarded recursion: a choice that offers itself";
      return;
    }
    const Term& t = system_.terms[static_cast<std::size_t>(state)];
    if (t.kind == Term::Kind::kAction) {
      out.push_back(Move{t.act, t.peer, t.message, resolve(t.next)});
      return;
    }
    open.push_back(state);
    for (int branch : t.branches) {
      const int first = resolve(branch);
      if (first != kEnd) collect(first, out, open);
    }
    open.pop_back();
  }

  const LocalSystem& system_;
  int initial_ = kEnd;
  std::map<int, std::vector<Move>> offers_;
  std::map<int, bool> rests_;  // state -> rests(state)
  std::string error_;
};

// ------------------------------------------------------------------------------ configurations

struct Config {
  std::vector<int> state;                       // per role
  std::set<std::pair<int, int>> connected;      // (lower, higher); explicit systems only
  std::vector<std::vector<std::string>> queue;  // from * roles + to, head first

  bool operator<(const Config& other) const {
    return std::tie(state, connected, queue) < std::tie(other.state, other.connected, other.queue);
  }
};

enum class Kind {
  kReceptionError,
  kUnconnected,
  kConnectionError,
  kSynchronisationError,
  kDeadlock,
  kUnfinishedRole,
  kOrphanMessage,
  kRoleProgress,
  kEventualReception,
};

const char* kind_name(Kind kind) {
  static const char* const kNames[] = {"reception-error",       "unconnected",   "connection-error",
                                       "synchronisation-error", "deadlock",      "unfinished-role",
                                       "orphan-message",        "role-progress", "eventual-reception"};
  return kNames[static_cast<int>(kind)];
}

using Key = std::pair<Kind, std::vector<int>>;  // roles sorted

Key pair_key(Kind kind, int a, int b) { return {kind, {std::min(a, b), std::max(a, b)}}; }

// A step of one configuration to another, with what progress needs to know of it.
struct Edge {
  std::size_t target = 0;
  int role = -1;
  int partner = -1;   // the accepting role of a connect
  int received = -1;  // the queue a receive took from
};

struct Successor {
  Config config;
  int role;
  int partner;
  int received;
};

struct Expansion {
  std::vector<Successor> next;
  std::vector<Key> shows;       // safety violations seen in the configuration
  bool waits_for_room = false;  // some send found its queue full
};

class Explorer {
 public:
  Explorer(const LocalSystem& system, const Options& options) : system_(system), options_(options) {
    for (int root : system.types) roles_.emplace_back(system, root);
  }

  Result run() {
    Result result;
    for (const Role& role : roles_) {
      if (!role.error().empty()) return error_result(role.error());
    }
    search(result);
    for (const Role& role : roles_) {
      if (!role.error().empty()) return error_result(role.error());
    }
    if (options_.liveness && !result.truncated) progress();
    for (const auto& [key, depth] : found_) {
      Violation v{kind_name(key.first), {}, depth};
      for (int r : key.second) v.roles.push_back(system_.roles[static_cast<std::size_t>(r)]);
      result.violations.push_back(std::move(v));
    }
    std::sort(result.violations.begin(), result.violations.end(), [](const Violation& a, const Violation& b) {
      return std::tie(a.kind, a.roles) < std::tie(b.kind, b.roles);
    });
    result.states = configs_.size();
    if (!result.violations.empty()) {
      result.verdict = Verdict::kViolation;
    } else if (result.truncated || result.bound_hit) {
      result.verdict = Verdict::kInconclusive;
    }
    return result;
  }

 private:
  static Result error_result(const std::string& error) {
    Result result;
    result.error = error;
    return result;
  }

  int count() const { return static_cast<int>(system_.roles.size()); }
  bool ended(const Config& c, int r) const { return c.state[static_cast<std::size_t>(r)] == kEnd; }
  bool idle(const Config& c, int r) {
    return roles_[static_cast<std::size_t>(r)].rests(c.state[static_cast<std::size_t>(r)]);
  }
  std::vector<std::string>& queue(Config& c, int from, int to) const {
    return c.queue[static_cast<std::size_t>(from * count() + to)];
  }
  const std::vector<std::string>& queue(const Config& c, int from, int to) const {
    return c.queue[static_cast<std::size_t>(from * count() + to)];
  }
  bool connected(const Config& c, int a, int b) const {
    if (!system_.explicit_connections) return !ended(c, a) && !ended(c, b);
    return c.connected.count({std::min(a, b), std::max(a, b)}) > 0;
  }
  const std::vector<Move>& offers(const Config& c, int r) {
    return roles_[static_cast<std::size_t>(r)].offers(c.state[static_cast<std::size_t>(r)]);
  }

  Config initial() {
    Config c;
    for (int r = 0; r < count(); ++r) {
      c.state.push_back(roles_[static_cast<std::size_t>(r)].initial());
    }
    c.queue.resize(static_cast<std::size_t>(count() * count()));
    return c;
  }

  // `r` moves to `target`; entering `end` in an explicit system closes all of r's connections.
  void leave(Config& c, int r, int target) const {
    c.state[static_cast<std::size_t>(r)] = target;
    if (!system_.explicit_connections || target != kEnd) return;
    for (auto it = c.connected.begin(); it != c.connected.end();) {
      it = (it->first == r || it->second == r) ? c.connected.erase(it) : std::next(it);
    }
  }

  // Every step from `c`, for each role in system order and each move it offers in order, and
  // the safety violations `c` shows.
  Expansion expand(const Config& c) {
    Expansion e;
    for (int r = 0; r < count(); ++r) {
      if (ended(c, r)) continue;
      for (const Move& m : offers(c, r)) step(c, r, m, e);
      observe_receiver(c, r, e.shows);
    }
    for (int from = 0; from < count(); ++from) {
      for (int to = 0; to < count(); ++to) {
        if (!queue(c, from, to).empty() && (ended(c, to) || idle(c, to)))
          e.shows.push_back(pair_key(Kind::kOrphanMessage, from, to));
      }
    }
    if (e.next.empty() && !e.waits_for_room) terminal(c, e.shows);
    return e;
  }

  bool can_receive(const Config& c, int r, const Move& m) const {
    const std::vector<std::string>& q = queue(c, m.peer, r);
    return !q.empty() && q.front() == m.message;
  }

  void step(const Config& c, int r, const Move& m, Expansion& e) {
    Config n = c;
    switch (m.act) {
      case Act::kSend:
        if (!connected(c, r, m.peer)) {
          e.shows.push_back(pair_key(Kind::kUnconnected, r, m.peer));
        } else if (queue(c, r, m.peer).size() >= options_.bound) {
          e.waits_for_room = true;
        } else {
          queue(n, r, m.peer).push_back(m.message);
          leave(n, r, m.target);
          e.next.push_back(Successor{std::move(n), r, -1, -1});
        }
        return;
      case Act::kReceive:
        if (!can_receive(c, r, m)) return;
        queue(n, m.peer, r).erase(queue(n, m.peer, r).begin());
        leave(n, r, m.target);
        e.next.push_back(Successor{std::move(n), r, -1, m.peer * count() + r});
        return;
      case Act::kConnect:
        connect(c, r, m, e);
        return;
      case Act::kAccept:
        return;  // an accept moves only with the connect of its peer
      case Act::kDisconnect:
        n.connected.erase({std::min(r, m.peer), std::max(r, m.peer)});
        leave(n, r, m.target);
        e.next.push_back(Successor{std::move(n), r, -1, -1});
        return;
    }
  }

  // A role that waits for a message from its peer (the one of its last receive, as all its
  // receives are from one peer): a message at the head it cannot take is a reception error; an
  // empty queue from a peer it is not connected to (and no accept to wait for) is unconnected.
  void observe_receiver(const Config& c, int r, std::vector<Key>& shows) {
    int peer = -1;
    bool received = false, accepts = false;
    for (const Move& m : offers(c, r)) {
      accepts = accepts || m.act == Act::kAccept;
      if (m.act != Act::kReceive) continue;
      peer = m.peer;
      received = received || can_receive(c, r, m);
    }
    if (peer < 0) return;
    const bool empty = queue(c, peer, r).empty();
    if (!empty && !received) {
      shows.push_back(pair_key(Kind::kReceptionError, r, peer));
    } else if (empty && !accepts && !connected(c, r, peer)) {
      shows.push_back(pair_key(Kind::kUnconnected, r, peer));
    }
  }

  // `r` connects to `m.peer`: one step for each accept of the peer from r with the same message.
  void connect(const Config& c, int r, const Move& m, Expansion& e) {
    const int p = m.peer;
    if (connected(c, r, p)) {
      e.shows.push_back(pair_key(Kind::kConnectionError, r, p));
      return;
    }
    bool accepted_from_r = false, matched = false;
    for (const Move& a : offers(c, p)) {
      if (a.act != Act::kAccept || a.peer != r) continue;
      accepted_from_r = true;
      if (a.message != m.message) continue;
      matched = true;
      Config n = c;
      if (system_.explicit_connections) n.connected.insert({std::min(r, p), std::max(r, p)});
      leave(n, r, m.target);
      leave(n, p, a.target);
      e.next.push_back(Successor{std::move(n), r, p, -1});
    }
    if (accepted_from_r && !matched) e.shows.push_back(pair_key(Kind::kSynchronisationError, r, p));
  }

  // No step at all, and no send waits for room: the roles neither ended nor idle are stuck.
  void terminal(const Config& c, std::vector<Key>& shows) {
    std::vector<int> stuck;
    for (int r = 0; r < count(); ++r) {
      if (!ended(c, r) && !idle(c, r)) stuck.push_back(r);
    }
    if (stuck.empty()) return;
    for (const Key& k : shows) {
      if (k.first == Kind::kUnconnected || k.first == Kind::kReceptionError ||
          k.first == Kind::kSynchronisationError || k.first == Kind::kConnectionError)
        return;  // already explained
    }
    // r waits on p for every action of r with p but a disconnect, while both are in the system.
    std::vector<std::set<int>> waits(static_cast<std::size_t>(count()));
    for (int r = 0; r < count(); ++r) {
      if (ended(c, r)) continue;
      for (const Move& m : offers(c, r)) {
        if (m.act != Act::kDisconnect && !ended(c, m.peer)) waits[static_cast<std::size_t>(r)].insert(m.peer);
      }
    }
    for (int start : stuck) {
      const std::vector<int> cycle = shortest_cycle(waits, start);
      if (!cycle.empty()) {
        shows.push_back({Kind::kDeadlock, cycle});
        return;
      }
    }
    shows.push_back({Kind::kUnfinishedRole, stuck});
  }

  // The roles of a shortest cycle through `start` (sorted), breadth first in role order; none
  // when there is no cycle.
  static std::vector<int> shortest_cycle(const std::vector<std::set<int>>& waits, int start) {
    std::vector<int> parent(waits.size(), -1);
    std::vector<int> frontier{start};
    for (std::size_t i = 0; i < frontier.size(); ++i) {
      const int r = frontier[i];
      const std::set<int>& next = waits[static_cast<std::size_t>(r)];
      if (next.count(start) > 0) {
        std::vector<int> cycle{start};
        for (int at = r; at != start; at = parent[static_cast<std::size_t>(at)]) cycle.push_back(at);
        std::sort(cycle.begin(), cycle.end());
        return cycle;
      }
      for (int p : next) {
        if (p == start || parent[static_cast<std::size_t>(p)] >= 0) continue;
        parent[static_cast<std::size_t>(p)] = r;
        frontier.push_back(p);
      }
    }
    return {};
  }

  void note(const Key& key, std::size_t depth) {
    auto it = found_.find(key);
    if (it == found_.end()) {
      found_.emplace(key, depth);
    } else {
      it->second = std::min(it->second, depth);
    }
  }

  // Breadth first: every configuration is numbered when first reached, at its least depth.
  void search(Result& result) {
    configs_.push_back(&index_.emplace(initial(), 0).first->first);
    depth_.push_back(0);
    for (std::size_t i = 0; i < configs_.size(); ++i) {
      Expansion e = expand(*configs_[i]);
      result.transitions += e.next.size();
      result.bound_hit = result.bound_hit || (e.next.empty() && e.waits_for_room);
      for (const Key& key : e.shows) note(key, depth_[i]);
      edges_.emplace_back();
      for (Successor& s : e.next) {
        auto known = index_.find(s.config);
        if (known == index_.end()) {
          if (configs_.size() >= options_.max_states) {
            result.truncated = true;
            return;
          }
          known = index_.emplace(std::move(s.config), configs_.size()).first;
          configs_.push_back(&known->first);
          depth_.push_back(depth_[i] + 1);
        }
        edges_.back().push_back(Edge{known->second, s.role, s.partner, s.received});
      }
    }
  }

  // Strongly connected components (Tarjan's, with an explicit stack); returns each
  // configuration's component number.
  std::vector<std::size_t> components() const {
    const std::size_t n = configs_.size(), none = n;
    std::vector<std::size_t> number(n, none), low(n, 0), component(n, none);
    std::vector<std::size_t> stack;
    std::vector<std::pair<std::size_t, std::size_t>> calls;  // configuration, next edge
    std::size_t counter = 0, found = 0;
    for (std::size_t root = 0; root < n; ++root) {
      if (number[root] != none) continue;
      calls.emplace_back(root, 0);
      number[root] = low[root] = counter++;
      stack.push_back(root);
      while (!calls.empty()) {
        auto& [v, e] = calls.back();
        if (e < edges_[v].size()) {
          const std::size_t w = edges_[v][e++].target;
          if (number[w] == none) {
            number[w] = low[w] = counter++;
            stack.push_back(w);
            calls.emplace_back(w, 0);
          } else if (component[w] == none) {
            low[v] = std::min(low[v], number[w]);
          }
          continue;
        }
        const std::size_t done = v;
        calls.pop_back();
        if (!calls.empty()) low[calls.back().first] = std::min(low[calls.back().first], low[done]);
        if (low[done] != number[done]) continue;
        std::size_t w;
        do {
          w = stack.back();
          stack.pop_back();
          component[w] = found;
        } while (w != done);
        ++found;
      }
    }
    return component;
  }

  // Fair progress: in a bottom component with a cycle, every role in the session acts and every
  // queued message is received; else a violation, at the component's least depth.
  void progress() {
    const std::vector<std::size_t> component = components();
    std::map<std::size_t, bool> bottom, cycle;
    for (std::size_t v = 0; v < configs_.size(); ++v) {
      bottom.emplace(component[v], true);
      cycle.emplace(component[v], false);
      for (const Edge& e : edges_[v]) {
        if (component[e.target] != component[v]) bottom[component[v]] = false;
        if (component[e.target] == component[v]) cycle[component[v]] = true;
      }
    }
    struct Seen {
      std::size_t depth = SIZE_MAX;
      std::set<int> present, acted, queued, received;
    };
    std::map<std::size_t, Seen> seen;
    for (std::size_t v = 0; v < configs_.size(); ++v) {
      const std::size_t comp = component[v];
      if (!bottom[comp] || !cycle[comp]) continue;
      Seen& s = seen[comp];
      const Config& c = *configs_[v];
      s.depth = std::min(s.depth, depth_[v]);
      for (int r = 0; r < count(); ++r) {
        if (!ended(c, r) && !idle(c, r)) s.present.insert(r);
      }
      for (std::size_t q = 0; q < c.queue.size(); ++q) {
        if (!c.queue[q].empty()) s.queued.insert(static_cast<int>(q));
      }
      for (const Edge& e : edges_[v]) {
        if (component[e.target] != comp) continue;
        s.acted.insert(e.role);
        if (e.partner >= 0) s.acted.insert(e.partner);
        if (e.received >= 0) s.received.insert(e.received);
      }
    }
    for (const auto& [comp, s] : seen) {
      for (int r : s.present) {
        if (s.acted.count(r) == 0) note({Kind::kRoleProgress, {r}}, s.depth);
      }
      for (int q : s.queued) {
        if (s.received.count(q) == 0)
          note(pair_key(Kind::kEventualReception, q / count(), q % count()), s.depth);
      }
    }
  }

  const LocalSystem& system_;
  const Options& options_;
  std::vector<Role> roles_;
  std::map<Config, std::size_t> index_;   // every configuration reached, and its number
  std::vector<const Config*> configs_;    // by number (into index_, whose nodes stay put)
  std::vector<std::size_t> depth_;        // by number: steps from the start
  std::vector<std::vector<Edge>> edges_;  // by number: the steps of each expanded one
  std::map<Key, std::size_t> found_;      // each violation, at its least depth
};

}  // namespace

Parsed parse(const std::string& text) { return Parser(text).run(); }

Result explore(const LocalSystem& system, const Options& options) {
  if (options.bound < 1) {
    Result result;
    result.error = "the bound must be at least 1";
    return result;
  }
  return Explorer(system, options).run();
}

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kVerified:
      return "verified";
    case Verdict::kViolation:
      return "violation";
    case Verdict::kInconclusive:
      return "inconclusive";
  }
  return "?";
}

std::string describe(const Result& result) {
  if (!result.error.empty()) return "error: " + result.error + "\n";
  std::string out = std::string(verdict_name(result.verdict)) + ", " + std::to_string(result.states) +
                    " states, " + std::to_string(result.transitions) + " transitions";
  if (result.truncated) out += " (state limit reached)";
  if (result.bound_hit) out += " (queue bound reached)";
  out += '\n';
  for (const Violation& v : result.violations) {
    out += "  " + v.kind + " (";
    for (std::size_t i = 0; i < v.roles.size(); ++i) out += (i ? ", " : "") + v.roles[i];
    out += ") after " + std::to_string(v.trace_length) + " steps\n";
  }
  return out;
}

}  // namespace oracle
