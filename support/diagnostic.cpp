#include "gtype/diagnostic.h"

#include <algorithm>
#include <functional>
#include <tuple>

#include "gtype/utf8.h"

namespace gtype {

Diagnostic& DiagnosticEngine::error(SourceLocation location, std::string message) {
  errors_.push_back(Diagnostic{location, std::move(message), {}});
  return errors_.back();
}

Diagnostic& DiagnosticEngine::warning(SourceLocation location, std::string message) {
  warnings_.push_back(Diagnostic{location, std::move(message), {}});
  return warnings_.back();
}

std::string summary_line(DiagnosticEngine::Printed printed) {
  auto count = [](std::size_t n, const char* what) {
    return std::to_string(n) + ' ' + what + (n == 1 ? "" : "s");
  };
  std::string line;
  if (printed.warnings > 0) line = count(printed.warnings, "warning");
  if (printed.warnings > 0 && printed.errors > 0) line += " and ";
  if (printed.errors > 0) line += count(printed.errors, "error");
  return line.empty() ? line : line + " generated.";
}

void render_message(std::ostream& out, const SourceManager& sources, SourceLocation location,
                    const char* kind, const std::string& message) {
  if (!location.valid()) {
    if (location.whole_file) out << sources.path(location.file) << ": ";
    out << kind << ": " << message << '\n';
    return;
  }
  out << sources.path(location.file) << ':' << location.line << ':' << location.column << ": " << kind << ": "
      << message << '\n';
  const std::string_view line = sources.line(location.file, location.line);
  // A very long line is shown as a window around the column, its cut ends marked "...".
  constexpr std::size_t kWindow = 120;
  std::size_t begin = 0;  // first byte shown (windows are placed as if the line were ASCII)
  std::string caret;
  if (line.size() > 2 * kWindow) {
    const std::size_t at = std::min<std::size_t>(location.column - 1, line.size());
    begin = at > kWindow / 2 ? at - kWindow / 2 : 0;
    if (begin > 0) {
      out << "...";
      caret = "   ";
    }
    out << utf8_sanitized(line.substr(begin, kWindow)) << (begin + kWindow < line.size() ? "..." : "")
        << '\n';
  } else {
    out << utf8_sanitized(line) << '\n';
  }
  // Columns count characters, not bytes; invalid UTF-8 (itself an error) is shown as U+FFFD,
  // one character a byte. Keep tabs so that the caret lines up under the column however the
  // terminal expands them.
  std::uint32_t column = static_cast<std::uint32_t>(begin) + 1;
  for (std::size_t i = begin; i < line.size() && column < location.column;) {
    caret += line[i] == '\t' ? '\t' : ' ';
    ++column;
    i += std::max<std::size_t>(1, utf8_sequence_length(line.substr(i)));
  }
  if (column < location.column) caret.append(location.column - column, ' ');  // past the end of the line
  out << caret << "^\n";
}

DiagnosticEngine::Printed DiagnosticEngine::print(std::ostream& out) const {
  struct Entry {
    const Diagnostic* diagnostic;
    bool warning;
  };
  std::vector<Entry> sorted;
  for (const Diagnostic& d : errors_) sorted.push_back({&d, false});
  for (const Diagnostic& d : warnings_) sorted.push_back({&d, true});
  // By path rather than file index: two roots that import one file load it twice.
  auto key = [&](const Entry& e) {
    const Diagnostic* d = e.diagnostic;
    std::string path =
        d->location.valid() || d->location.whole_file ? sources_->path(d->location.file) : std::string();
    return std::make_tuple(std::move(path), d->location.line, d->location.column, e.warning,
                           std::cref(d->message));
  };
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const Entry& a, const Entry& b) { return key(a) < key(b); });
  // The same error can be found twice, e.g. in a protocol inlined by two `do`s: say it once.
  sorted.erase(std::unique(sorted.begin(), sorted.end(),
                           [&](const Entry& a, const Entry& b) { return key(a) == key(b); }),
               sorted.end());
  Printed printed;
  for (const Entry& e : sorted) {
    render_message(out, *sources_, e.diagnostic->location, e.warning ? "warning" : "error",
                   e.diagnostic->message);
    for (const Note& note : e.diagnostic->notes)
      render_message(out, *sources_, note.location, "note", note.message);
    ++(e.warning ? printed.warnings : printed.errors);
  }
  return printed;
}

}  // namespace gtype
