// Directory files: `role address` per line, `#` comments, blank lines ignored.
//
// A role listed twice, or a line that is not exactly two words, is an error naming the file and
// line. Addresses are not checked here: the transport says whether it can reach them.
#include "gtype/rt/directory.h"

#include <sstream>

#include "gtype/regular_file.h"

namespace gtype::rt {
namespace {

constexpr std::size_t kMaxFileBytes = 16u << 20;  // far beyond any directory of roles

}  // namespace

std::optional<std::string> Directory::address(std::string_view role) const {
  auto it = addresses_.find(role);
  if (it == addresses_.end()) return std::nullopt;
  return it->second;
}

Result<Directory> Directory::parse(std::string_view text, const std::string& file_name) {
  Directory directory;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::string role, address, extra;
    if (!(words >> role)) continue;
    auto where = [&] { return file_name + ":" + std::to_string(number) + ": "; };
    if (!(words >> address) || (words >> extra)) {
      return Status{StatusCode::kConfig, where() + "expected `role address`, got `" + line + "`"};
    }
    if (directory.addresses_.count(role) != 0) {
      return Status{StatusCode::kConfig, where() + "role " + role + " is listed twice"};
    }
    directory.set(role, address);
  }
  return directory;
}

Result<Directory> Directory::load(const std::string& path) {
  std::string text;
  switch (read_regular_file(path, kMaxFileBytes, text)) {
    case FileReadError::kNone:
      break;
    case FileReadError::kDirectory:
    case FileReadError::kNotRegular:
      return Status{StatusCode::kConfig, path + ": the directory file is not a regular file"};
    case FileReadError::kTooLarge:
      return Status{StatusCode::kConfig, path + ": the directory file is larger than 16 MiB"};
    case FileReadError::kMissing:
    case FileReadError::kUnreadable:
      return Status{StatusCode::kConfig, path + ": cannot read the directory file"};
  }
  return parse(text, path);
}

}  // namespace gtype::rt
