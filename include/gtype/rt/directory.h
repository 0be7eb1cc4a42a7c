// Where each role of a protocol can be reached.
//
// Used for the roles an endpoint contacts first; replies go to the address a peer's frames
// came from. The file format is one `role address` pair per line; `#` starts a comment.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gtype/status.h"

namespace gtype::rt {

class Directory {
 public:
  void set(std::string role, std::string address) { addresses_[std::move(role)] = std::move(address); }
  std::optional<std::string> address(std::string_view role) const;

  // Errors name the file and line.
  static Result<Directory> parse(std::string_view text, const std::string& file_name);
  static Result<Directory> load(const std::string& path);

 private:
  std::map<std::string, std::string, std::less<>> addresses_;
};

}  // namespace gtype::rt
