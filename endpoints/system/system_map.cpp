// SystemMap: the fixed table of served endpoints, and its YAML form.
//
//   data: /var/lib/c12s
//   endpoints:
//     HealthCheck/nodes: tcp://127.0.0.1:7400     # with CURVE: tcp://127.0.0.1:7400#KEY
//     ...
//
// A system speaks CURVE when its addresses are keyed (the service's public key after '#'):
// then all of them are.
// Loading checks the shape and every key (a "Protocol/role" of the table) and reports every
// mistake with its place; it does not check that anything listens there.
#include "c12s/system/system_map.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "gtype/regular_file.h"
#include "gtype/rt/curve.h"

namespace c12s::system {
namespace {

constexpr std::size_t kMaxFileBytes = 16u << 20;  // far beyond any system map

const std::map<std::string, std::vector<std::string>>& table() {
  static const std::map<std::string, std::vector<std::string>> served{
      {"log",
       {"HealthCheck/log", "ClusterFormation/log", "IdempotencyCheck/log", "ListDetail/log", "Formation/log",
        "TaskLog/log", "LogsQuery/log"}},
      {"nodes",
       {"HealthCheck/nodes", "ClusterFormation/nodes", "IdempotencyCheck/nodes", "ListDetail/nodes",
        "Formation/nodes", "Release/nodes", "Join/entry", "NodeList/nodes", "Deletion/nodes"}},
      {"push", {"Formation/pool", "Deletion/pool"}},
      {"queue", {"IdempotencyCheck/sched", "Dequeue/queue"}},
      {"scheduler", {}},  // it only starts sessions (Dequeue, Formation)
      {"state",
       {"HealthCheck/state", "ClusterFormation/state", "IdempotencyCheck/service",
        "IdempotencyCheck/istorage", "IdempotencyCheck/mstorage", "ListDetail/state", "Formation/state",
        "Deletion/state"}},
  };
  return served;
}

// Where `mark` is in `file`; the file as a whole if yaml-cpp gives no mark.
gtype::SourceLocation place(std::uint32_t file, const YAML::Mark& mark) {
  if (mark.line < 0) return gtype::SourceLocation::whole(file);
  return gtype::SourceLocation{file, static_cast<std::uint32_t>(mark.line) + 1,
                               static_cast<std::uint32_t>(std::max(mark.column, 0)) + 1};
}

gtype::SourceLocation place(std::uint32_t file, const YAML::Node& node) { return place(file, node.Mark()); }

// The failure of a system file that cannot be read: `why`, naming the file.
gtype::Status unreadable(const std::string& path, const char* why) {
  gtype::DiagnosticReport report;
  report.errors.push_back({gtype::SourceLocation::whole(report.sources.add(path, std::string())), why, {}});
  return gtype::Status::invalid_input(std::move(report));
}

bool is_keyed(const std::string& address) { return !gtype::rt::split_keyed_address(address).key.empty(); }

// The entries of `endpoints` into `map`, reporting unknown ones and those without an address.
void read_endpoints(const YAML::Node& endpoints, std::uint32_t file, SystemMap& map,
                    std::vector<gtype::Diagnostic>& errors) {
  std::set<std::string> known;
  for (const std::string& service : service_names()) {
    for (const std::string& endpoint : served_endpoints(service)) known.insert(endpoint);
  }
  for (const auto& endpoint : endpoints) {
    const std::string name = endpoint.first.Scalar();
    if (!known.count(name)) {
      errors.push_back(
          {place(file, endpoint.first),
           "unknown endpoint '" + name + "'",
           {{gtype::SourceLocation{}, "endpoints are named Protocol/role, e.g. HealthCheck/nodes"}}});
    } else if (!endpoint.second.IsScalar() || endpoint.second.Scalar().empty()) {
      errors.push_back({place(file, endpoint.second), "endpoint '" + name + "' needs an address", {}});
    } else if (!map.endpoints.empty() && map.curve() != is_keyed(endpoint.second.Scalar())) {
      errors.push_back(
          {place(file, endpoint.second),
           "endpoint '" + name + "' is " + (map.curve() ? "not keyed" : "keyed") + ", unlike those before it",
           {{gtype::SourceLocation{}, "a system is all CURVE (tcp://host:port#KEY) or all plaintext"}}});
    } else {
      map.endpoints[name] = endpoint.second.Scalar();
    }
  }
}

// The YAML `text` of `file` into `map`, reporting every mistake into `errors`.
void read_map(const std::string& text, std::uint32_t file, SystemMap& map,
              std::vector<gtype::Diagnostic>& errors) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    errors.push_back({place(file, e.mark), e.msg, {}});
    return;
  }
  if (!root.IsMap()) {
    errors.push_back({place(file, root), "the system file must be a map with 'data' and 'endpoints'", {}});
    return;
  }
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    if (key == "data" && entry.second.IsScalar()) {
      map.data_dir = entry.second.Scalar();
    } else if (key == "endpoints" && entry.second.IsMap()) {
      read_endpoints(entry.second, file, map, errors);
    } else if (key == "data" || key == "endpoints") {
      errors.push_back({place(file, entry.second),
                        key == "data" ? "'data' must be a directory path" : "'endpoints' must be a map",
                        {}});
    } else {
      errors.push_back({place(file, entry.first),
                        "unknown key '" + key + "'",
                        {{gtype::SourceLocation{}, "the keys are 'data' and 'endpoints'"}}});
    }
  }
  if (map.data_dir.empty() && errors.empty()) errors.push_back({place(file, root), "'data' is missing", {}});
}

}  // namespace

const std::vector<std::string>& service_names() {
  static const std::vector<std::string> names{"log", "nodes", "state", "queue", "push", "scheduler"};
  return names;
}

const std::vector<std::string>& served_endpoints(std::string_view service) {
  static const std::vector<std::string> none;
  auto it = table().find(std::string(service));
  return it == table().end() ? none : it->second;
}

int LoopbackPorts::service_ports() {
  int count = 0;
  for (const std::string& service : service_names())
    count += static_cast<int>(served_endpoints(service).size());
  return count;
}

std::string LoopbackPorts::daemon_address(int node) const {
  return "tcp://127.0.0.1:" + std::to_string(base + service_ports() + kPerNode * (node - 1));
}

SystemMap SystemMap::loopback(std::string data_dir, int base_port,
                              const std::map<std::string, std::string>& service_keys) {
  return on_host("127.0.0.1", std::move(data_dir), base_port, service_keys);
}

SystemMap SystemMap::on_host(const std::string& host, std::string data_dir, int base_port,
                             const std::map<std::string, std::string>& service_keys) {
  SystemMap map;
  map.data_dir = std::move(data_dir);
  int port = base_port;
  for (const std::string& service : service_names()) {
    auto key = service_keys.find(service);
    for (const std::string& endpoint : served_endpoints(service)) {
      map.endpoints[endpoint] = gtype::rt::keyed_address("tcp://" + host + ":" + std::to_string(port++),
                                                         key == service_keys.end() ? "" : key->second);
    }
  }
  return map;
}

bool SystemMap::curve() const {
  return !endpoints.empty() && !gtype::rt::split_keyed_address(endpoints.begin()->second).key.empty();
}

std::string SystemMap::to_yaml() const {
  std::ostringstream out;
  out << "# The c12s system: where each service keeps its data, and where each of its endpoints\n"
         "# (\"Protocol/role\") listens. Written by `c12s up`.\n";
  YAML::Emitter yaml;
  yaml << YAML::BeginMap << YAML::Key << "data" << YAML::Value << data_dir;
  yaml << YAML::Key << "endpoints" << YAML::Value << YAML::BeginMap;
  for (const auto& [endpoint, address] : endpoints) yaml << YAML::Key << endpoint << YAML::Value << address;
  yaml << YAML::EndMap << YAML::EndMap;
  out << yaml.c_str() << "\n";
  return out.str();
}

model::Result<SystemMap> SystemMap::load(const std::string& path) {
  std::string text;
  switch (gtype::read_regular_file(path, kMaxFileBytes, text)) {
    case gtype::FileReadError::kNone:
      break;
    case gtype::FileReadError::kDirectory:
    case gtype::FileReadError::kNotRegular:
      return unreadable(path, "the system file is not a regular file");
    case gtype::FileReadError::kTooLarge:
      return unreadable(path, "the system file is larger than 16 MiB");
    case gtype::FileReadError::kMissing:
    case gtype::FileReadError::kUnreadable:
      return unreadable(path, "cannot read the system file");
  }
  gtype::DiagnosticReport report;
  const std::uint32_t file = report.sources.add(path, std::move(text));
  SystemMap map;
  read_map(report.sources.text(file), file, map, report.errors);
  if (!report.errors.empty()) return gtype::Status::invalid_input(std::move(report));
  return map;
}

model::Result<SystemMap> SystemMap::from_endpoints(const std::map<std::string, std::string>& endpoints,
                                                   const std::string& origin) {
  std::set<std::string> known;
  for (const std::string& service : service_names()) {
    for (const std::string& endpoint : served_endpoints(service)) known.insert(endpoint);
  }
  SystemMap map;
  map.endpoints = endpoints;
  gtype::DiagnosticReport report;
  auto error = [&](const std::string& why) {
    report.errors.push_back({gtype::SourceLocation{}, origin + ": " + why, {}});
  };
  bool mixed = false;
  for (const auto& [name, address] : endpoints) {
    if (!known.count(name)) error("unknown endpoint '" + name + "'");
    if (address.empty()) error("endpoint '" + name + "' has no address");
    mixed |= is_keyed(address) != map.curve();
  }
  if (mixed) error("endpoints are not all keyed, or not all plaintext");
  for (const std::string& name : known) {
    if (!endpoints.count(name)) error("no address for endpoint '" + name + "'");
  }
  if (!report.errors.empty()) return gtype::Status::invalid_input(std::move(report));
  return map;
}

model::Result<std::string> SystemMap::address(std::string_view protocol, std::string_view role) const {
  const std::string name = std::string(protocol) + "/" + std::string(role);
  auto it = endpoints.find(name);
  if (it == endpoints.end()) {
    gtype::DiagnosticReport report;
    report.errors.push_back({gtype::SourceLocation{}, "the system map has no address for " + name, {}});
    return gtype::Status::invalid_input(std::move(report));
  }
  return it->second;
}

gtype::rt::Directory SystemMap::directory(std::string_view protocol) const {
  gtype::rt::Directory directory;
  const std::string prefix = std::string(protocol) + "/";
  for (const auto& [endpoint, address] : endpoints) {
    if (endpoint.rfind(prefix, 0) == 0) directory.set(endpoint.substr(prefix.size()), address);
  }
  return directory;
}

}  // namespace c12s::system
