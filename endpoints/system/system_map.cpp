// SystemMap: the fixed table of served endpoints, and its YAML form.
//
//   data: /var/lib/c12s
//   endpoints:
//     HealthCheck/nodes: tcp://127.0.0.1:7400
//     ...
//
// Loading checks the shape and every key (a "Protocol/role" of the table) and reports every
// mistake with its place; it does not check that anything listens there.
#include "c12s/system/system_map.h"

#include <yaml-cpp/yaml.h>

#include <set>
#include <sstream>

#include "gtype/regular_file.h"

namespace c12s::system {
namespace {

using model::Diagnostic;
using model::Diagnostics;
using model::Position;

constexpr std::size_t kMaxFileBytes = 16u << 20;  // far beyond any system map

const std::map<std::string, std::vector<std::string>>& table() {
  static const std::map<std::string, std::vector<std::string>> served{
      {"log",
       {"HealthCheck/log", "ClusterFormation/log", "IdempotencyCheck/log", "ListDetail/log", "Formation/log",
        "TaskLog/log", "LogsQuery/log"}},
      {"nodes",
       {"HealthCheck/nodes", "ClusterFormation/nodes", "IdempotencyCheck/nodes", "ListDetail/nodes",
        "Formation/nodes", "Release/nodes"}},
      {"push", {"Formation/pool"}},
      {"queue", {"IdempotencyCheck/sched", "Dequeue/queue"}},
      {"scheduler", {}},  // it only starts sessions (Dequeue, Formation)
      {"state",
       {"HealthCheck/state", "ClusterFormation/state", "IdempotencyCheck/service",
        "IdempotencyCheck/istorage", "IdempotencyCheck/mstorage", "ListDetail/state", "Formation/state"}},
  };
  return served;
}

Position place(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return Position{file, mark.line + 1, mark.column + 1};
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

SystemMap SystemMap::loopback(std::string data_dir, int base_port) {
  SystemMap map;
  map.data_dir = std::move(data_dir);
  int port = base_port;
  for (const std::string& service : service_names()) {
    for (const std::string& endpoint : served_endpoints(service)) {
      map.endpoints[endpoint] = "tcp://127.0.0.1:" + std::to_string(port++);
    }
  }
  return map;
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
  auto fail = [&](const char* why) { return Diagnostics{Diagnostic{Position{path, 0, 0}, why, {}}}; };
  std::string text;
  switch (gtype::read_regular_file(path, kMaxFileBytes, text)) {
    case gtype::FileReadError::kNone:
      break;
    case gtype::FileReadError::kDirectory:
    case gtype::FileReadError::kNotRegular:
      return fail("the system file is not a regular file");
    case gtype::FileReadError::kTooLarge:
      return fail("the system file is larger than 16 MiB");
    case gtype::FileReadError::kMissing:
    case gtype::FileReadError::kUnreadable:
      return fail("cannot read the system file");
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return {Diagnostics{Diagnostic{Position{path, e.mark.line + 1, e.mark.column + 1}, e.msg, {}}},
            model::Inputs{{path, text}}};
  }
  std::set<std::string> known;
  for (const std::string& service : service_names()) {
    for (const std::string& endpoint : served_endpoints(service)) known.insert(endpoint);
  }
  Diagnostics errors;
  SystemMap map;
  if (!root.IsMap()) {
    return {Diagnostics{Diagnostic{
                place(path, root), "the system file must be a map with 'data' and 'endpoints'", {}}},
            model::Inputs{{path, text}}};
  }
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    if (key == "data" && entry.second.IsScalar()) {
      map.data_dir = entry.second.Scalar();
    } else if (key == "endpoints" && entry.second.IsMap()) {
      for (const auto& endpoint : entry.second) {
        const std::string name = endpoint.first.Scalar();
        if (!known.count(name)) {
          errors.push_back({place(path, endpoint.first),
                            "unknown endpoint '" + name + "'",
                            {{Position{}, "endpoints are named Protocol/role, e.g. HealthCheck/nodes"}}});
        } else if (!endpoint.second.IsScalar() || endpoint.second.Scalar().empty()) {
          errors.push_back({place(path, endpoint.second), "endpoint '" + name + "' needs an address", {}});
        } else {
          map.endpoints[name] = endpoint.second.Scalar();
        }
      }
    } else if (key == "data" || key == "endpoints") {
      errors.push_back({place(path, entry.second),
                        key == "data" ? "'data' must be a directory path" : "'endpoints' must be a map",
                        {}});
    } else {
      errors.push_back({place(path, entry.first),
                        "unknown key '" + key + "'",
                        {{Position{}, "the keys are 'data' and 'endpoints'"}}});
    }
  }
  if (map.data_dir.empty() && errors.empty()) errors.push_back({place(path, root), "'data' is missing", {}});
  if (!errors.empty()) return {std::move(errors), model::Inputs{{path, text}}};
  return map;
}

model::Result<std::string> SystemMap::address(std::string_view protocol, std::string_view role) const {
  const std::string name = std::string(protocol) + "/" + std::string(role);
  auto it = endpoints.find(name);
  if (it == endpoints.end()) {
    return Diagnostics{Diagnostic{Position{}, "the system map has no address for " + name, {}}};
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
