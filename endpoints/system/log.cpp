// Structured log lines (see log.h).
#include "c12s/system/log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

namespace c12s::system {
namespace {

std::mutex& options_mutex() {
  static std::mutex mutex;
  return mutex;
}
LogOptions& options() {
  static LogOptions current;
  return current;
}

const char* level_name(LogLevel level, bool upper) {
  switch (level) {
    case LogLevel::kDebug:
      return upper ? "DEBUG" : "debug";
    case LogLevel::kInfo:
      return upper ? "INFO" : "info";
    case LogLevel::kWarn:
      return upper ? "WARN" : "warn";
    case LogLevel::kError:
      return upper ? "ERROR" : "error";
  }
  return "?";
}

std::string utc_time(long long unix_millis) {
  const std::time_t seconds = static_cast<std::time_t>(unix_millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%03lldZ", unix_millis % 1000);
  return text;
}

// `text` with C0 controls and DEL escaped, so that a line stays one line and prints no escape
// sequence (what peers said may be quoted in a message).
std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      char code[8];
      std::snprintf(code, sizeof code, "\\x%02x", byte);
      out += code;
    }
  }
  return out;
}

// A field's value as text: quoted when it holds a blank or a quote, so that fields stay apart.
std::string field_value(const std::string& value) {
  if (!value.empty() && value.find_first_of(" \t\"") == std::string::npos) return escaped(value);
  std::string quoted = "\"";
  for (char c : escaped(value)) quoted += c == '"' ? std::string("\\\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

void configure_log(LogOptions given) {
  std::lock_guard lock(options_mutex());
  options() = std::move(given);
}

bool parse_log_level(std::string_view text, LogLevel* out) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (text == level_name(level, false)) {
      *out = level;
      return true;
    }
  }
  return false;
}

std::string log_line(LogLevel level, std::string_view message, const LogFields& fields,
                     long long unix_millis) {
  LogOptions current;
  {
    std::lock_guard lock(options_mutex());
    current = options();
  }
  if (current.json) {
    nlohmann::ordered_json line{{"time", utc_time(unix_millis)},
                                {"level", level_name(level, false)},
                                {"process", current.process},
                                {"msg", std::string(message)}};
    for (const auto& [key, value] : fields) line[key] = value;
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  std::string line =
      utc_time(unix_millis) + " " + level_name(level, true) + " " + current.process + ": " + escaped(message);
  for (const auto& [key, value] : fields) line += " " + key + "=" + field_value(value);
  return line + "\n";
}

void log_event(LogLevel level, std::string_view message, const LogFields& fields) {
  {
    std::lock_guard lock(options_mutex());
    if (level < options().level) return;
  }
  const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  const std::string line = log_line(level, message, fields, now);
  // One write, so that lines of several threads never interleave.
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace c12s::system
