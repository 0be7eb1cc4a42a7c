// What `c12s dashboard` decides without a network (dashboard_model.h).
#include "dashboard_model.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

namespace c12s::cli {
namespace {

gtype::Status bad_listen(std::string_view text, const std::string& why) {
  return gtype::Status::rejected("--listen " + std::string(text) + ": " + why + "\n");
}

bool is_ip(const std::string& host, bool v6) {
  unsigned char address[16];
  return inet_pton(v6 ? AF_INET6 : AF_INET, host.c_str(), address) == 1;
}

// `host` as a URL or Host header names it: an IPv6 address in brackets. (Built by appending:
// GCC 12 at -O3 warns falsely, -Wrestrict, of "[" + host + "]".)
std::string url_host(const std::string& host) {
  if (host.find(':') == std::string::npos) return host;
  std::string named = "[";
  named.append(host).push_back(']');
  return named;
}

}  // namespace

bool ListenAddress::loopback() const {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string ListenAddress::url() const {
  return "http://" + url_host(host) + ":" + std::to_string(port) + "/";
}

gtype::Result<ListenAddress> parse_listen(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad_listen(text, "expected HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host(text.substr(0, colon));
  const std::string_view port_text = text.substr(colon + 1);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  ListenAddress listen{host, 0};
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), listen.port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      listen.port < 0 || listen.port > 65535)
    return bad_listen(text, "the port must be a number from 0 to 65535");
  if (host != "localhost" && !is_ip(host, bracketed))
    return bad_listen(text, bracketed ? "not an IPv6 address" : "HOST must be an IP address or localhost");
  return listen;
}

bool host_allowed(std::string_view host, const ListenAddress& listen) {
  if (!listen.loopback()) return true;
  const std::size_t colon = host.rfind(':');
  if (colon == std::string_view::npos || host.substr(colon + 1) != std::to_string(listen.port)) return false;
  const std::string_view name = host.substr(0, colon);
  return name == "127.0.0.1" || name == "localhost" || name == "[::1]" || name == url_host(listen.host);
}

out::LogsOutput running_tasks(const out::LogsOutput& records) {
  std::map<std::string, std::size_t> newest;  // task -> index of its newest record with a state
  for (std::size_t i = 0; i < records.records.size(); ++i) {
    const sorts::LogRecord& record = records.records[i];
    if (!record.task.empty() && record.labels.count("state") != 0) newest[record.task] = i;
  }
  std::vector<std::size_t> kept;
  for (const auto& [task, index] : newest) {
    const std::string& state = records.records[index].labels.at("state");
    if (state == "PENDING" || state == "IN_PROGRESS") kept.push_back(index);
  }
  std::sort(kept.begin(), kept.end());
  out::LogsOutput running{records.schema, {}};
  for (std::size_t index : kept) running.records.push_back(records.records[index]);
  return running;
}

std::string error_json(std::string_view message) {
  return nlohmann::json{{"error", std::string(message)}}.dump(-1, ' ', false,
                                                              nlohmann::json::error_handler_t::replace);
}

}  // namespace c12s::cli
