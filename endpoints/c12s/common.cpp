// What the subcommands share: the system map's place, tables, JSON.
#include <cstdlib>
#include <sstream>

#include "commands.h"

namespace c12s::cli {

bool load_system(const ClientOptions& options, system::SystemMap* map, std::string* error) {
  std::string path = options.system;
  if (path.empty()) {
    const char* env = std::getenv("C12S_SYSTEM");
    path = env != nullptr && *env != '\0' ? env : "c12s-data/system.yaml";
  }
  model::Result<system::SystemMap> loaded = system::SystemMap::load(path);
  if (!loaded.ok()) {
    *error = loaded.error_text() + "is the system up? `c12s up` writes " + path +
             " (or name the file with --system, or C12S_SYSTEM)\n";
    return false;
  }
  *map = std::move(*loaded);
  return true;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string json_labels(const std::map<std::string, std::string>& labels) {
  std::string out = "{";
  for (const auto& [key, value] : labels) {
    if (out.size() > 1) out += ", ";
    out += json_string(key) + ": " + json_string(value);
  }
  return out + "}";
}

std::string labels_text(const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& [key, value] : labels) out += (out.empty() ? "" : ",") + key + "=" + value;
  return out;
}

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::ostringstream out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  }
  return out.str();
}

}  // namespace c12s::cli
