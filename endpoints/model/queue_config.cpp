// The queue service configuration parser, on the same reader as the topology parser.
#include "c12s/model/queue_config.h"

#include "c12s/model/quote.h"
#include "yaml_reader.h"

namespace c12s::model {
namespace {

using yaml::Entry;
using yaml::Reader;

std::optional<RetryPolicy> read_retry(Reader& reader, const Entry& entry, const std::string& queue) {
  const std::string what = "'retry' of " + queue;
  const std::optional<std::vector<Entry>> entries = reader.map(entry, what, "a map");
  if (!entries) return std::nullopt;
  reader.reject_unknown(*entries, what, {"delay", "doubling", "limit"});
  RetryPolicy retry;
  if (const Entry* delay = reader.require(*entries, entry, what, "delay")) {
    if (std::optional<std::string> text = reader.text(*delay)) {
      if (*text == "linear") {
        retry.delay = RetryDelay::kLinear;
      } else if (*text == "exp") {
        retry.delay = RetryDelay::kExponential;
      } else {
        reader.error(reader.value_place(*delay), "'delay' must be 'linear' or 'exp', not " + quote(*text));
      }
    }
  }
  if (const Entry* doubling = reader.require(*entries, entry, what, "doubling")) {
    if (std::optional<std::uint64_t> n = reader.count(*doubling, 1)) retry.doubling = *n;
  }
  if (const Entry* limit = reader.require(*entries, entry, what, "limit")) {
    if (std::optional<std::uint64_t> n = reader.count(*limit, 1)) retry.limit = *n;
  }
  return retry;
}

void read_fill_interval(Reader& reader, const Entry& entry, const std::string& queue,
                        TokenBucketConfig& bucket) {
  const std::string what = "'fillInterval' of " + queue;
  const std::optional<std::vector<Entry>> entries = reader.map(entry, what, "a map");
  if (!entries) return;
  reader.reject_unknown(*entries, what, {"interval", "rate"});
  std::optional<std::uint64_t> interval;
  if (const Entry* e = reader.require(*entries, entry, what, "interval")) interval = reader.count(*e, 1);
  std::optional<std::chrono::milliseconds> unit;
  if (const Entry* rate = reader.require(*entries, entry, what, "rate")) {
    if (std::optional<std::string> text = reader.text(*rate)) {
      if (*text == "ms") {
        unit = std::chrono::milliseconds(1);
      } else if (*text == "s") {
        unit = std::chrono::seconds(1);
      } else if (*text == "m") {
        unit = std::chrono::minutes(1);
      } else if (*text == "h") {
        unit = std::chrono::hours(1);
      } else {
        reader.error(reader.value_place(*rate),
                     "'rate' must be one of 'ms', 's', 'm', 'h', not " + quote(*text));
      }
    }
  }
  if (!interval || !unit) return;
  // An interval beyond a thousand years is a mistake, and would overflow the arithmetic.
  constexpr std::uint64_t kMaxMilliseconds = std::uint64_t{1000} * 365 * 24 * 3600 * 1000;
  const auto per_unit = static_cast<std::uint64_t>(unit->count());
  if (*interval > kMaxMilliseconds / per_unit) {
    reader.error(reader.key_place(entry), what + " is longer than a thousand years");
    return;
  }
  bucket.fill_interval = std::chrono::milliseconds(static_cast<std::int64_t>(*interval * per_unit));
}

QueueConfig read_queue(Reader& reader, const Entry& entry) {
  QueueConfig queue;
  queue.name = entry.key;
  const std::string what = "queue " + quote(entry.key);
  if (!is_name(entry.key)) {
    reader.error(reader.key_place(entry),
                 "queue name " + quote(entry.key) + " is not a name of " + std::string(kNameRule));
  }
  const std::optional<std::vector<Entry>> entries = reader.map(entry, what, "a map");
  if (!entries) return queue;
  reader.reject_unknown(*entries, what,
                        {"namespace", "retry", "maxWorkers", "capacity", "tokens", "fillInterval"});
  if (const Entry* ns = Reader::find(*entries, "namespace")) {
    if (std::optional<std::string> name = reader.name(*ns)) queue.ns = *name;
  }
  if (const Entry* retry = Reader::find(*entries, "retry")) queue.retry = read_retry(reader, *retry, what);
  if (const Entry* workers = Reader::find(*entries, "maxWorkers")) {
    if (std::optional<std::uint64_t> n = reader.count(*workers, 1)) queue.max_workers = *n;
  }
  std::optional<std::uint64_t> capacity;
  if (const Entry* e = reader.require(*entries, entry, what, "capacity")) capacity = reader.count(*e, 1);
  if (capacity) queue.bucket.capacity = *capacity;
  const Entry* tokens = Reader::find(*entries, "tokens");
  if (tokens != nullptr) {
    if (std::optional<std::uint64_t> n = reader.count(*tokens, 0)) {
      if (capacity && *n > *capacity) {
        reader.error(reader.value_place(*tokens), "'tokens' of " + what + " is " + std::to_string(*n) +
                                                      ", more than its capacity " +
                                                      std::to_string(*capacity));
      }
      queue.bucket.tokens = *n;
    }
  }
  if (const Entry* fill = reader.require(*entries, entry, what, "fillInterval")) {
    read_fill_interval(reader, *fill, what, queue.bucket);
  }
  return queue;
}

std::optional<InstrumentConfig> read_instrument(Reader& reader, const Entry& entry) {
  const std::string what = "'instrument'";
  const std::optional<std::vector<Entry>> entries = reader.map(entry, what, "a map");
  if (!entries) return std::nullopt;
  reader.reject_unknown(*entries, what, {"address", "stopic", "collect", "location"});
  InstrumentConfig out;
  const std::pair<const char*, std::string*> fields[] = {{"address", &out.address},
                                                         {"stopic", &out.topic},
                                                         {"collect", &out.collect},
                                                         {"location", &out.location}};
  for (const auto& [key, field] : fields) {
    if (const Entry* e = reader.require(*entries, entry, what, key)) {
      if (std::optional<std::string> text = reader.text(*e)) *field = *text;
    }
  }
  return out;
}

void read_blackhole(Reader& reader, const Entry& entry, QueueServiceConfig& out) {
  const std::string what = "'blackhole'";
  const std::optional<std::vector<Entry>> entries = reader.map(entry, what, "a map");
  if (!entries) return;
  reader.reject_unknown(*entries, what, {"db", "queue", "instrument"});
  if (const Entry* db = reader.require(*entries, entry, what, "db")) {
    if (std::optional<std::string> text = reader.text(*db)) out.db = *text;
  }
  if (const Entry* queues = reader.require(*entries, entry, what, "queue")) {
    if (const std::optional<std::vector<Entry>> list = reader.map(*queues, "'queue'", "a map of queues")) {
      if (list->empty()) reader.error(reader.value_place(*queues), "'queue' has no queues");
      for (const Entry& queue : *list) out.queues.push_back(read_queue(reader, queue));
    }
  }
  if (const Entry* instrument = Reader::find(*entries, "instrument")) {
    out.instrument = read_instrument(reader, *instrument);
  }
}

}  // namespace

Result<QueueServiceConfig> parse_queue_config(std::string_view text, std::string_view file) {
  Reader reader(file, text);
  const std::optional<Entry> document = reader.load();
  if (!document) return reader.finish();
  QueueServiceConfig config;
  if (const std::optional<std::vector<Entry>> top =
          reader.map(*document, "the file", "a map with the key 'blackhole'")) {
    reader.reject_unknown(*top, "the file", {"blackhole"});
    if (const Entry* blackhole = reader.require(*top, *document, "the file", "blackhole")) {
      read_blackhole(reader, *blackhole, config);
    }
  }
  if (reader.has_errors()) return reader.finish();
  return config;
}

Result<QueueServiceConfig> load_queue_config(const std::string& path) {
  return yaml::load_file<QueueServiceConfig>(path, parse_queue_config);
}

}  // namespace c12s::model
