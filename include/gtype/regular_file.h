// Reading a file that the user names, whatever it turns out to be (header only: the front end,
// the runtime and the control plane all read such files and share no library).
//
// Only a regular file is read: a FIFO would block until someone writes, a device such as
// /dev/zero would never end, a folder reads as nothing. The size cap is applied while reading,
// whatever size the file system reports (/proc says 0), so a file that grows or lies costs no
// more than the cap.
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>

namespace gtype {

enum class FileReadError {
  kNone,
  kMissing,     // no such file
  kDirectory,   // a folder
  kNotRegular,  // a FIFO, a device, a socket
  kTooLarge,    // more than the cap
  kUnreadable,  // cannot be opened, or reading failed
};

// Reads all of `path` into `out` (left untouched on failure).
inline FileReadError read_regular_file(const std::string& path, std::size_t max_bytes, std::string& out) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return FileReadError::kMissing;
  if (std::filesystem::is_directory(status)) return FileReadError::kDirectory;
  if (!std::filesystem::is_regular_file(status)) return FileReadError::kNotRegular;
  std::ifstream in(path, std::ios::binary);
  if (!in) return FileReadError::kUnreadable;
  std::string content;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    if (content.size() + static_cast<std::size_t>(in.gcount()) > max_bytes) return FileReadError::kTooLarge;
    content.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return FileReadError::kUnreadable;
  out = std::move(content);
  return FileReadError::kNone;
}

}  // namespace gtype
