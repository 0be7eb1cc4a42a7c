// Host: one thread per loop; a watcher turns the caller's stop flag, or the first failure,
// into the loops' own stop flag.
#include "c12s/system/host.h"

#include <csignal>
#include <mutex>
#include <optional>
#include <thread>

namespace c12s::system {
namespace {

std::atomic<bool> signalled{false};

extern "C" void on_stop_signal(int) { signalled.store(true); }

}  // namespace

const std::atomic<bool>& stop_on_signals() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    return true;
  }();
  (void)installed;
  return signalled;
}

void Host::add(std::string name, Loop loop) { loops_.emplace_back(std::move(name), std::move(loop)); }

gtype::Status Host::run(const std::atomic<bool>& stop) {
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::optional<gtype::Status> first;
  std::vector<std::thread> threads;
  for (auto& [name, loop] : loops_) {
    threads.emplace_back([&, &name = name, &loop = loop] {
      gtype::Status status = loop(stopping);
      if (status.ok()) return;
      std::lock_guard lock(mutex);
      if (!first) first = gtype::Status{status.code(), name + ": " + status.message()};
      stopping = true;
    });
  }
  while (!stopping.load() && !stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stopping = true;
  for (std::thread& thread : threads) thread.join();
  if (first) return *first;
  return gtype::Status();
}

}  // namespace c12s::system
