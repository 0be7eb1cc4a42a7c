// The token bucket's arithmetic: tokens accrue per whole interval since the last whole
// interval counted, so calling often or rarely gives the same tokens at the same times.
#include "c12s/model/token_bucket.h"

#include <cassert>

namespace c12s::model {

std::string token_bucket_problem(const TokenBucketConfig& config) {
  if (config.capacity == 0) return "the capacity must be at least 1";
  if (config.tokens > config.capacity) {
    return "the tokens at the start (" + std::to_string(config.tokens) + ") exceed the capacity (" +
           std::to_string(config.capacity) + ")";
  }
  if (config.fill_interval.count() <= 0) return "the fill interval must be longer than zero";
  return {};
}

TokenBucket::TokenBucket(const TokenBucketConfig& config, Instant start)
    : config_(config), tokens_(config.tokens), filled_until_(start) {
  assert(token_bucket_problem(config).empty());
}

void TokenBucket::refill(Instant now) {
  if (now <= filled_until_) return;
  const auto interval = std::chrono::duration_cast<Instant::duration>(config_.fill_interval);
  const auto intervals = static_cast<std::uint64_t>((now - filled_until_) / interval);
  if (intervals == 0) return;
  filled_until_ += interval * static_cast<Instant::duration::rep>(intervals);
  const std::uint64_t room = config_.capacity - tokens_;
  tokens_ += intervals < room ? intervals : room;
}

std::uint64_t TokenBucket::available(Instant now) {
  refill(now);
  return tokens_;
}

bool TokenBucket::try_take(Instant now, std::uint64_t count) {
  refill(now);
  if (tokens_ < count) return false;
  tokens_ -= count;
  return true;
}

Instant TokenBucket::next_token_at(Instant now) {
  refill(now);
  if (tokens_ > 0) return now;
  // No token, so the bucket is not full and the next one comes at the end of this interval.
  return filled_until_ + std::chrono::duration_cast<Instant::duration>(config_.fill_interval);
}

}  // namespace c12s::model
