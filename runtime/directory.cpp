// Directory files: `role address` per line, `#` comments, blank lines ignored.
//
// A role listed twice, or a line that is not exactly two words, is an error naming the file and
// line. Addresses are not checked here: the transport says whether it can reach them.
#include "gtype/rt/directory.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

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
      return Error{ErrorCode::kConfig, where() + "expected `role address`, got `" + line + "`"};
    }
    if (directory.addresses_.count(role) != 0) {
      return Error{ErrorCode::kConfig, where() + "role " + role + " is listed twice"};
    }
    directory.set(role, address);
  }
  return directory;
}

Result<Directory> Directory::load(const std::string& path) {
  // A folder reads as nothing, a FIFO blocks until someone writes, /dev/zero never ends.
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    return Error{ErrorCode::kConfig, path + ": the directory file is not a regular file"};
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{ErrorCode::kConfig, path + ": cannot read the directory file"};
  std::string text;
  char chunk[64 * 1024];
  while (file.read(chunk, sizeof chunk) || file.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(file.gcount()));
    if (text.size() > kMaxFileBytes) {
      return Error{ErrorCode::kConfig, path + ": the directory file is larger than 16 MiB"};
    }
  }
  if (file.bad()) return Error{ErrorCode::kConfig, path + ": cannot read the directory file"};
  return parse(text, path);
}

}  // namespace gtype::rt
