// Names of run-time error codes, as errors print them.
#include "gtype/rt/result.h"

namespace gtype::rt {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kPeerLost:
      return "peer-lost";
    case ErrorCode::kAborted:
      return "aborted";
    case ErrorCode::kProtocolViolation:
      return "protocol-violation";
    case ErrorCode::kTransport:
      return "transport";
    case ErrorCode::kConsumedState:
      return "consumed-state";
    case ErrorCode::kClosed:
      return "closed";
    case ErrorCode::kConfig:
      return "config";
  }
  return "unknown";
}

}  // namespace gtype::rt
