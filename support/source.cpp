#include "gtype/source.h"

#include <cassert>

namespace gtype {

std::uint32_t SourceManager::add(std::string path, std::string text) {
  File file{std::move(path), std::move(text), {0}};
  for (std::size_t i = 0; i < file.text.size(); ++i) {
    if (file.text[i] == '\n') file.line_starts.push_back(i + 1);
  }
  files_.push_back(std::move(file));
  return static_cast<std::uint32_t>(files_.size() - 1);
}

const std::string& SourceManager::path(std::uint32_t file) const {
  assert(file < files_.size());
  return files_[file].path;
}

const std::string& SourceManager::text(std::uint32_t file) const {
  assert(file < files_.size());
  return files_[file].text;
}

std::string_view SourceManager::line(std::uint32_t file, std::uint32_t line) const {
  assert(file < files_.size());
  const File& f = files_[file];
  if (line == 0 || line > f.line_starts.size()) return {};
  std::size_t begin = f.line_starts[line - 1];
  std::size_t end = line < f.line_starts.size() ? f.line_starts[line] - 1 : f.text.size();
  std::string_view text(f.text);
  text = text.substr(begin, end - begin);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

}  // namespace gtype
