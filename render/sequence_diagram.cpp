// Renders: the AST of a global protocol as a SequenceDiagram, the model both diagram back ends
// (mermaid.cpp, svg.cpp) draw.
//
// One participant per role, in the protocol's role order. Messages, connections and
// disconnections become items between two participants; `choice at p` a box with one section
// per branch, each guarded "p chooses l" (l the branch's first label, when it has one); `rec t` a
// loop box; `continue t` an item spanning the participants of its loop; `do P(a, b)` a box
// holding P's body inlined, P's roles renamed to the caller's (transitively, through nested
// `do`s).
// Leaves out: `end;` (nothing to draw), the implicit disconnections at the end of an explicit
// protocol, and anything the projections or the automata add (no receive side is drawn: an
// arrow is both the send and its reception).
#include <algorithm>
#include <cassert>
#include <map>
#include <optional>
#include <utility>

#include "gtype/print.h"
#include "gtype/render.h"

namespace gtype {
namespace {

using Span = std::optional<std::pair<std::size_t, std::size_t>>;

void widen(Span& span, std::size_t first, std::size_t last) {
  if (!span) {
    span = std::make_pair(first, last);
    return;
  }
  span->first = std::min(span->first, first);
  span->second = std::max(span->second, last);
}

// The participants that act in `items` (continue items act nowhere of their own).
Span span_of(const std::vector<DiagramItem>& items) {
  Span span;
  for (const DiagramItem& item : items) {
    switch (item.kind) {
      case DiagramKind::kMessage:
      case DiagramKind::kConnect:
      case DiagramKind::kDisconnect:
        widen(span, std::min(item.from, item.to), std::max(item.from, item.to));
        break;
      case DiagramKind::kChoice:
      case DiagramKind::kLoop:
      case DiagramKind::kCall:
        widen(span, item.first, item.last);
        break;
      case DiagramKind::kContinue:
        break;
    }
  }
  return span;
}

// Gives each `continue label` in `items` the span of its loop, not looking into loops that
// rebind the label.
void place_continues(std::vector<DiagramItem>& items, const std::string& label, std::size_t first,
                     std::size_t last) {
  for (DiagramItem& item : items) {
    if (item.kind == DiagramKind::kContinue && item.text == label) {
      item.first = first;
      item.last = last;
    }
    if (item.kind == DiagramKind::kLoop && item.text == label) continue;
    for (std::vector<DiagramItem>& section : item.sections) place_continues(section, label, first, last);
  }
}

class DiagramBuilder {
 public:
  DiagramBuilder(const Program& program, SequenceDiagram& diagram) : program_(program), diagram_(diagram) {}

  // `roles`: the name, in the top protocol, of each role of `protocol`.
  std::vector<DiagramItem> block(const Block& block, const GlobalProtocol& protocol,
                                 const std::map<std::string, std::string>& roles) {
    std::vector<DiagramItem> items;
    for (const Statement& s : block) {
      switch (s.kind) {
        case StatementKind::kSend:
        case StatementKind::kConnect: {
          DiagramItem item;
          item.kind = s.kind == StatementKind::kSend ? DiagramKind::kMessage : DiagramKind::kConnect;
          item.from = participant(s.from.text, roles);
          item.to = participant(s.to.text, roles);
          if (s.message) item.text = print_message(*s.message);
          set_span(item, std::min(item.from, item.to), std::max(item.from, item.to));
          items.push_back(std::move(item));
          break;
        }
        case StatementKind::kDisconnect: {
          DiagramItem item;
          item.kind = DiagramKind::kDisconnect;
          item.from = participant(s.from.text, roles);
          item.to = participant(s.to.text, roles);
          set_span(item, std::min(item.from, item.to), std::max(item.from, item.to));
          items.push_back(std::move(item));
          break;
        }
        case StatementKind::kChoice: {
          DiagramItem item;
          item.kind = DiagramKind::kChoice;
          item.from = item.to = participant(s.from.text, roles);
          for (const Block& branch : s.blocks) {
            std::string guard = name_of(item.from) + " chooses";
            if (std::optional<std::string> label = first_label(branch)) guard += " " + *label;
            item.guards.push_back(std::move(guard));
            item.sections.push_back(this->block(branch, protocol, roles));
          }
          Span span = span_of_sections(item);
          widen(span, item.from, item.from);
          set_span(item, span->first, span->second);
          items.push_back(std::move(item));
          break;
        }
        case StatementKind::kRec: {
          DiagramItem item;
          item.kind = DiagramKind::kLoop;
          item.text = s.label.text;
          assert(!s.blocks.empty());
          item.sections.push_back(this->block(s.blocks.front(), protocol, roles));
          const Span span = span_of_sections(item);
          if (span) {
            set_span(item, span->first, span->second);
          } else {
            set_span(item, 0, last_participant());
          }
          place_continues(item.sections.front(), item.text, item.first, item.last);
          items.push_back(std::move(item));
          break;
        }
        case StatementKind::kContinue: {
          DiagramItem item;
          item.kind = DiagramKind::kContinue;
          item.text = s.label.text;
          set_span(item, 0, last_participant());  // until its loop places it
          items.push_back(std::move(item));
          break;
        }
        case StatementKind::kDo: {
          const GlobalProtocol* callee = program_.find_protocol(program_.file_of(protocol), s.label.text);
          assert(callee && callee->roles.size() == s.arguments.size() && "well-formed: do resolves");
          std::map<std::string, std::string> callee_roles;
          DiagramItem item;
          item.kind = DiagramKind::kCall;
          item.text = s.label.text + "(";
          for (std::size_t i = 0; i < s.arguments.size(); ++i) {
            const std::string& argument = roles.at(s.arguments[i].text);
            callee_roles[callee->roles[i].text] = argument;
            item.text += (i ? ", " : "") + argument;
          }
          item.text += ")";
          item.sections.push_back(this->block(callee->body, *callee, callee_roles));
          Span span = span_of_sections(item);
          for (const Name& argument : s.arguments) {
            if (span) break;  // a callee that does nothing spans its arguments
            const std::size_t index = participant(argument.text, roles);
            widen(span, index, index);
          }
          if (span) set_span(item, span->first, span->second);
          items.push_back(std::move(item));
          break;
        }
        case StatementKind::kEnd:
          break;
      }
    }
    return items;
  }

 private:
  static void set_span(DiagramItem& item, std::size_t first, std::size_t last) {
    item.first = first;
    item.last = last;
  }

  static Span span_of_sections(const DiagramItem& item) {
    Span span;
    for (const std::vector<DiagramItem>& section : item.sections) {
      if (Span inner = span_of(section)) widen(span, inner->first, inner->second);
    }
    return span;
  }

  // The label of the first message of a branch (looking into a leading `rec`), if any.
  static std::optional<std::string> first_label(const Block& block) {
    for (const Statement& s : block) {
      if (s.kind == StatementKind::kEnd) continue;
      if ((s.kind == StatementKind::kSend || s.kind == StatementKind::kConnect) && s.message) {
        return s.message->label.text;
      }
      if (s.kind == StatementKind::kRec && !s.blocks.empty()) return first_label(s.blocks.front());
      return std::nullopt;
    }
    return std::nullopt;
  }

  std::size_t participant(const std::string& role, const std::map<std::string, std::string>& roles) const {
    const std::string& name = roles.at(role);
    for (std::size_t i = 0; i < diagram_.participants.size(); ++i) {
      if (diagram_.participants[i] == name) return i;
    }
    assert(false && "well-formed: roles are declared");
    return 0;
  }

  std::size_t last_participant() const {
    return diagram_.participants.empty() ? 0 : diagram_.participants.size() - 1;
  }

  const std::string& name_of(std::size_t participant) const { return diagram_.participants.at(participant); }

  const Program& program_;
  SequenceDiagram& diagram_;
};

}  // namespace

SequenceDiagram build_sequence_diagram(const Program& program, const GlobalProtocol& protocol) {
  SequenceDiagram diagram;
  diagram.name = protocol.name.text;
  diagram.explicit_connections = protocol.explicit_connections;
  std::map<std::string, std::string> roles;
  for (const Name& role : protocol.roles) {
    diagram.participants.push_back(role.text);
    roles[role.text] = role.text;
  }
  diagram.items = DiagramBuilder(program, diagram).block(protocol.body, protocol, roles);
  return diagram;
}

}  // namespace gtype
