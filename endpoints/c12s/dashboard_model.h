// What `c12s dashboard` decides without a network: where it may listen, which requests it
// answers (the Host header), and which tasks the log shows unfinished. A library of its own
// (c12s_dashboard_model) so that its tests need no server; dashboard_command.cpp serves it.
//
// Not here: the HTTP server, the sessions (sessions.h), the page (dashboard/).
#pragma once

#include <string>
#include <string_view>

#include "gtype/status.h"
#include "output.h"

namespace c12s::cli {

struct ListenAddress {
  std::string host;  // an IP address (IPv6 without brackets) or "localhost"
  int port = 0;      // 0: any free port
  bool loopback() const;
  std::string url() const;  // http://HOST:PORT/ (IPv6 in brackets)
};

// "HOST:PORT" ("[::1]:PORT" for IPv6); kRejected naming the mistake (one line) otherwise. HOST must be
// an IP address or "localhost" (a name that resolves elsewhere could pass for loopback).
gtype::Result<ListenAddress> parse_listen(std::string_view text);

// Whether a request whose Host header is `host` is meant for the dashboard at `listen` (its
// port the one bound). On loopback: 127.0.0.1, localhost, [::1] or listen's host, at that port,
// so that a page of another site that got its name resolved to 127.0.0.1 (DNS rebinding), which
// sends its own name, is refused. Beyond loopback (--allow-remote) any name is taken.
bool host_allowed(std::string_view host, const ListenAddress& listen);

// The tasks that `records` (the state service's records, oldest first) show unfinished: for
// each task, its newest record with a `state` label, kept when that state is PENDING or
// IN_PROGRESS. Oldest first, by the order of those records in `records`.
out::LogsOutput running_tasks(const out::LogsOutput& records);

// {"error": message}, as JSON text.
std::string error_json(std::string_view message);

}  // namespace c12s::cli
