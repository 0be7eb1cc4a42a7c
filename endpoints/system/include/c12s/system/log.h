// What the processes of the system say while they run: one line per event on standard error,
// with the time (UTC, milliseconds), the level, the process and the message, then fields.
//
//   text:  2026-12-07T22:03:01.123Z WARN c12s service nodes: refused node:node-6: a health check for node
//   node-5 who=node:node-6 json:  {"time":"2026-12-07T22:03:01.123Z","level":"warn","process":"c12s service
//   nodes","msg":"refused ...","who":"node:node-6"}
//
// The text keeps each message as the processes always printed it, so what reads their logs by
// message still finds it; JSON is for log collectors (`--log-format json`). Control characters
// in text are escaped (a peer's words may be quoted). Lines below the level are dropped.
// Thread-safe: a line is written whole with one write().
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace c12s::system {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

struct LogOptions {
  std::string process = "c12s";  // "c12s service nodes", "c12s daemon node-5"
  LogLevel level = LogLevel::kInfo;
  bool json = false;
};

// Sets how this process logs (once, before its threads start).
void configure_log(LogOptions options);
// "debug", "info", "warn" or "error"; false for anything else.
bool parse_log_level(std::string_view text, LogLevel* out);

using LogFields = std::vector<std::pair<std::string, std::string>>;
void log_event(LogLevel level, std::string_view message, const LogFields& fields = {});
// The line log_event writes (without writing it), for tests.
std::string log_line(LogLevel level, std::string_view message, const LogFields& fields,
                     long long unix_millis);

inline void log_info(std::string_view message, const LogFields& fields = {}) {
  log_event(LogLevel::kInfo, message, fields);
}
inline void log_warn(std::string_view message, const LogFields& fields = {}) {
  log_event(LogLevel::kWarn, message, fields);
}
inline void log_error(std::string_view message, const LogFields& fields = {}) {
  log_event(LogLevel::kError, message, fields);
}

}  // namespace c12s::system
