#include "gtype/diagnostic.h"

#include <algorithm>
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
  // Keep tabs so that the caret lines up under the column however the terminal expands them.
  std::string caret;
  for (std::uint32_t i = 1; i < location.column; ++i) {
    caret += (i - 1 < line.size() && line[i - 1] == '\t') ? '\t' : ' ';
  }
  out << caret << "^\n";
}

std::size_t DiagnosticEngine::print(std::ostream& out) const {
  std::vector<const Diagnostic*> sorted;
  for (const Diagnostic& d : errors_) sorted.push_back(&d);
  auto key = [](const Diagnostic* d) { return std::tie(d->location, d->message); };
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
