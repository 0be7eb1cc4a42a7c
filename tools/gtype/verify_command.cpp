// `gtype verify FILE… [--protocol P] [--bound K] [--max-states N] [--max-memory SIZE] [--json]
// [--trace-format F]`
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "commands.h"
#include "gtype/verify.h"

namespace gtype::cli {
namespace {

std::string mermaid_trace(const std::vector<std::string>& roles, const Violation& v) {
  std::ostringstream out;
  out << "sequenceDiagram\n";
  for (const std::string& role : roles) out << "  participant " << role << '\n';
  for (const TraceStep& step : v.trace) {
    const std::string label = step.label.empty() ? std::string() : step.label;
    switch (step.kind) {
      case ActionKind::kSend:
        out << "  " << step.role << "-)" << step.peer << ": " << label << '\n';
        break;
      case ActionKind::kReceive:
        out << "  Note over " << step.role << ": receives " << label << " from " << step.peer << '\n';
        break;
      case ActionKind::kConnect:
        out << "  " << step.role << "->>" << step.peer << ": connect" << (label.empty() ? "" : ": " + label)
            << '\n';
        break;
      case ActionKind::kAccept:
        break;  // accepts are part of the connect step
      case ActionKind::kDisconnect:
        out << "  Note over " << step.role << "," << step.peer << ": " << step.role << " disconnects\n";
        break;
    }
  }
  out << "  Note over ";
  for (std::size_t i = 0; i < v.roles.size(); ++i) out << (i ? "," : "") << v.roles[i];
  out << ": " << violation_name(v.kind) << '\n';
  return out.str();
}

void print_text(const std::string& file, const AutomatonSystem& system, const VerifyResult& r,
                const VerifyArguments& arguments) {
  std::cout << file << ": " << system.name << ": " << verdict_name(r.verdict) << " (bound " << r.bound
            << "): " << r.states << (r.states == 1 ? " state, " : " states, ") << r.transitions
            << (r.transitions == 1 ? " transition" : " transitions");
  if (arguments.timing) {
    std::cout << ", " << std::fixed << std::setprecision(3) << r.seconds << " s";
    std::cout.unsetf(std::ios::floatfield);
  }
  std::cout << '\n';
  const std::string& trace_format = arguments.trace_format;
  if (r.verdict == Verdict::kInconclusive) std::cout << "  inconclusive: " << r.inconclusive_reason << '\n';
  for (const Violation& v : r.violations) {
    std::cout << "  " << violation_name(v.kind) << " (";
    for (std::size_t i = 0; i < v.roles.size(); ++i) std::cout << (i ? ", " : "") << v.roles[i];
    std::cout << "): " << v.detail << '\n';
    if (trace_format == "mermaid") {
      std::cout << mermaid_trace(system.roles, v);
      continue;
    }
    if (v.trace.empty()) std::cout << "    at the start, before any step\n";
    for (std::size_t i = 0; i < v.trace.size(); ++i) {
      std::cout << "    " << (i + 1) << ". " << describe_step(v.trace[i]) << '\n';
    }
  }
}

// `text` as a JSON string, quotes included (nlohmann's escaping; stray bytes that are not UTF-8
// become U+FFFD, as JSON text is Unicode). The object around it is written here, so that
// `seconds` keeps its fixed notation (scripts read it with bc).
std::string json_string(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void print_json(const std::string& file, const AutomatonSystem& system, const VerifyResult& r, bool timing) {
  std::cout << "{\"file\":" << json_string(file) << ",\"protocol\":" << json_string(system.name)
            << ",\"verdict\":\"" << verdict_name(r.verdict) << "\",\"bound\":" << r.bound
            << ",\"states\":" << r.states << ",\"transitions\":" << r.transitions;
  if (timing) {
    std::ostringstream seconds;
    seconds << std::fixed << std::setprecision(6) << r.seconds;
    std::cout << ",\"seconds\":" << seconds.str();
  }
  std::cout << ",\"bytes_per_state\":" << r.bytes_per_state;
  if (r.verdict == Verdict::kInconclusive) std::cout << ",\"reason\":" << json_string(r.inconclusive_reason);
  std::cout << ",\"violations\":[";
  for (std::size_t i = 0; i < r.violations.size(); ++i) {
    const Violation& v = r.violations[i];
    std::cout << (i ? "," : "") << "{\"kind\":\"" << violation_name(v.kind) << "\",\"roles\":[";
    for (std::size_t j = 0; j < v.roles.size(); ++j) std::cout << (j ? "," : "") << json_string(v.roles[j]);
    std::cout << "],\"trace\":[";
    for (std::size_t j = 0; j < v.trace.size(); ++j)
      std::cout << (j ? "," : "") << json_string(describe_step(v.trace[j]));
    std::cout << "],\"detail\":" << json_string(v.detail) << "}";
  }
  std::cout << "]}\n";
}

// "4096", "512K", "64M", "4G", "1T" (also "4GiB", "4GB": powers of 1024 all the same); nothing
// when the text is no such size or the size does not fit in 64 bits.
std::optional<std::uint64_t> parse_size(std::string text) {
  for (const char* suffix : {"iB", "B"}) {
    const std::string tail(suffix);
    if (text.size() > tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0) {
      text.resize(text.size() - tail.size());
      break;
    }
  }
  unsigned shift = 0;
  if (!text.empty() && !std::isdigit(static_cast<unsigned char>(text.back()))) {
    const std::string units = "KMGT";
    const std::size_t unit =
        units.find(static_cast<char>(std::toupper(static_cast<unsigned char>(text.back()))));
    if (unit == std::string::npos) return std::nullopt;
    shift = 10 * static_cast<unsigned>(unit + 1);
    text.pop_back();
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (shift > 0 && value > (~std::uint64_t{0} >> shift)) return std::nullopt;
  return value << shift;
}

}  // namespace

int run_verify(const LoadOptions& load, const VerifyArguments& arguments) {
  if (arguments.trace_format != "text" && arguments.trace_format != "mermaid") {
    std::cerr << "gtype: --trace-format must be 'text' or 'mermaid', not '" << arguments.trace_format
              << "'\n";
    return kUsage;
  }
  if (arguments.liveness != "fair" && arguments.liveness != "strong") {
    std::cerr << "gtype: --liveness must be 'fair' or 'strong', not '" << arguments.liveness << "'\n";
    return kUsage;
  }
  if (arguments.bound == 0) {
    std::cerr << "gtype: --bound must be at least 1\n";
    return kUsage;
  }
  if (arguments.max_states == 0) {
    std::cerr << "gtype: --max-states must be at least 1\n";
    return kUsage;
  }
  VerifyOptions options;
  options.bound = arguments.bound;
  options.max_states = arguments.max_states;
  if (arguments.max_memory) {
    std::optional<std::uint64_t> bytes = parse_size(*arguments.max_memory);
    if (!bytes || *bytes == 0) {
      std::cerr
          << "gtype: --max-memory must be a size such as 512M or 4G (bytes, or K, M, G, T: powers of 1024), "
             "not '"
          << *arguments.max_memory << "'\n";
      return kUsage;
    }
    options.max_memory = *bytes;
  }
  options.liveness = arguments.progress;
  options.reduction = arguments.reduction;
  // A progress line, every second, on a terminal only: scripts, --json and pipes never see it.
  bool line_shown = false;
  if (!arguments.json && !arguments.quiet && ::isatty(STDERR_FILENO) == 1) {
    options.progress = [&line_shown](const SearchProgress& progress) {
      std::fprintf(stderr, "\r\x1b[K%s", progress_text(progress).c_str());
      std::fflush(stderr);
      line_shown = true;
    };
  }
  options.liveness_kind = arguments.liveness == "strong" ? gtype::VerifyOptions::Liveness::kStrong
                                                         : gtype::VerifyOptions::Liveness::kFair;
  bool violation = false, inconclusive = false, failed = false;
  int worst_load = kOk;
  std::vector<std::pair<std::string, FileSystems>> loaded;
  for (const std::string& file : arguments.files) {
    FileSystems all;
    if (std::optional<int> code = load_systems(load, file, all)) {
      worst_load = std::max(worst_load, *code);
      failed = true;
      continue;
    }
    loaded.emplace_back(file, std::move(all));
  }
  // --protocol picks the systems of that name in every file; it is a usage error only when no
  // file has one (then the message lists what the files declare).
  if (arguments.protocol) {
    bool found = false;
    for (const auto& [file, all] : loaded) {
      for (const AutomatonSystem& system : all.systems) found = found || system.name == *arguments.protocol;
    }
    if (!found && !loaded.empty()) {
      std::vector<const AutomatonSystem*> none;
      for (const auto& [file, all] : loaded) select_systems(file, all, arguments.protocol, none);
      return kUsage;
    }
  }
  for (const auto& [file, all] : loaded) {
    std::vector<const AutomatonSystem*> selected;
    for (const AutomatonSystem& system : all.systems) {
      if (arguments.protocol ? system.name == *arguments.protocol : !all.inlined.count(system.name)) {
        selected.push_back(&system);
      } else if (!arguments.protocol && !arguments.json) {
        std::cout << file << ": " << system.name << ": inlined by 'do', so verified where it is inlined\n";
      }
    }
    for (const AutomatonSystem* system : selected) {
      const VerifyResult result = verify_system(*system, options);
      if (std::exchange(line_shown, false)) std::fputs("\r\x1b[K", stderr);  // cleared at the end
      if (arguments.json) {
        print_json(file, *system, result, arguments.timing);
      } else {
        print_text(file, *system, result, arguments);
      }
      violation = violation || result.verdict == Verdict::kViolation;
      inconclusive = inconclusive || result.verdict == Verdict::kInconclusive;
    }
  }
  if (worst_load == kUsage) return kUsage;
  if (failed || violation) return kInputErrors;
  return inconclusive ? kInconclusive : kOk;
}

}  // namespace gtype::cli
