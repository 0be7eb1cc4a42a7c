// Status: the outcome of every store operation, LevelDB-style.
//
// Nothing in the store throws at its callers or crashes on bad files: a failure is a Status
// whose message says what went wrong in words a person can act on, and, when SQLite failed,
// names the database file and carries SQLite's own message ("/var/c12s/state.db: file is not
// a database"). The code lets a caller branch without parsing text.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace c12s::store {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kNotFound,    // the thing asked for is not stored (a node id, a topology, a task)
    kRejected,    // a rule of the store refuses the request; nothing was changed
    kStorage,     // SQLite failed: I/O, a full disk, a lock held too long, a constraint
    kCorruption,  // the file is not a database, or stored bytes do not decode
  };

  Status() = default;  // ok

  static Status success() { return Status(); }
  static Status not_found(std::string message) { return Status(Code::kNotFound, std::move(message)); }
  static Status rejected(std::string message) { return Status(Code::kRejected, std::move(message)); }
  static Status storage(std::string message) { return Status(Code::kStorage, std::move(message)); }
  static Status corruption(std::string message) { return Status(Code::kCorruption, std::move(message)); }

  bool ok() const { return code_ == Code::kOk; }
  bool is_not_found() const { return code_ == Code::kNotFound; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }  // empty iff ok()

  // "ok", or "<code name>: <message>", for logs and test failures.
  std::string to_string() const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

const char* status_code_name(Status::Code code);  // "ok", "not found", "rejected", ...

}  // namespace c12s::store
