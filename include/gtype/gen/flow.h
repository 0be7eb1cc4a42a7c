// Flow<T>: the state-channel API of generated code as a C++20 coroutine, for clients.
//
// Inside a function that returns Flow<T>, `co_await` on a gtype::Result<U> (what every
// generated action and receive() returns) gives the U, or ends the flow with the error, so a
// session reads as its protocol does, one line per step, with no error check between steps:
//
//   gtype::gen::Flow<void> talk(kv::client::Start start) {
//     auto session = co_await std::move(start).connect_hello("me");
//     auto put = co_await std::move(session).send_put(entry);
//     auto stored = co_await std::move(put).receive();
//     co_await std::move(stored.next).send_bye();
//   }
//   gtype::Status status = talk(std::move(start)).status();
//
// The states are the generated classes, so the compiler checks the protocol exactly as in the
// plain form: a step the state does not offer does not compile, a state used twice is a
// use-after-move. A Flow runs eagerly, on the calling thread, to its end or its first error,
// before the call returns; it never suspends otherwise (nothing here is asynchronous), and its
// frame, with every state it held, is gone when the Flow is. Exceptions are not used: one
// escaping the body is a bug, and terminates.
#pragma once

#include <cassert>
#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <gtype/status.h>

namespace gtype::gen {

template <typename T>
class Flow;

namespace detail {

// What a flow ended with; the error is set by the co_await that failed.
template <typename T>
struct FlowOutcome {
  std::optional<Result<T>> result;
  template <typename U>
  void return_value(U&& value) {
    result.emplace(std::forward<U>(value));
  }
};
template <>
struct FlowOutcome<void> {
  std::optional<Status> result;
  void return_void() { result.emplace(); }
};

template <typename T>
struct FlowPromise : FlowOutcome<T> {
  Flow<T> get_return_object() { return Flow<T>(std::coroutine_handle<FlowPromise>::from_promise(*this)); }
  std::suspend_never initial_suspend() noexcept { return {}; }
  std::suspend_always final_suspend() noexcept { return {}; }  // the Flow reads the outcome
  void unhandled_exception() noexcept { std::terminate(); }

  void fail(Status error) {
    if constexpr (std::is_void_v<T>) {
      this->result.emplace(std::move(error));
    } else {
      this->result.emplace(Result<T>(std::move(error)));
    }
  }

  // co_await on a Result<U>: its value, or the flow stops here with its error.
  template <typename U>
  struct Step {
    Result<U> result;
    bool await_ready() const noexcept { return result.ok(); }
    void await_suspend(std::coroutine_handle<FlowPromise> flow) {
      flow.promise().fail(std::move(result).error());
    }
    U await_resume() { return std::move(result).value(); }
  };
  template <typename U>
  Step<U> await_transform(Result<U> result) {
    return Step<U>{std::move(result)};
  }
  // co_await on a Status: nothing, or the flow stops here with it.
  struct Check {
    Status status;
    bool await_ready() const noexcept { return status.ok(); }
    void await_suspend(std::coroutine_handle<FlowPromise> flow) { flow.promise().fail(std::move(status)); }
    void await_resume() const noexcept {}
  };
  Check await_transform(Status status) { return Check{std::move(status)}; }
};

}  // namespace detail

template <typename T>
class [[nodiscard]] Flow {
 public:
  using promise_type = detail::FlowPromise<T>;

  Flow(Flow&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  Flow& operator=(Flow&&) = delete;
  Flow(const Flow&) = delete;
  ~Flow() {
    if (frame_) frame_.destroy();
  }

  // What the flow ended with: its co_return value, or the error of the step that failed.
  auto result() && {
    assert(frame_ && frame_.promise().result.has_value());  // eager: it has ended by now
    return std::move(*frame_.promise().result);
  }
  // Ok, or that error.
  Status status() && {
    if constexpr (std::is_void_v<T>) {
      return std::move(*this).result();
    } else {
      return std::move(*this).result().status();
    }
  }

 private:
  friend struct detail::FlowPromise<T>;
  explicit Flow(std::coroutine_handle<promise_type> frame) : frame_(frame) {}
  std::coroutine_handle<promise_type> frame_;
};

}  // namespace gtype::gen
