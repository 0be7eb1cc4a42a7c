// Diagnostics: the errors a user's input can cause, collected rather than thrown.
//
// Every checker reports all the errors it finds into a DiagnosticEngine; the driver prints them
// in the contract's format (FILE:LINE:COL: error: MESSAGE, the source line, a caret, then notes).
// Warnings (what is accepted but ignored, such as a νScr pragma) are printed the same way, as
// `warning:`, and never make a file fail. Our own bugs are asserts, never diagnostics.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "gtype/source.h"

namespace gtype {

struct Note {
  SourceLocation location;  // may be invalid: the note then has no position
  std::string message;
};

struct Diagnostic {
  SourceLocation location;
  std::string message;
  std::vector<Note> notes;
};

class DiagnosticEngine {
 public:
  explicit DiagnosticEngine(const SourceManager& sources) : sources_(&sources) {}

  // Records an error; returns it so the caller can attach notes.
  Diagnostic& error(SourceLocation location, std::string message);
  // Records a warning: the input is accepted, but something in it is ignored.
  Diagnostic& warning(SourceLocation location, std::string message);

  bool has_errors() const { return !errors_.empty(); }
  std::size_t error_count() const { return errors_.size(); }
  const std::vector<Diagnostic>& errors() const { return errors_; }
  const std::vector<Diagnostic>& warnings() const { return warnings_; }

  struct Printed {
    std::size_t errors = 0;
    std::size_t warnings = 0;
  };
  // Prints the errors and warnings sorted by position (file, line, column), each once, in the
  // contract's format; returns how many of each were printed.
  Printed print(std::ostream& out) const;

  // Whether a spelling suggestion may still be made ("did you mean"): each looks at every
  // candidate name, so an engine grants kMaxSuggestions of them and the errors after that come
  // without one; a file of thousands of misspellings stays linear.
  static constexpr std::size_t kMaxSuggestions = 200;
  bool take_suggestion() { return suggestions_++ < kMaxSuggestions; }

 private:
  const SourceManager* sources_;
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
  std::size_t suggestions_ = 0;
};

// "2 errors generated.", "1 warning and 1 error generated." (as clang says it); empty when
// nothing was printed.
std::string summary_line(DiagnosticEngine::Printed printed);

// Renders one "PATH:LINE:COL: KIND: MESSAGE" header, then the quoted line and a caret.
void render_message(std::ostream& out, const SourceManager& sources, SourceLocation location,
                    const char* kind, const std::string& message);

}  // namespace gtype
