// Source files and positions in them.
//
// A SourceManager owns the text of every file read during one run, so diagnostics can quote
// the offending line long after parsing. Locations are plain values: a file index, a line and a
// column, both 1-based; line 0 means "no location" (for example a projected local type).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gtype {

struct SourceLocation {
  std::uint32_t file = 0;
  std::uint32_t line = 0;    // 1-based; 0 when the entity has no place in a source file
  std::uint32_t column = 0;  // 1-based, counted in characters
  bool whole_file = false;   // line 0: still about `file` as a whole (one that cannot be read)

  // The file as a whole: diagnostics name it, with no line.
  static SourceLocation whole(std::uint32_t file) { return SourceLocation{file, 0, 0, true}; }
  bool valid() const { return line != 0; }
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
  friend auto operator<=>(const SourceLocation&, const SourceLocation&) = default;
};

class SourceManager {
 public:
  // Registers a file's text under `path` (as the user spelled it) and returns its index.
  std::uint32_t add(std::string path, std::string text);

  const std::string& path(std::uint32_t file) const;
  const std::string& text(std::uint32_t file) const;
  // The text of one line, without its line terminator; empty past the end of the file.
  std::string_view line(std::uint32_t file, std::uint32_t line) const;
  std::size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string path;
    std::string text;
    std::vector<std::size_t> line_starts;  // offset of the first character of each line
  };
  std::vector<File> files_;
};

}  // namespace gtype
