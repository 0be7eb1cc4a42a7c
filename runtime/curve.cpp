// CURVE keys and keyed addresses (see curve.h). Keys are made and checked by ZeroMQ's own
// functions, which use libsodium.
#include "gtype/rt/curve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "gtype/regular_file.h"

namespace gtype::rt {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 4096;
constexpr std::string_view kKeySeparator = "#";

Status key_file_error(const std::string& path, const std::string& why) {
  return Status{StatusCode::kConfig, path + ": " + why};
}

// Writes `line` and a newline to `path` with `mode`, through a temporary file renamed over it,
// so a reader sees the old key or the new one.
Status write_key_file(const std::string& path, std::string_view line, mode_t mode) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);
  if (fd < 0) return key_file_error(path, std::string("cannot write: ") + std::strerror(errno));
  const std::string text = std::string(line) + "\n";
  bool written = ::fchmod(fd, mode) == 0 &&
                 ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                 ::fsync(fd) == 0;
  written = ::close(fd) == 0 && written;
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return key_file_error(path, std::string("cannot write: ") + std::strerror(error));
  }
  return Status();
}

// The key of a key file: its one line, without surrounding blanks.
Result<std::string> read_key_file(const std::string& path) {
  std::string text;
  switch (read_regular_file(path, kMaxKeyFileBytes, text)) {
    case FileReadError::kNone:
      break;
    case FileReadError::kMissing:
      return Status{StatusCode::kNotFound, path + ": no such key file"};
    case FileReadError::kTooLarge:
      return key_file_error(path, "not a key file (larger than 4 KiB)");
    default:
      return key_file_error(path, "cannot read the key file");
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  std::string key = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
  if (!is_curve_key(key)) return key_file_error(path, "not a key file (one line of 40 Z85 characters)");
  return key;
}

}  // namespace

bool is_curve_key(std::string_view key) {
  if (key.size() != kCurveKeyChars) return false;
  const std::string text(key);
  std::uint8_t bytes[32];
  return zmq_z85_decode(bytes, text.c_str()) != nullptr;
}

Result<CurveKeyPair> generate_curve_key_pair() {
  char public_key[kCurveKeyChars + 1];
  char secret_key[kCurveKeyChars + 1];
  if (zmq_curve_keypair(public_key, secret_key) != 0) {
    return Status{StatusCode::kTransport,
                  std::string("cannot make a CURVE key pair: ") + zmq_strerror(zmq_errno())};
  }
  return CurveKeyPair{public_key, secret_key};
}

Result<CurveKeyPair> curve_key_pair_from_secret(std::string_view secret_key) {
  if (!is_curve_key(secret_key)) return Status{StatusCode::kConfig, "a CURVE key is 40 characters of Z85"};
  const std::string secret(secret_key);
  char public_key[kCurveKeyChars + 1];
  if (zmq_curve_public(public_key, secret.c_str()) != 0) {
    return Status{StatusCode::kTransport,
                  std::string("cannot derive a public key: ") + zmq_strerror(zmq_errno())};
  }
  return CurveKeyPair{public_key, secret};
}

Status save_curve_secret_key(const std::string& path, const CurveKeyPair& pair) {
  return write_key_file(path, pair.secret_key, 0600);
}

Result<CurveKeyPair> load_curve_secret_key(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    return key_file_error(path, "the secret key file may be read by others (chmod 600 it)");
  }
  Result<std::string> secret = read_key_file(path);
  if (!secret.ok()) return secret.error();
  return curve_key_pair_from_secret(*secret);
}

Status save_curve_public_key(const std::string& path, std::string_view public_key) {
  return write_key_file(path, public_key, 0644);
}

Result<std::string> load_curve_public_key(const std::string& path) { return read_key_file(path); }

KeyedAddress split_keyed_address(std::string_view address) {
  const std::size_t keyed = kKeySeparator.size() + kCurveKeyChars;
  if (address.size() > keyed) {
    const std::string_view tail = address.substr(address.size() - keyed);
    if (tail.starts_with(kKeySeparator) && is_curve_key(tail.substr(kKeySeparator.size()))) {
      return KeyedAddress{std::string(address.substr(0, address.size() - keyed)),
                          std::string(tail.substr(kKeySeparator.size()))};
    }
  }
  return KeyedAddress{std::string(address), ""};
}

std::string keyed_address(std::string_view endpoint, std::string_view key) {
  if (key.empty()) return std::string(endpoint);
  return std::string(endpoint) + std::string(kKeySeparator) + std::string(key);
}

}  // namespace gtype::rt
