// Text for the user commands' output sorts (output.h).
#include "output.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace c12s::cli {

std::string labels_text(const std::map<std::string, std::string>& labels) {
  std::string text;
  for (const auto& [key, value] : labels) {
    if (!text.empty()) text += ',';
    text += key;
    text += '=';
    text += value;
  }
  return text;
}

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::ostringstream text;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    text << line << "\n";
  }
  return text.str();
}

std::string cell_text(const std::string& value) { return value; }
std::string cell_text(std::uint64_t value) { return std::to_string(value); }
std::string cell_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}
std::string cell_text(const std::map<std::string, std::string>& labels) { return labels_text(labels); }

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

out::NodeRow node_row(const sorts::NodeStatus& node) {
  return out::NodeRow{node.id, node.name, node.status, node.labels};
}

}  // namespace c12s::cli
