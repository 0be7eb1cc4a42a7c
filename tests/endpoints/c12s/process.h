// Running the c12s binary in tests: a child process whose output comes back through pipes.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace c12s_test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Output {
  int exit = -1;
  std::string out;
  std::string err;
};

// Starts C12S_BINARY with `args`; its stdout and stderr come back through pipes.
struct Process {
  pid_t pid = -1;
  int out = -1;
  int err = -1;

  explicit Process(const std::vector<std::string>& args, const fs::path& cwd) {
    int out_pipe[2], err_pipe[2];
    if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return;
    pid = fork();
    if (pid == 0) {
      dup2(out_pipe[1], STDOUT_FILENO);
      dup2(err_pipe[1], STDERR_FILENO);
      close(out_pipe[0]);
      close(err_pipe[0]);
      if (chdir(cwd.c_str()) != 0) _exit(126);
      std::vector<char*> argv{const_cast<char*>(C12S_BINARY)};
      for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
      argv.push_back(nullptr);
      execv(C12S_BINARY, argv.data());
      _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    out = out_pipe[0];
    err = err_pipe[0];
  }
  ~Process() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    if (out >= 0) close(out);
    if (err >= 0) close(err);
  }

  // Reads what is there within `wait`; false at end of both streams.
  bool read_some(Output& into, std::chrono::milliseconds wait) {
    pollfd fds[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(wait.count())) <= 0) return true;
    bool open = false;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP))) {
        open = true;
        continue;
      }
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) (i == 0 ? into.out : into.err).append(buffer, static_cast<std::size_t>(n));
      open |= n > 0;
    }
    return open;
  }

  // Reads until the process exits (or `limit`), then reaps it.
  Output finish(std::chrono::seconds limit, Output so_far = {}) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline && read_some(so_far, std::chrono::milliseconds(100))) {
    }
    int status = 0;
    if (waitpid(pid, &status, Clock::now() < deadline ? 0 : WNOHANG) == pid) {
      so_far.exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      pid = -1;
    }
    return so_far;
  }
};

// Reads `c12s up`'s output until it says the system is up (or a minute has gone, or it ended).
inline Output wait_until_up(Process& up) {
  Output output;
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (output.out.find("Ctrl-C stops everything") == std::string::npos && Clock::now() < deadline &&
         up.read_some(output, std::chrono::milliseconds(200))) {
  }
  return output;
}

// The pid of a c12s process whose command line has `needle`, or -1.
inline pid_t find_process(const std::string& needle) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(needle) != std::string::npos && cmdline.find(C12S_BINARY) == 0) return std::stoi(name);
  }
  return -1;
}

// The first port of a test's system, from its process id, below the kernel's ephemeral range
// (32768 on): the c12s tests take RESOURCE_LOCK c12s_system and never run together, and the
// pid keeps one from colliding with a system a crashed run left behind. `salt` differs per file.
inline int base_port(int salt) { return 20000 + (static_cast<int>(getpid()) * salt % 390) * 30; }

}  // namespace c12s_test
