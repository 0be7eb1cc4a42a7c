// Renders: a SequenceDiagram as a standalone SVG document, with no external tool.
//
// The picture is the thesis's figures 4.7-4.10: a box and a dashed lifeline per participant,
// one labelled arrow per message, boxes for choices (`alt`, one dashed section per branch,
// guarded "[p chooses l]"), loops (`loop`, "[t]") and inlined calls (`do`, shaded), notes for
// `disconnect` and `continue`. A send is a thin black arrow with an open head; a connection a
// thicker blue arrow with a filled head and a dot where it starts (a legend says so).
// Text is set in a fixed-width font whose advance is estimated (0.6 em), so the layout needs no
// font metrics: column gaps grow until every message label and box guard fits.
// Leaves out: which roles are connected at each point, activation bars, and any wrapping of long
// labels (a column gap simply grows). Coordinates are integers and the output is deterministic.
#include <algorithm>
#include <sstream>
#include <tuple>

#include "gtype/render.h"

namespace gtype {
namespace {

constexpr int kFont = 13;         // labels, participants
constexpr int kSmallFont = 12;    // box tags and guards
constexpr int kTitleFont = 15;
constexpr int kMargin = 20;
constexpr int kBoxHeight = 34;
constexpr int kMinBoxWidth = 80;
constexpr int kBoxGap = 28;       // between two participant boxes
constexpr int kLabelPadding = 36; // around a message label, between its two lifelines
constexpr int kFramePadding = 12; // a box around what it holds, per level of nesting
constexpr int kNotePadding = 24;  // a note beyond the lifelines it spans
constexpr int kTagHeight = 18;
constexpr const char* kSendColour = "#222222";
constexpr const char* kConnectColour = "#1d5fb4";
constexpr const char* kFrameColour = "#6b6b6b";
constexpr const char* kCallShade = "#eaf1fb";
// A white outline painted under a text's glyphs, so that the lifelines and box edges a guard
// crosses do not run through it.
constexpr const char* kHalo = " stroke=\"#ffffff\" stroke-width=\"4\" stroke-linejoin=\"round\" paint-order=\"stroke\"";

// Width of `text` in a fixed-width font of `size` px (an advance of 0.602 em, as DejaVu Sans
// Mono's), counting characters, not UTF-8 bytes.
int text_width(const std::string& text, int size) {
  int characters = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++characters;
  }
  return (characters * size * 602 + 999) / 1000;
}

std::string xml(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

struct Extent {
  int left;
  int right;
};

Extent unite(const Extent& a, const Extent& b) { return {std::min(a.left, b.left), std::max(a.right, b.right)}; }

const char* tag_of(DiagramKind kind) {
  switch (kind) {
    case DiagramKind::kChoice:
      return "alt";
    case DiagramKind::kLoop:
      return "loop";
    case DiagramKind::kCall:
      return "do";
    default:
      return "";
  }
}

bool is_box(DiagramKind kind) {
  return kind == DiagramKind::kChoice || kind == DiagramKind::kLoop || kind == DiagramKind::kCall;
}

// The guard written after a box's tag, for its first section.
std::string header_guard(const DiagramItem& item) {
  switch (item.kind) {
    case DiagramKind::kChoice:
      return "[" + item.guards.at(0) + "]";
    case DiagramKind::kLoop:
      return "[" + item.text + "]";
    default:
      return item.text;
  }
}

int tag_width(const DiagramItem& item) { return text_width(tag_of(item.kind), kSmallFont) + 16; }

// The least width of a box: its tag and each of its guards must fit.
int box_min_width(const DiagramItem& item) {
  int width = tag_width(item) + 8 + text_width(header_guard(item), kSmallFont) + 10;
  for (std::size_t i = 1; i < item.guards.size(); ++i) {
    width = std::max(width, text_width("[" + item.guards[i] + "]", kSmallFont) + 20);
  }
  return width;
}

class SvgWriter {
 public:
  explicit SvgWriter(const SequenceDiagram& diagram) : diagram_(diagram) {}

  std::string write() {
    layout_columns();
    const std::string title =
        (diagram_.explicit_connections ? "explicit global protocol " : "global protocol ") + diagram_.name;

    y_ = kMargin;
    const int title_baseline = y_ + kTitleFont;
    y_ += 32;
    const int header_top = y_;
    participants(header_top);
    y_ = header_top + kBoxHeight + 18;
    items(diagram_.items);
    y_ += 8;
    const int footer_top = y_;
    participants(footer_top);
    for (std::size_t i = 0; i < x_.size(); ++i) {
      lifelines_ << "  <line x1=\"" << x_[i] << "\" y1=\"" << header_top + kBoxHeight << "\" x2=\"" << x_[i]
                 << "\" y2=\"" << footer_top << "\" stroke=\"#8a8a8a\" stroke-dasharray=\"5 4\"/>\n";
    }
    y_ = footer_top + kBoxHeight;
    if (has_connect(diagram_.items)) legend();

    const int dx = kMargin - min_x_;
    const int width = std::max(max_x_ - min_x_, text_width(title, kTitleFont)) + 2 * kMargin;
    const int height = y_ + kMargin;
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << width << ' ' << height
        << "\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"" << kFont << "\">\n";
    out << "<title>" << xml(title) << "</title>\n";
    out << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height << "\" fill=\"#ffffff\"/>\n";
    out << "<text x=\"" << kMargin << "\" y=\"" << title_baseline << "\" font-size=\"" << kTitleFont
        << "\" font-weight=\"bold\" fill=\"#222222\">" << xml(title) << "</text>\n";
    out << "<g transform=\"translate(" << dx << ",0)\">\n";
    out << fills_.str() << lifelines_.str() << frames_.str() << front_.str();
    out << "</g>\n</svg>\n";
    return out.str();
  }

 private:
  // ---------------------------------------------------------------- columns

  struct Constraint {
    std::size_t lo;
    std::size_t hi;
    int need;  // x[hi] - x[lo] at least this
  };

  void constraints(const std::vector<DiagramItem>& list, std::vector<Constraint>& out) const {
    for (const DiagramItem& item : list) {
      switch (item.kind) {
        case DiagramKind::kMessage:
        case DiagramKind::kConnect: {
          const std::size_t lo = std::min(item.from, item.to), hi = std::max(item.from, item.to);
          if (lo != hi) out.push_back({lo, hi, text_width(label_of(item), kFont) + kLabelPadding});
          break;
        }
        case DiagramKind::kChoice:
        case DiagramKind::kLoop:
        case DiagramKind::kCall:
          if (item.first < item.last) out.push_back({item.first, item.last, box_min_width(item) - 2 * kFramePadding});
          for (const std::vector<DiagramItem>& section : item.sections) constraints(section, out);
          break;
        case DiagramKind::kDisconnect:
        case DiagramKind::kContinue:
          break;
      }
    }
  }

  void layout_columns() {
    const std::size_t n = diagram_.participants.size();
    for (const std::string& role : diagram_.participants) {
      box_width_.push_back(std::max(kMinBoxWidth, text_width(role, kFont) + 28));
    }
    std::vector<int> gap(n > 0 ? n - 1 : 0);
    for (std::size_t i = 0; i + 1 < n; ++i) gap[i] = (box_width_[i] + box_width_[i + 1]) / 2 + kBoxGap;
    std::vector<Constraint> all;
    constraints(diagram_.items, all);
    // Narrow spans first, so that a wide one only adds what its parts still lack.
    std::stable_sort(all.begin(), all.end(), [](const Constraint& a, const Constraint& b) {
      return std::make_tuple(a.hi - a.lo, a.lo, a.hi) < std::make_tuple(b.hi - b.lo, b.lo, b.hi);
    });
    for (const Constraint& c : all) {
      int current = 0;
      for (std::size_t i = c.lo; i < c.hi; ++i) current += gap[i];
      if (current >= c.need) continue;
      const int deficit = c.need - current;
      const int parts = static_cast<int>(c.hi - c.lo);
      for (std::size_t i = c.lo; i < c.hi; ++i) gap[i] += deficit / parts;
      gap[c.hi - 1] += deficit % parts;
    }
    int x = box_width_.empty() ? 0 : box_width_[0] / 2;
    for (std::size_t i = 0; i < n; ++i) {
      x_.push_back(x);
      if (i + 1 < n) x += gap[i];
    }
  }

  // ---------------------------------------------------------------- extents

  static std::string label_of(const DiagramItem& item) {
    if (item.kind == DiagramKind::kConnect && item.text.empty()) return "connect";
    return item.text;
  }

  static std::string note_text(const DiagramItem& item) {
    return item.kind == DiagramKind::kDisconnect ? "disconnect" : "continue " + item.text;
  }

  Extent note_extent(std::size_t first, std::size_t last, const std::string& text) const {
    Extent e{x_.at(first) - kNotePadding, x_.at(last) + kNotePadding};
    const int need = text_width(text, kFont) + 20;
    if (e.right - e.left < need) {
      const int centre = (e.left + e.right) / 2;
      e = {centre - need / 2, centre - need / 2 + need};
    }
    return e;
  }

  Extent extent(const DiagramItem& item) const {
    switch (item.kind) {
      case DiagramKind::kMessage:
      case DiagramKind::kConnect:
        return {std::min(x_.at(item.from), x_.at(item.to)), std::max(x_.at(item.from), x_.at(item.to))};
      case DiagramKind::kDisconnect:
      case DiagramKind::kContinue:
        return note_extent(item.first, item.last, note_text(item));
      default:
        break;
    }
    Extent e{x_.at(item.first), x_.at(item.last)};
    for (const std::vector<DiagramItem>& section : item.sections) {
      for (const DiagramItem& inner : section) e = unite(e, extent(inner));
    }
    e.left -= kFramePadding;
    e.right += kFramePadding;
    e.right = std::max(e.right, e.left + box_min_width(item));
    return e;
  }

  static bool has_connect(const std::vector<DiagramItem>& list) {
    for (const DiagramItem& item : list) {
      if (item.kind == DiagramKind::kConnect) return true;
      for (const std::vector<DiagramItem>& section : item.sections) {
        if (has_connect(section)) return true;
      }
    }
    return false;
  }

  void see(int left, int right) {
    min_x_ = std::min(min_x_, left);
    max_x_ = std::max(max_x_, right);
  }

  // ---------------------------------------------------------------- drawing

  void participants(int top) {
    for (std::size_t i = 0; i < x_.size(); ++i) {
      const int left = x_[i] - box_width_[i] / 2;
      see(left, left + box_width_[i]);
      front_ << "  <rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << box_width_[i] << "\" height=\""
             << kBoxHeight << "\" rx=\"4\" fill=\"#eef1f7\" stroke=\"#4a5a78\" stroke-width=\"1.2\"/>\n";
      front_ << "  <text x=\"" << x_[i] << "\" y=\"" << top + kBoxHeight / 2 + 5
             << "\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#1b2333\">" << xml(diagram_.participants[i])
             << "</text>\n";
    }
  }

  void arrow(int x1, int x2, int y, bool connect, std::ostringstream& out) {
    const int direction = x2 > x1 ? 1 : -1;
    if (connect) {
      out << "  <line x1=\"" << x1 << "\" y1=\"" << y << "\" x2=\"" << x2 - direction * 9 << "\" y2=\"" << y
          << "\" stroke=\"" << kConnectColour << "\" stroke-width=\"2\"/>\n";
      out << "  <circle cx=\"" << x1 << "\" cy=\"" << y << "\" r=\"4\" fill=\"" << kConnectColour << "\"/>\n";
      out << "  <path d=\"M" << x2 << ',' << y << " L" << x2 - direction * 11 << ',' << y - 6 << " L"
          << x2 - direction * 11 << ',' << y + 6 << " Z\" fill=\"" << kConnectColour << "\"/>\n";
    } else {
      out << "  <line x1=\"" << x1 << "\" y1=\"" << y << "\" x2=\"" << x2 << "\" y2=\"" << y << "\" stroke=\""
          << kSendColour << "\" stroke-width=\"1.2\"/>\n";
      out << "  <path d=\"M" << x2 - direction * 10 << ',' << y - 5 << " L" << x2 << ',' << y << " L"
          << x2 - direction * 10 << ',' << y + 5 << "\" fill=\"none\" stroke=\"" << kSendColour
          << "\" stroke-width=\"1.2\"/>\n";
    }
  }

  void message(const DiagramItem& item) {
    const int x1 = x_.at(item.from), x2 = x_.at(item.to);
    const bool connect = item.kind == DiagramKind::kConnect;
    // A ground under the label, so that lifelines it crosses do not run through it: white, or
    // the shade of the call box it is in.
    const std::string label = label_of(item);
    const int width = text_width(label, kFont) + 6;
    front_ << "  <rect x=\"" << (x1 + x2) / 2 - width / 2 << "\" y=\"" << y_ + 1 << "\" width=\"" << width
           << "\" height=\"16\" fill=\"" << (calls_ > 0 ? kCallShade : "#ffffff") << "\"/>\n";
    front_ << "  <text x=\"" << (x1 + x2) / 2 << "\" y=\"" << y_ + 13 << "\" text-anchor=\"middle\" fill=\""
           << (connect ? kConnectColour : kSendColour) << "\">" << xml(label) << "</text>\n";
    arrow(x1, x2, y_ + 20, connect, front_);
    y_ += 32;
  }

  void note(const DiagramItem& item) {
    const std::string text = note_text(item);
    const Extent e = note_extent(item.first, item.last, text);
    see(e.left, e.right);
    front_ << "  <rect x=\"" << e.left << "\" y=\"" << y_ + 2 << "\" width=\"" << e.right - e.left
           << "\" height=\"24\" fill=\"#fff7c8\" stroke=\"#b8a44c\"/>\n";
    front_ << "  <text x=\"" << (e.left + e.right) / 2 << "\" y=\"" << y_ + 18
           << "\" text-anchor=\"middle\" fill=\"#3d3510\">" << xml(text) << "</text>\n";
    y_ += 34;
  }

  void guard(int x, int y, const std::string& text) {
    frames_ << "  <text x=\"" << x << "\" y=\"" << y << "\" font-size=\"" << kSmallFont
            << "\" font-style=\"italic\" fill=\"#333333\"" << kHalo << ">" << xml(text) << "</text>\n";
  }

  void box(const DiagramItem& item) {
    const Extent e = extent(item);
    see(e.left, e.right);
    const int top = y_ + 4;
    y_ += kTagHeight + 16;
    std::vector<int> separators;
    for (std::size_t i = 0; i < item.sections.size(); ++i) {
      if (i > 0) {
        separators.push_back(y_ + 4);
        y_ += 28;
      }
      if (item.kind == DiagramKind::kCall) ++calls_;
      items(item.sections[i]);
      if (item.kind == DiagramKind::kCall) --calls_;
    }
    const int bottom = y_ + 2;
    y_ = bottom + 12;

    if (item.kind == DiagramKind::kCall) {
      fills_ << "  <rect x=\"" << e.left << "\" y=\"" << top << "\" width=\"" << e.right - e.left << "\" height=\""
             << bottom - top << "\" fill=\"" << kCallShade << "\"/>\n";
    }
    frames_ << "  <rect x=\"" << e.left << "\" y=\"" << top << "\" width=\"" << e.right - e.left << "\" height=\""
            << bottom - top << "\" fill=\"none\" stroke=\"" << kFrameColour << "\"/>\n";
    const int tag = tag_width(item);
    frames_ << "  <path d=\"M" << e.left << ',' << top << " H" << e.left + tag << " V" << top + kTagHeight - 6
            << " L" << e.left + tag - 6 << ',' << top + kTagHeight << " H" << e.left << " Z\" fill=\"#e4e4e4\" stroke=\""
            << kFrameColour << "\"/>\n";
    frames_ << "  <text x=\"" << e.left + 7 << "\" y=\"" << top + 13 << "\" font-size=\"" << kSmallFont
            << "\" font-weight=\"bold\" fill=\"#222222\">" << tag_of(item.kind) << "</text>\n";
    guard(e.left + tag + 8, top + 13, header_guard(item));
    for (std::size_t i = 0; i < separators.size(); ++i) {
      frames_ << "  <line x1=\"" << e.left << "\" y1=\"" << separators[i] << "\" x2=\"" << e.right << "\" y2=\""
              << separators[i] << "\" stroke=\"" << kFrameColour << "\" stroke-dasharray=\"6 4\"/>\n";
      guard(e.left + 8, separators[i] + 15, "[" + item.guards.at(i + 1) + "]");
    }
  }

  void items(const std::vector<DiagramItem>& list) {
    for (const DiagramItem& item : list) {
      if (is_box(item.kind)) {
        box(item);
      } else if (item.kind == DiagramKind::kMessage || item.kind == DiagramKind::kConnect) {
        message(item);
      } else {
        note(item);
      }
    }
  }

  void legend() {
    const int y = y_ + 26;
    const int left = min_x_;
    arrow(left, left + 44, y, false, front_);
    front_ << "  <text x=\"" << left + 52 << "\" y=\"" << y + 4 << "\" fill=\"" << kSendColour << "\">send</text>\n";
    const int connect_left = left + 52 + text_width("send", kFont) + 28;
    arrow(connect_left, connect_left + 44, y, true, front_);
    const std::string text = "connect (the receiver accepts)";
    front_ << "  <text x=\"" << connect_left + 52 << "\" y=\"" << y + 4 << "\" fill=\"" << kConnectColour << "\">"
           << xml(text) << "</text>\n";
    see(left, connect_left + 52 + text_width(text, kFont));
    y_ = y + 10;
  }

  const SequenceDiagram& diagram_;
  std::vector<int> x_;          // lifeline of each participant
  std::vector<int> box_width_;  // participant boxes
  int y_ = 0;
  int calls_ = 0;  // how many call boxes the items being drawn are in
  int min_x_ = 0;
  int max_x_ = 0;
  // Layers, bottom to top: call shading, lifelines, box outlines and guards, then arrows, notes
  // and participant boxes.
  std::ostringstream fills_, lifelines_, frames_, front_;
};

}  // namespace

std::string render_svg(const SequenceDiagram& diagram) { return SvgWriter(diagram).write(); }

}  // namespace gtype
