// The queue service's configuration file (thesis 5.2.3, listing 5.5).
//
//   blackhole:
//     db: address                # required: the service's storage address
//     queue:                     # required: queue name -> queue, at least one
//       myqueue1:
//         namespace: mynamespace # optional, "default" if not given
//         retry:                 # optional: no retries if not given
//           delay: linear        #   linear or exp
//           doubling: 1          #   >= 1
//           limit: 5000          #   >= 1
//         maxWorkers: 4          # optional, 1 if not given; >= 1
//         capacity: 4            # required: the bucket's capacity, >= 1
//         tokens: 0              # optional, 0 if not given: tokens at the start, <= capacity
//         fillInterval:          # required: one token every `interval` `rate`s
//           interval: 1          #   >= 1
//           rate: s              #   ms, s, m or h
//     instrument:                # optional; if given, all four keys
//       address: address
//       stopic: topic
//       collect: interval
//       location: location
//
// The listing gives every key but says little of what retry's numbers mean; they are read and
// checked, not interpreted: retrying is the queue service's business. The listing shows two
// queues "in addition to" the `default` queue every user starts with (5.1); this file may
// configure `default` too, and the parser does not invent it when it is absent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "c12s/model/result.h"
#include "c12s/model/token_bucket.h"

namespace c12s::model {

enum class RetryDelay { kLinear, kExponential };  // `delay: linear` / `delay: exp`

struct RetryPolicy {
  RetryDelay delay = RetryDelay::kLinear;
  std::uint64_t doubling = 1;
  std::uint64_t limit = 1;

  friend bool operator==(const RetryPolicy&, const RetryPolicy&) = default;
};

struct QueueConfig {
  std::string name;
  std::string ns = "default";  // `namespace`
  std::optional<RetryPolicy> retry;
  std::uint64_t max_workers = 1;
  TokenBucketConfig bucket;  // capacity, tokens, fillInterval

  friend bool operator==(const QueueConfig&, const QueueConfig&) = default;
};

struct InstrumentConfig {
  std::string address;
  std::string topic;  // `stopic`
  std::string collect;
  std::string location;

  friend bool operator==(const InstrumentConfig&, const InstrumentConfig&) = default;
};

struct QueueServiceConfig {
  std::string db;
  std::vector<QueueConfig> queues;  // file order, names unique
  std::optional<InstrumentConfig> instrument;

  friend bool operator==(const QueueServiceConfig&, const QueueServiceConfig&) = default;
};

// Parses the YAML `text`; `file` names it in diagnostics.
Result<QueueServiceConfig> parse_queue_config(std::string_view text, std::string_view file);
// Reads and parses the file at `path`; an unreadable file is a diagnostic too.
Result<QueueServiceConfig> load_queue_config(const std::string& path);

}  // namespace c12s::model
