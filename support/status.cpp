// Names of status codes, and rendering a report of diagnostics.
#include "gtype/status.h"

#include <sstream>

namespace gtype {

const char* status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidInput:
      return "invalid-input";
    case StatusCode::kIo:
      return "io";
    case StatusCode::kConfig:
      return "config";
    case StatusCode::kNotFound:
      return "not-found";
    case StatusCode::kRejected:
      return "rejected";
    case StatusCode::kStorage:
      return "storage";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kTimeout:
      return "timeout";
    case StatusCode::kPeerLost:
      return "peer-lost";
    case StatusCode::kAborted:
      return "aborted";
    case StatusCode::kProtocolViolation:
      return "protocol-violation";
    case StatusCode::kTransport:
      return "transport";
    case StatusCode::kConsumedState:
      return "consumed-state";
    case StatusCode::kClosed:
      return "closed";
  }
  return "unknown";
}

std::string DiagnosticReport::render() const {
  DiagnosticEngine engine(sources);
  for (const Diagnostic& error : errors) engine.error(error.location, error.message).notes = error.notes;
  std::ostringstream out;
  engine.print(out);
  return out.str();
}

Status Status::invalid_input(DiagnosticReport report) {
  assert(!report.errors.empty());
  Status status(StatusCode::kInvalidInput, report.render());
  status.diagnostics_ = std::make_shared<const DiagnosticReport>(std::move(report));
  return status;
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return std::string(status_code_name(code_)) + ": " + message_;
}

}  // namespace gtype
