// Diagnostics and results of the control plane's domain model.
//
// Parsing user input (a selector, a YAML file) reports every mistake it finds as a Diagnostic
// with its place, the way a compiler does, and Result<T> holds either the parsed value or those
// diagnostics, with the inputs they point into. They render as gtype's do (the same engine,
// gtype::DiagnosticEngine): FILE:LINE:COL, the source line, a caret, then notes. Nothing in the
// model prints, throws at its callers or exits; the command line decides how to show the text.
#pragma once

#include <cassert>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace c12s::model {

// A place in a named input. line == 0: the input as a whole (e.g. a file that cannot be read);
// file empty as well: no place at all.
struct Position {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in bytes
};

struct Note {
  Position at;
  std::string message;
};

struct Diagnostic {
  Position at;
  std::string message;
  std::vector<Note> notes;
};

using Diagnostics = std::vector<Diagnostic>;

// The texts the diagnostics point into, by the names their Positions use.
using Inputs = std::map<std::string, std::string>;

// Every diagnostic as gtype renders it, sorted by place: "FILE:LINE:COL: error: MESSAGE", the
// line of the input (when `inputs` has it) with a caret under the column, then each note the
// same way. A file without a line shows as "FILE: error: ..."; no place at all, "error: ...".
std::string format_diagnostics(const Diagnostics& diagnostics, const Inputs& inputs = {});

// Either a T or at least one diagnostic, like std::expected (C++23) with a list of errors.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}             // NOLINT(google-explicit-constructor)
  Result(Diagnostics errors) : value_(std::move(errors)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<1>(value_).empty());
  }
  // Errors in `inputs`, which their rendering quotes.
  Result(Diagnostics errors, Inputs inputs) : Result(std::move(errors)) { inputs_ = std::move(inputs); }

  bool ok() const { return value_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    assert(ok());
    return std::get<0>(value_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(value_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(value_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Diagnostics& errors() const {
    assert(!ok());
    return std::get<1>(value_);
  }
  // The errors as format_diagnostics() renders them; empty when ok().
  std::string error_text() const { return ok() ? std::string() : format_diagnostics(errors(), inputs_); }

 private:
  std::variant<T, Diagnostics> value_;
  Inputs inputs_;
};

}  // namespace c12s::model
