// Helpers of the runtime tests: fast options, rejection capture, the PingPong and Relay roles
// played through the blocking API and through serve(), and child processes.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtype/rt/endpoint.h"
#include "specs.h"

namespace gtype::rt::testing {

using namespace std::chrono_literals;

// Collects what an endpoint's monitor turned away (on_reject may run on the endpoint's thread).
class Rejections {
 public:
  std::function<void(const Status&)> hook() {
    return [this](const Status& e) {
      std::lock_guard lock(mutex_);
      messages_.push_back(e.message());
    };
  }
  std::vector<std::string> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> messages_;
};

inline EndpointOptions fast_options(Rejections* rejections = nullptr,
                                    std::chrono::milliseconds timeout = 300ms) {
  EndpointOptions options;
  options.receive_timeout = timeout;
  options.connect_timeout = timeout;
  options.seed = 7;
  if (rejections != nullptr) options.on_reject = rejections->hook();
  return options;
}

inline Directory directory(std::initializer_list<std::pair<std::string, std::string>> entries) {
  Directory d;
  for (const auto& [role, address] : entries) d.set(role, address);
  return d;
}

inline std::unique_ptr<Endpoint> make_endpoint(const RoleSpec& spec, Directory dir,
                                               Result<std::unique_ptr<Transport>> transport,
                                               EndpointOptions options) {
  EXPECT_TRUE(transport.ok()) << (transport.ok() ? "" : transport.error().message());
  if (!transport.ok()) return nullptr;
  auto endpoint = Endpoint::create(spec, std::move(dir), std::move(*transport), std::move(options));
  EXPECT_TRUE(endpoint.ok()) << (endpoint.ok() ? "" : endpoint.error().message());
  return endpoint.ok() ? std::move(*endpoint) : nullptr;
}

// PingPong role A, blocking: hello, ping 1..rounds (expecting pong = ping + 1 each), quit.
inline Status ping_client(Endpoint& a, SessionId s, int rounds) {
  if (Status st = a.act(s, 0, pack_none()); !st.ok()) return st;
  for (int i = 1; i <= rounds; ++i) {
    if (Status st = a.act(s, 0, pack_int(i)); !st.ok()) return st;
    Result<Incoming> pong = a.receive(s);
    if (!pong.ok()) return pong.error();
    if (unpack_int(pong->payload) != i + 1) return Status{StatusCode::kProtocolViolation, "wrong pong value"};
  }
  return a.act(s, 1, pack_none());
}

// PingPong role B, blocking: one whole session; returns the pings it saw.
inline Result<std::vector<std::int64_t>> ping_server(Endpoint& b, SessionId s) {
  std::vector<std::int64_t> pings;
  Result<Incoming> hello = b.receive(s);
  if (!hello.ok()) return hello.error();
  while (true) {
    Result<Incoming> next = b.receive(s);
    if (!next.ok()) return next.error();
    if (next->transition == 1) return pings;  // quit
    pings.push_back(*unpack_int(next->payload));
    if (Status st = b.act(s, 0, pack_int(pings.back() + 1)); !st.ok()) return st;
  }
}

// What a driver saw, for the assertions (serve runs on another thread: read it after join).
struct DriverLog {
  std::mutex mutex;
  std::set<SessionId> ended;
  std::map<SessionId, Status> failed;
  std::vector<std::string> received;  // "session:state:transition"
};

// PingPong B in serve mode: answers each ping with ping + 1.
class PingServerDriver : public SessionDriver {
 public:
  explicit PingServerDriver(DriverLog* log) : log_(log) {}
  Result<Choice> choose(SessionId s, std::uint16_t state) override {
    EXPECT_EQ(state, 2);
    return Choice{0, pack_int(last_[s] + 1)};
  }
  void received(SessionId s, std::uint16_t state, const Incoming& m) override {
    if (state == 1 && m.transition == 0) last_[s] = *unpack_int(m.payload);
    std::lock_guard lock(log_->mutex);
    log_->received.push_back(std::to_string(state) + ":" + std::to_string(m.transition));
  }
  void ended(SessionId s) override {
    std::lock_guard lock(log_->mutex);
    log_->ended.insert(s);
  }
  void failed(SessionId s, const Status& e) override {
    std::lock_guard lock(log_->mutex);
    log_->failed.emplace(s, e);
  }

 private:
  DriverLog* log_;
  std::map<SessionId, std::int64_t> last_;
};

// PingPong A in serve mode: `rounds` pings per session, checking each pong.
class PingClientDriver : public SessionDriver {
 public:
  PingClientDriver(DriverLog* log, int rounds) : log_(log), rounds_(rounds) {}
  Result<Choice> choose(SessionId s, std::uint16_t state) override {
    if (state == 0) return Choice{0, pack_none()};
    if (sent_[s] == rounds_) return Choice{1, pack_none()};
    return Choice{0, pack_int(++sent_[s] * 10)};
  }
  void received(SessionId s, std::uint16_t state, const Incoming& m) override {
    EXPECT_EQ(state, 2);
    EXPECT_EQ(unpack_int(m.payload), sent_[s] * 10 + 1);
    std::lock_guard lock(log_->mutex);
    log_->received.push_back(std::to_string(state) + ":" + std::to_string(m.transition));
  }
  void ended(SessionId s) override {
    std::lock_guard lock(log_->mutex);
    log_->ended.insert(s);
  }
  void failed(SessionId s, const Status& e) override {
    std::lock_guard lock(log_->mutex);
    log_->failed.emplace(s, e);
  }

 private:
  DriverLog* log_;
  int rounds_;
  std::map<SessionId, std::int64_t> sent_;
};

// Relay S or L in serve mode: S forwards the request as a note and answers it; L only accepts.
class RelayDriver : public SessionDriver {
 public:
  explicit RelayDriver(DriverLog* log) : log_(log) {}
  Result<Choice> choose(SessionId s, std::uint16_t state) override {
    if (state == 2) return Choice{0, pack_text("note:" + request_[s])};
    if (state == 3) return Choice{0, pack_text("resp:" + request_[s])};
    return Choice{0, ""};  // state 4: disconnect
  }
  void received(SessionId s, std::uint16_t state, const Incoming& m) override {
    std::string text = unpack_text(m.payload).value_or("");
    if (state == 1) request_[s] = text;
    std::lock_guard lock(log_->mutex);
    log_->received.push_back(std::to_string(state) + ":" + text);
  }
  void ended(SessionId s) override {
    std::lock_guard lock(log_->mutex);
    log_->ended.insert(s);
  }
  void failed(SessionId s, const Status& e) override {
    std::lock_guard lock(log_->mutex);
    log_->failed.emplace(s, e);
  }

 private:
  DriverLog* log_;
  std::map<SessionId, std::string> request_;
};

// Runs endpoint.serve(driver) on a thread until stopped (and joined) by the destructor.
class Server {
 public:
  Server(Endpoint& endpoint, SessionDriver& driver)
      : thread_([this, &endpoint, &driver] { status_ = endpoint.serve(driver, stop_); }) {}
  ~Server() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  const Status& status() const { return status_; }

 private:
  std::atomic<bool> stop_{false};
  Status status_ = Status();
  std::thread thread_;
};

// Polls `condition` every few milliseconds until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 3000ms) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

inline std::string session_text(const std::string& protocol, SessionId s, const std::string& role) {
  return protocol + " session " + std::to_string(s) + " at role " + role;
}

}  // namespace gtype::rt::testing
