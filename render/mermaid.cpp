// Renders: a SequenceDiagram as Mermaid `sequenceDiagram` text.
//
// `p -> q : l(S)` is an async arrow `p-)q: l(S)`; `p ->> q : l(S)` a filled arrow whose text
// begins with "connect" (`p->>q: connect: l(S)`); `disconnect p, q` a note over both; a choice
// `alt`/`else` sections guarded "p chooses l"; `rec t` a `loop t` box and `continue t` a note
// over the loop's participants; `do P(a, b)` a `rect` whose first line is a note naming the call.
// The protocol's name is the diagram's title.
// Leaves out: styling beyond Mermaid's defaults, and which roles are connected at each point.
// Payload sorts are escaped with Mermaid's entity codes (`#lt;`, `#gt;`), as `<` and `>` would
// be taken for HTML; role names that are Mermaid keywords are given an alias.
#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtype/render.h"

namespace gtype {
namespace {

// Words Mermaid's sequence diagram lexer takes as keywords (case-insensitively) wherever a
// participant could stand.
const std::set<std::string>& mermaid_keywords() {
  static const std::set<std::string> keywords = {
      "accdescr", "acctitle", "activate", "actor",      "alt",        "and",      "as",
      "autonumber", "box",    "break",    "create",     "critical",   "deactivate", "destroy",
      "details",  "else",     "end",      "left",       "link",       "links",    "loop",
      "note",     "of",       "off",      "opt",        "option",     "over",     "par",
      "par_over", "participant", "properties", "rect",  "right",      "sequencediagram", "title"};
  return keywords;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Message, note and box text: Mermaid ends it at `;`, `#` starts an entity code, and `<`/`>`
// would be read as HTML.
std::string text(const std::string& raw) {
  std::string out;
  for (const char c : raw) {
    switch (c) {
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '#':
        out += "#35;";
        break;
      case ';':
        out += "#59;";
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

class MermaidWriter {
 public:
  explicit MermaidWriter(const SequenceDiagram& diagram) : diagram_(diagram) {
    std::set<std::string> taken(diagram.participants.begin(), diagram.participants.end());
    for (const std::string& role : diagram.participants) {
      std::string id = role;
      if (mermaid_keywords().count(lower(role)) > 0) {
        id = "role_" + role;
        while (taken.count(id) > 0) id += "_";
        taken.insert(id);
      }
      ids_.push_back(id);
    }
  }

  std::string write() {
    out_ << "sequenceDiagram\n";
    out_ << "  title " << text((diagram_.explicit_connections ? "explicit global protocol " : "global protocol ") +
                               diagram_.name)
         << '\n';
    for (std::size_t i = 0; i < diagram_.participants.size(); ++i) {
      out_ << "  participant " << ids_[i];
      if (ids_[i] != diagram_.participants[i]) out_ << " as " << diagram_.participants[i];
      out_ << '\n';
    }
    items(diagram_.items, 1);
    return out_.str();
  }

 private:
  void indent(int depth) { out_ << std::string(2 * static_cast<std::size_t>(depth), ' '); }

  void note(std::size_t first, std::size_t last, const std::string& content, int depth) {
    indent(depth);
    out_ << "Note over " << ids_.at(first);
    if (last != first) out_ << ',' << ids_.at(last);
    out_ << ": " << text(content) << '\n';
  }

  void items(const std::vector<DiagramItem>& list, int depth) {
    for (const DiagramItem& item : list) {
      switch (item.kind) {
        case DiagramKind::kMessage:
          indent(depth);
          out_ << ids_.at(item.from) << "-)" << ids_.at(item.to) << ": " << text(item.text) << '\n';
          break;
        case DiagramKind::kConnect:
          indent(depth);
          out_ << ids_.at(item.from) << "->>" << ids_.at(item.to) << ": connect"
               << (item.text.empty() ? "" : ": " + text(item.text)) << '\n';
          break;
        case DiagramKind::kDisconnect:
          note(item.first, item.last, "disconnect", depth);
          break;
        case DiagramKind::kChoice:
          for (std::size_t i = 0; i < item.sections.size(); ++i) {
            indent(depth);
            out_ << (i == 0 ? "alt " : "else ") << text(item.guards.at(i)) << '\n';
            items(item.sections[i], depth + 1);
          }
          indent(depth);
          out_ << "end\n";
          break;
        case DiagramKind::kLoop:
          indent(depth);
          out_ << "loop " << text(item.text) << '\n';
          items(item.sections.at(0), depth + 1);
          indent(depth);
          out_ << "end\n";
          break;
        case DiagramKind::kContinue:
          note(item.first, item.last, "continue " + item.text, depth);
          break;
        case DiagramKind::kCall:
          indent(depth);
          out_ << "rect rgb(235, 241, 250)\n";
          note(item.first, item.last, "do " + item.text, depth + 1);
          items(item.sections.at(0), depth + 1);
          indent(depth);
          out_ << "end\n";
          break;
      }
    }
  }

  const SequenceDiagram& diagram_;
  std::vector<std::string> ids_;
  std::ostringstream out_;
};

}  // namespace

std::string render_mermaid(const SequenceDiagram& diagram) { return MermaidWriter(diagram).write(); }

}  // namespace gtype
