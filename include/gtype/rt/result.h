// Errors a session can meet at run time, and a value-or-error result.
//
// Anything the network or a peer can cause (a timeout, a dead peer, a rejected frame, a session
// aborted elsewhere) comes back as an Error; misuse of the API by our own code is an assert.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace gtype::rt {

enum class ErrorCode {
  kTimeout,          // a receive, accept or connect did not complete in time
  kPeerLost,         // the transport lost the peer (its process died or the link broke)
  kAborted,          // another role of the session failed it and said why
  kProtocolViolation,  // a peer sent what the local type does not allow here (session failed)
  kTransport,        // the transport could not send or bind
  kConsumedState,    // a state object was used after it had been consumed
  kClosed,           // the endpoint was stopped, or the session is no longer open
  kConfig,           // a configuration (directory file, role tables) is not well formed
};

const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

// Either a T or an Error, like std::expected (C++23).
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : value_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & {
    assert(ok());
    return std::get<0>(value_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(value_));
  }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(value_);
  }

 private:
  std::variant<T, Error> value_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace gtype::rt
