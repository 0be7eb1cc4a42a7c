// One .gtype text parsed (and checked) as `gtype` loads a file without imports: what the
// property tests load their random files with.
#pragma once

#include <cstdint>
#include <string>

#include "gtype/diagnostic.h"
#include "gtype/program.h"

namespace gtype_test {

class Loaded {
 public:
  enum class Check { kWellFormed, kParseOnly };
  explicit Loaded(std::string text, Check check = Check::kWellFormed);
  Loaded(const Loaded&) = delete;
  Loaded& operator=(const Loaded&) = delete;

  bool parsed() const { return !program_.has_syntax_errors; }
  bool fine() const { return parsed() && !diagnostics_.has_errors(); }
  const gtype::Program& program() const { return program_; }
  const gtype::SourceFile& file() const { return program_.files.front(); }
  gtype::DiagnosticEngine& diagnostics() { return diagnostics_; }
  std::string rendered_diagnostics() const;
  // The first error's message up to its first quote (what kind of error), or "none".
  std::string first_error_kind() const;

 private:
  gtype::SourceManager sources_;
  gtype::DiagnosticEngine diagnostics_;
  gtype::Program program_;
};

}  // namespace gtype_test
