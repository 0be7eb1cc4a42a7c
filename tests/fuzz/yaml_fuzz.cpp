// Fuzz target: bytes as each of the control plane's YAML files (endpoints/model): a topology
// (the mutate file, thesis listing 5.4), a node daemon's configuration (listing 5.2) and the
// queue service's (listing 5.5); and as the texts the c12s command takes on its command line
// (a selector, a quantity, a duration). Bad input must come back as an error, never as a
// crash, a hang or an exception.
#include <cstdint>
#include <string_view>

#include "c12s/model/daemon_config.h"
#include "c12s/model/quantity.h"
#include "c12s/model/queue_config.h"
#include "c12s/model/selector.h"
#include "c12s/model/topology.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)c12s::model::parse_topology(text, "fuzz.yaml");
  (void)c12s::model::parse_daemon_config(text, "fuzz.yaml");
  (void)c12s::model::parse_queue_config(text, "fuzz.yaml");
  (void)c12s::model::parse_selector(text);
  (void)c12s::model::parse_quantity(text);
  (void)c12s::model::parse_duration(text);
  return 0;
}
