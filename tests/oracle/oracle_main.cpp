// gtype-oracle FILE [--bound K] [--max-states N]: the oracle (oracle.h) on every local system of
// FILE, one paragraph each: the verdict, the counts, each violation with its trace's length.
// Exit: 0 all verified, 1 a violation, 3 inconclusive (and no violation), 2 usage or parse error.
#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "oracle.h"

namespace {

int usage(const std::string& why) {
  std::cerr << "gtype-oracle: " << why << "\nusage: gtype-oracle FILE [--bound K] [--max-states N]\n";
  return 2;
}

// A whole number in [low, high], or false.
bool number(const std::string& text, std::uint64_t low, std::uint64_t high, std::uint64_t& out) {
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, out);
  return error == std::errc() && stop == end && out >= low && out <= high;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  oracle::Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::uint64_t value = 0;
    if (arg == "--bound" || arg == "--max-states") {
      if (i + 1 >= argc) return usage(arg + " needs a number");
      const bool bound = arg == "--bound";
      if (!number(argv[++i], 1, bound ? 65535 : 100'000'000, value)) return usage("bad number for " + arg);
      if (bound) {
        options.bound = static_cast<std::uint32_t>(value);
      } else {
        options.max_states = value;
      }
    } else if (path.empty() && !arg.empty() && arg[0] != '-') {
      path = arg;
    } else {
      return usage("unexpected argument '" + arg + "'");
    }
  }
  if (path.empty()) return usage("no file given");
  std::ifstream in(path, std::ios::binary);
  if (!in) return usage("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  const oracle::Parsed parsed = oracle::parse(text.str());
  if (!parsed.error.empty()) {
    std::cerr << path << ": " << parsed.error << "\n";
    return 2;
  }
  bool violation = false, inconclusive = false, error = false;
  for (const oracle::LocalSystem& system : parsed.systems) {
    const oracle::Result result = oracle::explore(system, options);
    std::cout << system.name << ": " << oracle::describe(result);
    error = error || !result.error.empty();
    violation = violation || result.verdict == oracle::Verdict::kViolation;
    inconclusive = inconclusive || result.verdict == oracle::Verdict::kInconclusive;
  }
  return error ? 2 : violation ? 1 : inconclusive ? 3 : 0;
}
