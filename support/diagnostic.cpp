#include "gtype/diagnostic.h"

#include <algorithm>
#include <functional>
#include <tuple>

namespace gtype {

Diagnostic& DiagnosticEngine::error(SourceLocation location, std::string message) {
  errors_.push_back(Diagnostic{location, std::move(message), {}});
  return errors_.back();
}

void render_message(std::ostream& out, const SourceManager& sources, SourceLocation location,
                    const char* kind, const std::string& message) {
  if (!location.valid()) {
    out << kind << ": " << message << '\n';
    return;
  }
  out << sources.path(location.file) << ':' << location.line << ':' << location.column << ": "
      << kind << ": " << message << '\n';
  std::string_view line = sources.line(location.file, location.line);
  out << line << '\n';
  // Columns count characters, not bytes: skip UTF-8 continuation bytes. Keep tabs so that the
  // caret lines up under the column however the terminal expands them.
  std::string caret;
  std::uint32_t column = 1;
  for (std::size_t i = 0; i < line.size() && column < location.column; ++i) {
    const auto byte = static_cast<unsigned char>(line[i]);
    if ((byte & 0xC0) == 0x80) continue;
    caret += byte == '\t' ? '\t' : ' ';
    ++column;
  }
  caret.append(location.column - column, ' ');  // a column past the end of the line
  out << caret << "^\n";
}

std::size_t DiagnosticEngine::print(std::ostream& out) const {
  std::vector<const Diagnostic*> sorted;
  for (const Diagnostic& d : errors_) sorted.push_back(&d);
  // By path rather than file index: two roots that import one file load it twice.
  auto key = [&](const Diagnostic* d) {
    std::string path = d->location.valid() ? sources_->path(d->location.file) : std::string();
    return std::make_tuple(std::move(path), d->location.line, d->location.column, std::cref(d->message));
  };
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const Diagnostic* a, const Diagnostic* b) { return key(a) < key(b); });
  // The same error can be found twice, e.g. in a protocol inlined by two `do`s: say it once.
  sorted.erase(std::unique(sorted.begin(), sorted.end(),
                           [&](const Diagnostic* a, const Diagnostic* b) { return key(a) == key(b); }),
               sorted.end());
  for (const Diagnostic* d : sorted) {
    render_message(out, *sources_, d->location, "error", d->message);
    for (const Note& note : d->notes) render_message(out, *sources_, note.location, "note", note.message);
  }
  return sorted.size();
}

}  // namespace gtype
