// Pass: choices.
//
// Checks that every branch of `choice at p` begins with p sending a message or connecting (a
// send, or a connect with or without a message, as Scribble's `connect p to q;`; the first
// action may sit inside a nested choice, `rec` or `do`), and that what begins the branches is
// distinct: their labels, and for a connect without a message its peer. So every other role can
// tell the branches apart by the first message or connection it gets. Does not check that the
// other roles can (that is projection's merge).
#include <map>

#include "passes.h"

namespace gtype::check {
namespace {

// What a branch does first: an action, or nothing at all before it ends or loops.
struct FirstEvent {
  const Statement* statement = nullptr;  // null: the branch does nothing first
  std::string from;                      // as the choosing protocol names the roles
  std::string to;
  SourceLocation location;               // of the statement, or where the branch does nothing
  std::string stop;                      // when it does nothing: "ends" or "loops back to 't'"
  const Statement* via = nullptr;        // the `do` of the branch it was found through, if any
};

class ChoiceChecker {
 public:
  ChoiceChecker(const Program& program, std::size_t file, const GlobalProtocol& protocol,
                DiagnosticEngine& diagnostics)
      : program_(program), file_(file), protocol_(protocol), diagnostics_(diagnostics) {}

  void run() {
    for_each_statement(protocol_.body, [&](const Statement& s) {
      if (s.kind == StatementKind::kChoice) choice(s);
    });
  }

 private:
  using Roles = std::map<std::string, std::string>;

  static std::string rename(const Roles& roles, const std::string& role) {
    auto it = roles.find(role);
    return it == roles.end() ? role : it->second;
  }

  // Appends the first events of `block`; returns whether the block can finish without acting
  // (then the events of what follows it count too).
  bool first_events(const Block& block, std::size_t file, const Roles& roles, std::vector<FirstEvent>& out) {
    for (const Statement& s : block) {
      switch (s.kind) {
        case StatementKind::kSend:
        case StatementKind::kConnect:
        case StatementKind::kDisconnect:
          out.push_back({&s, rename(roles, s.from.text), rename(roles, s.to.text), s.location, {}, nullptr});
          return false;
        case StatementKind::kChoice: {
          bool passes = false;
          for (const Block& branch : s.blocks) passes |= first_events(branch, file, roles, out);
          if (!passes) return false;
          break;
        }
        case StatementKind::kRec:
          if (!first_events(s.blocks.at(0), file, roles, out)) return false;
          break;
        case StatementKind::kDo: {
          const GlobalProtocol* callee = program_.callee_of(file, s);
          if (callee == nullptr) return false;  // reported elsewhere
          const std::size_t before = out.size();
          const bool passes =
              first_events(callee->body, program_.file_of(*callee), bind_roles(*callee, s, roles), out);
          if (roles.empty()) {  // a `do` of the choosing protocol itself
            for (std::size_t i = before; i < out.size(); ++i) out[i].via = &s;
          }
          if (!passes) return false;
          break;
        }
        case StatementKind::kEnd:
          break;  // marks the end of the block, which then does nothing more
        case StatementKind::kContinue:
          out.push_back({nullptr, {}, {}, s.location, "loops back to 'rec " + s.label.text + "'", nullptr});
          return false;
      }
    }
    return true;
  }

  void choice(const Statement& choice) {
    const std::string& chooser = choice.from.text;
    // An undeclared chooser is the roles pass's error; every branch would only repeat it.
    bool declared = false;
    for (const Name& role : protocol_.roles) declared = declared || role.text == chooser;
    if (!declared) return;
    // label, or the peer of a connect without a message -> branch, place
    std::map<std::string, std::pair<std::size_t, SourceLocation>> first_labels;
    for (std::size_t b = 0; b < choice.blocks.size(); ++b) {
      const std::string branch = "branch " + std::to_string(b + 1) + " of the choice at '" + chooser + "'";
      const std::string must = "; it must begin with a message sent by '" + chooser + "'" +
                               (protocol_.explicit_connections ? " or a connect of '" + chooser + "'" : "");
      if (choice.blocks[b].empty()) {
        diagnostics_.error(choice.location, branch + " is empty" + must);
        continue;
      }
      std::vector<FirstEvent> events;
      if (first_events(choice.blocks[b], file_, {}, events)) {
        events.push_back({nullptr, {}, {}, choice.blocks[b].front().location, {}, nullptr});
      }
      for (const FirstEvent& event : events) {
        if (event.statement == nullptr) {
          if (event.stop.empty()) {
            Diagnostic& d = diagnostics_.error(event.location, branch + " does nothing" + must);
            d.notes.push_back({choice.location, "the choice is here"});
            continue;
          }
          Diagnostic& d = diagnostics_.error(
              event.location, branch + " " + event.stop + " before '" + chooser + "' sends anything" + must);
          d.notes.push_back({choice.location, "the choice is here"});
          if (event.via)
            d.notes.push_back(
                {event.via->location, "the branch inlines '" + event.via->label.text + "' here"});
          continue;
        }
        const Statement& s = *event.statement;
        if (event.from != chooser || s.kind == StatementKind::kDisconnect) {
          std::string begins;
          if (s.kind == StatementKind::kDisconnect) {
            begins = "begins with a disconnect";
          } else {
            begins = "begins with an action of '" + event.from + "'";
            if (event.from != s.from.text) begins += " ('" + s.from.text + "' there)";
          }
          Diagnostic& d = diagnostics_.error(event.location, branch + " " + begins + must);
          d.notes.push_back({choice.location, "the choice is here"});
          if (event.via)
            d.notes.push_back(
                {event.via->location, "the branch inlines '" + event.via->label.text + "' here"});
          continue;
        }
        // A connect without a message is told apart by whom it connects to.
        const std::string key = s.message ? s.message->label.text : "->> " + event.to;
        const SourceLocation at = s.message ? s.message->label.location : s.location;
        auto [it, inserted] = first_labels.emplace(key, std::make_pair(b, at));
        if (!inserted && it->second.first != b) {
          const std::string what =
              s.message ? "label '" + key + "'" : "a connect to '" + event.to + "' without a message";
          Diagnostic& d = diagnostics_.error(at, what + " begins two branches of the choice at '" + chooser +
                                                     "'; the first " + (s.message ? "labels" : "connects") +
                                                     " of the branches must be distinct");
          d.notes.push_back({it->second.second, "it also begins branch " + std::to_string(it->second.first + 1) + " here"});
          if (event.via)
            d.notes.push_back(
                {event.via->location, "the branch inlines '" + event.via->label.text + "' here"});
        }
      }
    }
  }

  const Program& program_;
  std::size_t file_;
  const GlobalProtocol& protocol_;
  DiagnosticEngine& diagnostics_;
};

}  // namespace

void check_choices(const Program& program, DiagnosticEngine& diagnostics) {
  for (std::size_t f = 0; f < program.files.size(); ++f) {
    for (const GlobalProtocol& protocol : program.files[f].protocols) {
      ChoiceChecker(program, f, protocol, diagnostics).run();
    }
  }
}

}  // namespace gtype::check
