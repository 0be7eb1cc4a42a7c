// Token buckets and rate-limited FIFO queues (thesis 5.2.3, listing 5.5), with time passed in.
//
// A bucket holds at most `capacity` tokens and starts with `tokens`; one token is added every
// `fill_interval`, as listing 5.5's fillInterval says (interval 1, rate s: a token a second),
// counted in whole intervals from the start, and none while the bucket is full. Nothing here
// reads a clock: every call takes `now`, so behaviour is a function of the calls, and tests
// and simulations run without waiting. Times must not go backwards; a `now` earlier than one
// seen before counts as no time passed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>

namespace c12s::model {

using Instant = std::chrono::steady_clock::time_point;

struct TokenBucketConfig {
  std::uint64_t capacity = 1;                     // >= 1
  std::uint64_t tokens = 0;                       // at the start, <= capacity
  std::chrono::milliseconds fill_interval{1000};  // > 0: one token per interval

  friend bool operator==(const TokenBucketConfig&, const TokenBucketConfig&) = default;
};

// What is wrong with the configuration; empty if it is usable.
std::string token_bucket_problem(const TokenBucketConfig& config);

class TokenBucket {
 public:
  // Requires token_bucket_problem(config) to be empty.
  TokenBucket(const TokenBucketConfig& config, Instant start);

  // The tokens there are at `now`, never more than the capacity.
  std::uint64_t available(Instant now);
  // Takes `count` tokens if there are that many at `now`; takes none otherwise.
  bool try_take(Instant now, std::uint64_t count = 1);
  // The first time >= now at which a token is available: now if there is one.
  Instant next_token_at(Instant now);

  const TokenBucketConfig& config() const { return config_; }

 private:
  void refill(Instant now);

  TokenBucketConfig config_;
  std::uint64_t tokens_;
  Instant filled_until_;  // the end of the last whole interval counted; tokens accrue after it
};

// A FIFO queue whose items leave at most as fast as its bucket lets them: the queue of a
// mutation task (5.2.3), the command push to nodes (5.1). Items wait in arrival order.
template <typename T>
class RateLimitedQueue {
 public:
  RateLimitedQueue(const TokenBucketConfig& config, Instant start) : bucket_(config, start) {}

  void push(T item) { items_.push_back(std::move(item)); }

  // The oldest item, spending one token, if there is an item and a token at `now`; otherwise
  // nothing, and no token is spent.
  std::optional<T> try_take(Instant now) {
    if (items_.empty() || !bucket_.try_take(now)) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  // When try_take can next give an item, if there is one waiting.
  std::optional<Instant> next_ready_at(Instant now) {
    if (items_.empty()) return std::nullopt;
    return bucket_.next_token_at(now);
  }

  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  TokenBucket bucket_;
  std::deque<T> items_;
};

}  // namespace c12s::model
