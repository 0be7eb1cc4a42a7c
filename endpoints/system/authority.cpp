// Admitting keys and deciding who plays which role (see authority.h).
#include "c12s/system/authority.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>

#include "c12s/system/log.h"
#include "gtype/regular_file.h"

namespace c12s::system {
namespace {

constexpr std::size_t kMaxAdmittedBytes = 16u << 20;
constexpr std::chrono::seconds kFileCheckPeriod{1};

// Who plays the roles no service serves (the served ones are their service's: system_map.h):
// "node", "user" (a user or an admin), "service:NAME", or "reporter" (any service or node).
const std::map<std::string, std::string, std::less<>>& unserved_players() {
  static const std::map<std::string, std::string, std::less<>> players{
      {"ClusterFormation/user", "user"},
      {"IdempotencyCheck/user", "user"},
      {"ListDetail/user", "user"},
      {"LogsQuery/user", "user"},
      {"Deletion/user", "user"},
      {"NodeList/user", "admin"},  // every node, whoever's topology it is in: the operator's view
      {"HealthCheck/node", "node"},
      {"FormationPush/node", "node"},
      {"SwimPing/prober", "node"},
      {"SwimPing/target", "node"},
      {"SwimPingReq/prober", "node"},
      {"SwimPingReq/helper", "node"},
      {"SwimProbe/prober", "node"},
      {"SwimProbe/target", "node"},
      {"SwimProbe/helper", "node"},
      {"Dequeue/scheduler", "service:scheduler"},
      {"Formation/sched", "service:scheduler"},
      {"FormationPush/push", "service:push"},
      {"Release/state", "service:state"},
      {"TaskLog/reporter", "reporter"},
      {"Join/node", "node"},
  };
  return players;
}

// "service:NAME" for an endpoint some service serves, else unserved_players()'s entry, else "".
std::string player(std::string_view endpoint) {
  for (const std::string& service : service_names()) {
    const std::vector<std::string>& served = served_endpoints(service);
    if (std::find(served.begin(), served.end(), endpoint) != served.end()) return "service:" + service;
  }
  auto it = unserved_players().find(endpoint);
  return it == unserved_players().end() ? std::string() : it->second;
}

std::string_view kind_of(std::string_view principal) { return principal.substr(0, principal.find(':')); }

// The size and modification time of `path`, or "" when it cannot be looked at.
std::string stamp(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "";
  return std::to_string(info.st_size) + "/" + std::to_string(info.st_mtim.tv_sec) + "." +
         std::to_string(info.st_mtim.tv_nsec);
}

gtype::Status admitted_error(const std::string& where, const std::string& why) {
  return gtype::Status{gtype::StatusCode::kConfig, where + ": " + why};
}

}  // namespace

bool is_principal(std::string_view principal) {
  const std::size_t colon = principal.find(':');
  if (colon == std::string_view::npos) return false;
  static const std::set<std::string, std::less<>> kinds{"service", "node", "user", "admin"};
  const std::string_view name = principal.substr(colon + 1);
  return kinds.count(principal.substr(0, colon)) != 0 && !name.empty() && name.size() <= 128 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
         });
}

gtype::Result<std::vector<AdmittedKey>> parse_admitted(std::string_view text, const std::string& file) {
  std::vector<AdmittedKey> keys;
  std::set<std::string> principals, seen_keys;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream words(line);
    std::string principal, key, extra;
    if (!(words >> principal) || principal[0] == '#') continue;
    const std::string where = file + ":" + std::to_string(number);
    if (!(words >> key) || (words >> extra)) return admitted_error(where, "expected `principal key`");
    if (!is_principal(principal)) {
      return admitted_error(where,
                            "'" + principal + "' is not a principal (service:, node:, user: or admin:NAME)");
    }
    if (!gtype::rt::is_curve_key(key))
      return admitted_error(where, "not a CURVE public key (40 Z85 characters)");
    if (!principals.insert(principal).second) return admitted_error(where, principal + " is listed twice");
    if (!seen_keys.insert(key).second)
      return admitted_error(where, "this key is listed for another principal");
    keys.push_back(AdmittedKey{principal, key});
  }
  return keys;
}

gtype::Result<std::vector<AdmittedKey>> load_admitted(const std::string& path) {
  std::string text;
  switch (gtype::read_regular_file(path, kMaxAdmittedBytes, text)) {
    case gtype::FileReadError::kNone:
      return parse_admitted(text, path);
    case gtype::FileReadError::kMissing:
      return std::vector<AdmittedKey>();
    case gtype::FileReadError::kTooLarge:
      return admitted_error(path, "larger than 16 MiB");
    default:
      return admitted_error(path, "cannot read the admitted-keys file");
  }
}

gtype::Status save_admitted(const std::string& path, const std::vector<AdmittedKey>& keys) {
  std::string text =
      "# Keys admitted to the c12s system: principal, CURVE public key (c12s node add, c12s user add).\n";
  for (const AdmittedKey& key : keys) text += key.principal + " " + key.key + "\n";
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
  bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                 ::fsync(fd) == 0;
  if (fd >= 0) written = ::close(fd) == 0 && written;
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    return admitted_error(path, std::string("cannot write: ") + std::strerror(errno));
  }
  return gtype::Status();
}

bool may_play(std::string_view protocol, std::string_view role, std::string_view principal) {
  if (principal.empty()) return true;  // plaintext: nobody is authenticated
  const std::string who = player(std::string(protocol) + "/" + std::string(role));
  const std::string_view kind = kind_of(principal);
  if (who == "user") return kind == "user" || kind == "admin";
  if (who == "admin") return kind == "admin";
  if (who == "node") return kind == "node";
  if (who == "reporter") return kind == "service" || kind == "node";
  return !who.empty() && who == principal;
}

void Authority::admit_key(const std::string& principal, const std::string& key) {
  std::lock_guard lock(mutex_);
  told_[key] = principal;
}

void Authority::forget(const std::string& principal) {
  std::lock_guard lock(mutex_);
  std::erase_if(told_, [&](const auto& entry) { return entry.second == principal; });
}

void Authority::admit_services(const SystemMap& map) {
  for (const std::string& service : service_names()) {
    for (const std::string& endpoint : served_endpoints(service)) {
      auto it = map.endpoints.find(endpoint);
      if (it == map.endpoints.end()) continue;
      const std::string key = gtype::rt::split_keyed_address(it->second).key;
      if (!key.empty()) admit_key("service:" + service, key);
    }
  }
}

gtype::Status Authority::watch_file(const std::string& path) {
  gtype::Result<std::vector<AdmittedKey>> keys = load_admitted(path);
  if (!keys.ok()) return keys.error();
  std::lock_guard lock(mutex_);
  file_ = path;
  file_stamp_ = stamp(path);
  file_checked_ = std::chrono::steady_clock::now();
  filed_.clear();
  for (const AdmittedKey& key : *keys) filed_[key.key] = key.principal;
  return gtype::Status();
}

void Authority::reload_if_changed() {
  const auto now = std::chrono::steady_clock::now();
  if (file_.empty() || now - file_checked_ < kFileCheckPeriod) return;
  file_checked_ = now;
  const std::string current = stamp(file_);
  if (current == file_stamp_) return;
  gtype::Result<std::vector<AdmittedKey>> keys = load_admitted(file_);
  if (!keys.ok()) {
    log_error("keeping the admitted keys read before: " + keys.error().message());
    file_stamp_ = current;  // reported once per change
    return;
  }
  file_stamp_ = current;
  filed_.clear();
  for (const AdmittedKey& key : *keys) filed_[key.key] = key.principal;
}

std::optional<std::string> Authority::admit(std::string_view key) {
  std::lock_guard lock(mutex_);
  reload_if_changed();
  const std::string text(key);
  auto known = [&]() -> std::optional<std::string> {
    if (auto it = told_.find(text); it != told_.end()) return it->second;
    if (auto it = filed_.find(text); it != filed_.end()) return it->second;
    return std::nullopt;
  };
  if (std::optional<std::string> principal = known()) return principal;
  // A key registered just now (c12s user add, then at once a command) is admitted at once: an
  // unknown key looks at the file whatever the period (a stat).
  file_checked_ = {};
  reload_if_changed();
  return known();
}

void Authority::refused(const std::string& why) { log_warn("refused: " + why, {{"event", "refused"}}); }

}  // namespace c12s::system
