// Processes, pipes, clock and statistics for the runtime benchmarks (bench.h), and main.
//
//   runtime_bench ping-pong --transport tcp|ipc [--rounds N] [--window W] [--block B] [--warmup K]
//   runtime_bench curve [--transport tcp|ipc] [--rounds N] [--window W] [--block B] [--warmup K]
//                       [--connects N] [--connect-ms T]
//   runtime_bench health-check [--nodes K] [--sessions N]
//
// ping-pong: generated API against raw cppzmq, interleaved (ping_pong.cpp); curve: generated API
// over CURVE against plaintext, interleaved, and fresh sessions of each (curve.cpp);
// health-check: complete HealthCheck sessions per second (health_check.cpp). bench/runtime.sh
// runs them all.
//
// Each prints one line of key=value pairs on standard output (bench/runtime.sh reads them), or
// says what went wrong on standard error and exits 1.
#include "bench.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace bench {

namespace {

std::vector<int>& parent_ends() {
  static std::vector<int> fds;
  return fds;
}

std::string& ipc_folder() {
  static std::string folder;
  return folder;
}

void remove_ipc_folder() {
  if (ipc_folder().empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(ipc_folder(), ignored);
}

}  // namespace

std::int64_t now_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

Child spawn(const std::function<int(int in, int out)>& body) {
  int to[2];
  int from[2];
  if (pipe(to) != 0 || pipe(from) != 0) {
    std::perror("runtime_bench: pipe");
    std::exit(1);
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("runtime_bench: fork");
    std::exit(1);
  }
  if (pid == 0) {
    for (int fd : parent_ends()) close(fd);
    close(to[1]);
    close(from[0]);
    const int code = body(to[0], from[1]);
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(code);  // no static destructors: they belong to the parent
  }
  close(to[0]);
  close(from[1]);
  parent_ends().push_back(to[1]);
  parent_ends().push_back(from[0]);
  return Child{pid, to[1], from[0]};
}

int wait_child(Child& child) {
  if (child.pid < 0) return 0;
  int status = 0;
  while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  child.pid = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

void kill_child(Child& child) {
  if (child.pid < 0) return;
  kill(child.pid, SIGKILL);
  wait_child(child);
}

bool write_line(int fd, const std::string& line) {
  const std::string text = line + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<std::string> read_line(int fd, int timeout_ms) {
  std::string line;
  const std::int64_t deadline = now_ns() + static_cast<std::int64_t>(timeout_ms) * 1000000;
  while (true) {
    const std::int64_t left_ms = (deadline - now_ns()) / 1000000;
    if (left_ms < 0) return std::nullopt;
    pollfd item{fd, POLLIN, 0};
    const int ready = poll(&item, 1, static_cast<int>(left_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char c = 0;
    const ssize_t n = read(fd, &c, 1);  // byte by byte: the lines are few and short
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    if (c == '\n') return line;
    line += c;
  }
}

std::string address_for(const std::string& transport, const std::string& role) {
  if (transport == "tcp") return "tcp://127.0.0.1:0";
  if (ipc_folder().empty()) {
    char pattern[] = "/tmp/c12s-bench-XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      std::perror("runtime_bench: mkdtemp");
      std::exit(1);
    }
    ipc_folder() = pattern;
    std::atexit(remove_ipc_folder);
  }
  static int count = 0;
  return "ipc://" + ipc_folder() + "/" + role + std::to_string(++count);
}

double quantile(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::string option(const std::vector<std::string>& args, const std::string& name, const std::string& fallback) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) return args[i + 1];
  }
  return fallback;
}

long option(const std::vector<std::string>& args, const std::string& name, long fallback) {
  const std::string value = option(args, name, std::string());
  return value.empty() ? fallback : std::stol(value);
}

}  // namespace bench

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  signal(SIGPIPE, SIG_IGN);
  if (!args.empty() && args[0] == "ping-pong") return bench::ping_pong(args);
  if (!args.empty() && args[0] == "curve") return bench::curve(args);
  if (!args.empty() && args[0] == "health-check") return bench::health_check(args);
  std::fprintf(stderr,
               "usage: runtime_bench ping-pong --transport tcp|ipc [--rounds N] [--window W] [--block B] "
               "[--warmup K]\n"
               "       runtime_bench curve [--transport tcp|ipc] [--rounds N] [--window W] [--block B] "
               "[--warmup K] [--connects N] [--connect-ms T]\n"
               "       runtime_bench health-check [--nodes K] [--sessions N]\n");
  return 2;
}
