// What every service shares (serving.h): the refusal line.
#include "serving.h"

#include <cstdio>
#include <ctime>

namespace c12s::services {

void log_refusal(const std::string& service, const std::string& who, const std::string& what) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::fprintf(stderr, "%s c12s service %s: refused %s: %s\n", when, service.c_str(),
               who.empty() ? "an unauthenticated peer" : who.c_str(), what.c_str());
}

}  // namespace c12s::services
