// Private directories and files (private_files.h), over POSIX calls: a mode is set on the open
// descriptor, never on a path that could be swapped for a symbolic link in between.
#include "c12s/store/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace c12s::store {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kGroupAndOthers = 077;

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

Status failed(const std::string& doing, const std::string& path) {
  return Status::io_error("cannot " + doing + " " + path + ": " + std::strerror(errno));
}

// `dir` and its missing parents, each made with mode 0700.
Status create_private_directories(const fs::path& dir) {
  std::error_code ec;
  if (dir.empty() || fs::exists(dir, ec)) return Status::success();
  if (Status parent = create_private_directories(dir.parent_path()); !parent.ok()) return parent;
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return failed("create", dir.string());
  return Status::success();
}

// What became of the directory `dir`, open as `fd` with `status`: "" when it was private already.
std::string tighten_directory(int fd, const struct stat& status, const std::string& dir) {
  if ((status.st_mode & kGroupAndOthers) == 0) return "";
  const std::string was = " (mode " + octal(status.st_mode) + ")";
  if (status.st_uid != geteuid()) {
    return "warning: " + dir + " may be read by its group or others" + was +
           ", and belongs to another user (uid " + std::to_string(status.st_uid) + "): left as it is";
  }
  if (fchmod(fd, status.st_mode & 0700) != 0) {
    return "warning: " + dir + " may be read by its group or others" + was +
           ", and cannot be changed: " + std::strerror(errno);
  }
  return dir + " could be read by its group or others" + was + ": made 0700";
}

}  // namespace

Status make_private_directory(const std::string& dir, std::string* notice) {
  notice->clear();
  if (Status created = create_private_directories(fs::path(dir)); !created.ok()) return created;
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return failed("open the directory", dir);
  struct stat status {};
  if (fstat(fd, &status) != 0) {
    Status error = failed("read the mode of", dir);
    close(fd);
    return error;
  }
  *notice = tighten_directory(fd, status, dir);
  close(fd);
  return Status::success();
}

Status write_private_file(const std::string& path, std::string_view text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return failed("write", path);
  make_private(fd);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status error = failed("write", path);
      close(fd);
      return error;
    }
    written += static_cast<std::size_t>(n);
  }
  if (close(fd) != 0) return failed("write", path);
  return Status::success();
}

bool make_private(int fd) {
  struct stat status {};
  if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) return false;
  if ((status.st_mode & kGroupAndOthers) == 0) return true;
  if (status.st_uid != geteuid()) return false;
  return fchmod(fd, status.st_mode & 0700) == 0;
}

}  // namespace c12s::store
