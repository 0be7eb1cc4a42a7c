// Token buckets, rate-limited queues, and the queue service's configuration (listing 5.5).
// Time is passed in: every test is instant and exact.
#include <gtest/gtest.h>

#include <string>

#include "c12s/model/queue_config.h"
#include "c12s/model/token_bucket.h"
#include "test_data.h"

namespace c12s::model {
namespace {

using namespace std::chrono_literals;
using testing::data_path;
using testing::read_data;

const Instant kStart{};  // the steady clock's epoch: any start will do

TEST(TokenBucket, StartsWithItsTokensAndFillsOnePerInterval) {
  TokenBucket bucket({4, 0, 1000ms}, kStart);
  EXPECT_EQ(bucket.available(kStart), 0u);
  EXPECT_FALSE(bucket.try_take(kStart));
  EXPECT_EQ(bucket.available(kStart + 999ms), 0u);
  EXPECT_EQ(bucket.available(kStart + 1s), 1u);
  EXPECT_EQ(bucket.available(kStart + 3500ms), 3u);
  EXPECT_TRUE(bucket.try_take(kStart + 3500ms, 3));
  EXPECT_EQ(bucket.available(kStart + 3999ms), 0u);
  EXPECT_EQ(bucket.available(kStart + 4s), 1u);  // whole intervals from the start, not from the take
}

TEST(TokenBucket, NeverHoldsMoreThanItsCapacity) {
  TokenBucket bucket({4, 2, 1s}, kStart);
  EXPECT_EQ(bucket.available(kStart + 1h), 4u);
  EXPECT_TRUE(bucket.try_take(kStart + 1h, 4));
  EXPECT_FALSE(bucket.try_take(kStart + 1h));
  EXPECT_EQ(bucket.available(kStart + 1h + 1s), 1u);
}

TEST(TokenBucket, TakesAllOrNothing) {
  TokenBucket bucket({5, 3, 1s}, kStart);
  EXPECT_FALSE(bucket.try_take(kStart, 4));
  EXPECT_EQ(bucket.available(kStart), 3u);
  EXPECT_TRUE(bucket.try_take(kStart, 0));
  EXPECT_TRUE(bucket.try_take(kStart, 3));
}

TEST(TokenBucket, TimeGoingBackwardsAddsNothing) {
  TokenBucket bucket({3, 0, 1s}, kStart + 10s);
  EXPECT_EQ(bucket.available(kStart), 0u);
  EXPECT_EQ(bucket.available(kStart + 12s), 2u);
  EXPECT_EQ(bucket.available(kStart + 11s), 2u);
  EXPECT_EQ(bucket.available(kStart + 13s), 3u);
}

TEST(TokenBucket, NextTokenAt) {
  TokenBucket bucket({2, 1, 1s}, kStart);
  EXPECT_EQ(bucket.next_token_at(kStart + 300ms), kStart + 300ms);
  EXPECT_TRUE(bucket.try_take(kStart + 300ms));
  EXPECT_EQ(bucket.next_token_at(kStart + 300ms), kStart + 1s);
  EXPECT_EQ(bucket.next_token_at(kStart + 1s), kStart + 1s);
}

TEST(TokenBucket, ConfigurationProblems) {
  EXPECT_EQ(token_bucket_problem({4, 0, 1s}), "");
  EXPECT_EQ(token_bucket_problem({0, 0, 1s}), "the capacity must be at least 1");
  EXPECT_EQ(token_bucket_problem({2, 3, 1s}), "the tokens at the start (3) exceed the capacity (2)");
  EXPECT_EQ(token_bucket_problem({2, 0, 0ms}), "the fill interval must be longer than zero");
}

TEST(RateLimitedQueue, FirstInFirstOutAtTheBucketsPace) {
  RateLimitedQueue<std::string> queue({2, 1, 1s}, kStart);
  EXPECT_FALSE(queue.try_take(kStart));  // nothing queued: the token stays
  EXPECT_FALSE(queue.next_ready_at(kStart));
  queue.push("a");
  queue.push("b");
  queue.push("c");
  EXPECT_EQ(queue.try_take(kStart), "a");
  EXPECT_FALSE(queue.try_take(kStart + 500ms));
  EXPECT_EQ(queue.next_ready_at(kStart + 500ms), kStart + 1s);
  EXPECT_EQ(queue.try_take(kStart + 1s), "b");
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue.try_take(kStart + 5s), "c");
  EXPECT_TRUE(queue.empty());
}

TEST(QueueConfig, ParsesListing55) {
  const Result<QueueServiceConfig> r =
      parse_queue_config(read_data("thesis/listing_5_5.yaml"), "listing_5_5.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message();
  const QueueServiceConfig expected{
      "address",
      {QueueConfig{"myqueue1", "mynamespace", RetryPolicy{RetryDelay::kLinear, 1, 5000}, 4, {4, 0, 1s}},
       QueueConfig{"myqueue2", "default", RetryPolicy{RetryDelay::kExponential, 2, 50000}, 5, {5, 0, 1s}}},
      InstrumentConfig{"address", "topic", "interval", "location"},
  };
  EXPECT_EQ(*r, expected);
}

TEST(QueueConfig, DefaultsOfOptionalKeys) {
  const Result<QueueServiceConfig> r = parse_queue_config(R"(blackhole:
  db: etcd:2379
  queue:
    default:
      capacity: 10
      fillInterval: {interval: 250, rate: ms}
)",
                                                          "queue.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->queues.size(), 1u);
  EXPECT_EQ(r->queues[0], (QueueConfig{"default", "default", std::nullopt, 1, {10, 0, 250ms}}));
  EXPECT_FALSE(r->instrument);
}

TEST(QueueConfig, LoadsListing55AndDrivesABucket) {
  const Result<QueueServiceConfig> r = load_queue_config(data_path("thesis/listing_5_5.yaml"));
  ASSERT_TRUE(r.ok()) << r.error().message();
  for (const QueueConfig& q : r->queues) EXPECT_EQ(token_bucket_problem(q.bucket), "") << q.name;
  TokenBucket bucket(r->queues[0].bucket, kStart);
  EXPECT_EQ(bucket.available(kStart + 10s), 4u);  // capacity 4, a token a second
}

TEST(QueueConfig, UnreadableFileIsADiagnostic) {
  const std::string missing = data_path("queue/none.yaml");
  const Result<QueueServiceConfig> r = load_queue_config(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), missing + ": error: cannot read the file: no such file\n");
}

}  // namespace
}  // namespace c12s::model
