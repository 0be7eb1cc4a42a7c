// Rendering diagnostics as text. The format is the gtype command's, without the quoted source
// line: the model does not keep its inputs, and a YAML place is easy to find by line.
#include "c12s/model/result.h"

namespace c12s::model {
namespace {

void render(std::string& out, const Position& at, const char* kind, const std::string& message) {
  if (!at.file.empty()) {
    out += at.file;
    if (at.line > 0) out += ':' + std::to_string(at.line) + ':' + std::to_string(at.column);
    out += ": ";
  }
  out += kind;
  out += ": ";
  out += message;
  out += '\n';
}

}  // namespace

std::string format_diagnostic(const Diagnostic& diagnostic) {
  std::string out;
  render(out, diagnostic.at, "error", diagnostic.message);
  for (const Note& note : diagnostic.notes) render(out, note.at, "note", note.message);
  return out;
}

std::string format_diagnostics(const Diagnostics& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += format_diagnostic(d);
  return out;
}

}  // namespace c12s::model
