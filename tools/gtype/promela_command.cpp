// `gtype promela FILE --protocol P [--bound K]`: the Promela model of one protocol or local
// system, for SPIN (verify/promela.cpp says what it encodes and what it does not).
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "gtype/promela.h"

namespace gtype::cli {

int run_promela(const LoadOptions& load, const std::string& file, const std::string& protocol,
                std::uint32_t bound) {
  if (bound == 0) {
    std::cerr << "gtype: --bound must be at least 1\n";
    return kUsage;
  }
  FileSystems all;
  if (std::optional<int> code = load_systems(load, file, all)) return *code;
  std::vector<const AutomatonSystem*> selected;
  if (!select_systems(file, all, protocol, selected)) return kUsage;
  PromelaOptions options;
  options.bound = bound;
  std::cout << promela_model(*selected.front(), options);
  return kOk;
}

}  // namespace gtype::cli
