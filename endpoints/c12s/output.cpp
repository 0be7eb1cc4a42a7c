// Text for the user commands' output sorts (output.h).
#include "output.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <sstream>

#include "gtype/utf8.h"

namespace c12s::cli {
namespace {

// `byte` as two lowercase hex digits.
std::string hex(unsigned char byte) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return {kDigits[byte >> 4], kDigits[byte & 0xf]};
}

// The escape of a one-byte character that must not reach the terminal, or "" for one that may.
std::string ascii_escape(unsigned char byte) {
  switch (byte) {
    case '\t':
      return "\\t";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case 0x1b:
      return "\\e";
    case '\\':
      return "\\\\";
    default:
      return byte < 0x20 || byte == 0x7f ? "\\x" + hex(byte) : "";
  }
}

// Whether the valid UTF-8 sequence `sequence` is a C1 control, U+0080..U+009F (C2 80..C2 9F).
bool is_c1(std::string_view sequence) {
  return sequence.size() == 2 && static_cast<unsigned char>(sequence[0]) == 0xc2 &&
         static_cast<unsigned char>(sequence[1]) < 0xa0;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = gtype::utf8_sequence_length(text.substr(i));
    const std::string_view sequence = text.substr(i, std::max<std::size_t>(length, 1));
    const unsigned char first = static_cast<unsigned char>(sequence[0]);
    if (length == 0) {
      out += "\\x" + hex(first);  // not UTF-8: one byte at a time
    } else if (is_c1(sequence)) {
      out += "\\u{" + hex(static_cast<unsigned char>(sequence[1])) + "}";
    } else if (std::string escape = length == 1 ? ascii_escape(first) : ""; !escape.empty()) {
      out += escape;
    } else {
      out += sequence;
    }
    i += sequence.size();
  }
  return out;
}

std::string json_for_terminal(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    const unsigned char byte = static_cast<unsigned char>(json[i]);
    if (byte == 0x7f) {
      out += "\\u007f";
    } else if (is_c1(json.substr(i, 2))) {
      out += "\\u00" + hex(static_cast<unsigned char>(json[++i]));
    } else {
      out += json[i];
    }
  }
  return out;
}

std::string labels_text(const std::map<std::string, std::string>& labels) {
  std::string text;
  for (const auto& [key, value] : labels) {
    if (!text.empty()) text += ',';
    text += printable(key);
    text += '=';
    text += printable(value);
  }
  return text;
}

namespace {

// How many characters `cell` shows: its bytes that begin a UTF-8 sequence (a letter such as 'é'
// is two bytes and one column; wide CJK characters, two columns each, are not told apart).
std::size_t columns(const std::string& cell) {
  return static_cast<std::size_t>(std::count_if(
      cell.begin(), cell.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

}  // namespace

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], columns(row[i]));
  }
  std::ostringstream text;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - columns(row[i]) + 2, ' ');
    }
    text << line << "\n";
  }
  return text.str();
}

std::string cell_text(const std::string& value) { return printable(value); }
std::string cell_text(std::uint64_t value) { return std::to_string(value); }
std::string cell_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}
// An empty map is "-", as a missing optional: an empty cell would shift the columns after it.
std::string cell_text(const std::map<std::string, std::string>& labels) {
  return labels.empty() ? "-" : labels_text(labels);
}

std::string column_name(const std::string& field) {
  std::string name = field;
  for (char& c : name) c = c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::string indented(const std::string& text, const std::string& indent) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += indent + line + "\n";
  return out;
}

std::string utc_text(std::int64_t seconds) {
  const auto time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

out::FreeNodeRow free_node_row(const sorts::NodeStatus& node) {
  return out::FreeNodeRow{node.id, node.name, node.status, node.labels};
}

out::NodeRow node_row(const sorts::NodeStatus& node) {
  return out::NodeRow{node.id,   node.name,  node.status, node.health, utc_text(node.last_seen),
                      node.swim, node.labels};
}

out::NodesRow nodes_row(const sorts::NodeStatus& node) {
  std::optional<std::string> cluster;
  if (node.topology && node.region && node.cluster)
    cluster = *node.topology + "/" + *node.region + "/" + *node.cluster;
  return out::NodesRow{node.id, node.name,  node.status, node.health, utc_text(node.last_seen),
                       cluster, node.labels};
}

namespace {

// utc_text with milliseconds: "2026-12-07T23:50:01.123Z".
std::string time_text(std::int64_t millis) {
  std::string text = utc_text(millis / 1000);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(millis % 1000));
  return text.substr(0, text.size() - 1) + fraction;
}

}  // namespace

std::string log_line(const sorts::LogRecord& record) {
  std::string level = printable(record.level);
  if (level.size() < 7) level.resize(7, ' ');  // the usual levels line up
  return time_text(record.time) + " " + level + " " + (record.task.empty() ? "-" : printable(record.task)) +
         " " + labels_text(record.labels) + " " + printable(record.message);
}

}  // namespace c12s::cli
