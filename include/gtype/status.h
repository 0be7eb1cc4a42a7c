// Status and Result<T>: the one way every part of gtype and c12s reports a failure that its
// input, the disk or the network caused (our own bugs are asserts).
//
// A Status is ok, or a code and a message in words a person can act on; when user input was at
// fault (a .gtype file, a --selector value, a YAML file) it also carries the diagnostics, with the
// sources they point into, and its message is their rendering in the compiler's format
// (FILE:LINE:COL, the source line, a caret, then notes). The code lets a caller branch without
// parsing text. Result<T> is a T or a failed Status, like std::expected (C++23). Both are
// [[nodiscard]]: a failure is handled or passed on, never dropped by accident.
#pragma once

#include <cassert>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "gtype/diagnostic.h"
#include "gtype/source.h"

namespace gtype {

enum class StatusCode {
  kOk,
  kInvalidInput,  // user input has errors; the Status's diagnostics say where
  kIo,            // a file cannot be read or written (missing, a directory, too large)
  kConfig,        // a configuration (directory file, role tables, queue settings) is not well formed
  // Stores.
  kNotFound,    // the thing asked for is not stored (a node id, a topology, a task)
  kRejected,    // a rule refuses the request; nothing was changed
  kStorage,     // SQLite failed: I/O, a full disk, a lock held too long, a constraint
  kCorruption,  // the file is not a database, or stored bytes do not decode
  // Sessions.
  kTimeout,            // a receive, accept or connect did not complete in time
  kPeerLost,           // the transport lost the peer (its process died or the link broke)
  kAborted,            // another role of the session failed it and said why
  kProtocolViolation,  // a peer sent what the local type does not allow here (session failed)
  kTransport,          // the transport could not send or bind
  kConsumedState,      // a state object was used after it had been consumed
  kClosed,             // the endpoint was stopped, or the session is no longer open
};

// "ok", "invalid-input", "not-found", "peer-lost", ...: how errors print a code.
const char* status_code_name(StatusCode code);

// Errors in user input with the texts they quote: the sources are owned, so the report can be
// rendered long after the input is gone (a Status outlives the parser that made it).
struct DiagnosticReport {
  SourceManager sources;
  std::vector<Diagnostic> errors;

  // The errors as DiagnosticEngine prints them, sorted by place; empty when there are none.
  std::string render() const;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  // A failure; `code` is not kOk.
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {
    assert(code != StatusCode::kOk);
  }

  static Status success() { return Status(); }
  static Status io_error(std::string message) { return {StatusCode::kIo, std::move(message)}; }
  static Status config(std::string message) { return {StatusCode::kConfig, std::move(message)}; }
  static Status not_found(std::string message) { return {StatusCode::kNotFound, std::move(message)}; }
  static Status rejected(std::string message) { return {StatusCode::kRejected, std::move(message)}; }
  static Status storage(std::string message) { return {StatusCode::kStorage, std::move(message)}; }
  static Status corruption(std::string message) { return {StatusCode::kCorruption, std::move(message)}; }
  // Input with errors (`report` has at least one); the message is the report rendered.
  static Status invalid_input(DiagnosticReport report);

  bool ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return ok(); }
  StatusCode code() const { return code_; }
  bool is_not_found() const { return code_ == StatusCode::kNotFound; }
  // What went wrong; empty iff ok(). For invalid input, every diagnostic rendered.
  const std::string& message() const { return message_; }
  // The diagnostics of invalid input; null for any other status.
  const DiagnosticReport* diagnostics() const { return diagnostics_.get(); }

  // "ok", or "<code name>: <message>", for logs and test failures.
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::shared_ptr<const DiagnosticReport> diagnostics_;  // shared: a Status is copied freely
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  // A failure; `error` is not ok.
  Result(Status error) : value_(std::move(error)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<1>(value_).ok());
  }

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

  const Status& error() const& {
    assert(!ok());
    return std::get<1>(value_);
  }
  Status&& error() && {
    assert(!ok());
    return std::get<1>(std::move(value_));
  }
  // Ok, or the failure: for passing a Result's outcome on as a Status.
  Status status() const { return ok() ? Status() : error(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace gtype
