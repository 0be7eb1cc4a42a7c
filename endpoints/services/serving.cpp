// What every service shares (serving.h): the refusal line.
#include "serving.h"

#include "c12s/system/log.h"

namespace c12s::services {

void log_refusal(const std::string& service, const std::string& who, const std::string& what) {
  const std::string principal = who.empty() ? "an unauthenticated peer" : who;
  system::log_warn("refused " + principal + ": " + what,
                   {{"event", "refused"}, {"service", service}, {"who", principal}});
}

}  // namespace c12s::services
