// LogStore: the Log service's records of what tasks did (thesis 5.2.5): by task id, the full
// trace of one mutation; by labels, the parts of all traces a selector picks.
//
// Records are appended, never changed, and numbered in append order (a number is never
// reused, even after trim()). by_task() gives a task's records oldest first, to read as a
// story; list() gives the newest first, what a person looking at logs wants to see first,
// stopping after `limit`. Retention is by count: trim() keeps the newest records.
//
// Not here: what is logged (the services decide), a task id's existence (logs may arrive
// before or after the task's row, or live in another file), and reading a clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "c12s/model/labels.h"
#include "c12s/model/match.h"
#include "c12s/model/selector.h"
#include "c12s/store/database.h"
#include "c12s/store/status.h"
#include "c12s/store/time_point.h"

namespace c12s::store {

enum class LogLevel { kDebug, kInfo, kWarning, kError };
const char* log_level_name(LogLevel level);  // "debug", "info", "warning", "error"

struct LogRecord {
  std::int64_t seq = 0;  // set by append(): 1, 2, 3, ... in append order
  std::string task;
  Time at;
  LogLevel level = LogLevel::kInfo;
  model::Labels labels;
  std::string message;

  friend bool operator==(const LogRecord&, const LogRecord&) = default;
};

class LogStore {
 public:
  // Creates or upgrades the log's tables in `db`, which must outlive the store.
  static Status open(Database* db, std::unique_ptr<LogStore>* out);

  // Appends `record` (its seq is ignored); *seq (if given) gets the number it was given.
  Status append(const LogRecord& record, std::int64_t* seq = nullptr);

  // The records of task `task`, oldest first; none is not an error.
  Status by_task(std::string_view task, std::vector<LogRecord>* out);

  // At most `limit` records whose labels the selector matches, newest first. Logs are asked
  // for by the labels they contain (5.2.5), so kSubset is the usual mode.
  Status list(const model::Selector& selector, model::MatchMode mode, std::size_t limit,
              std::vector<LogRecord>* out);

  // Deletes all but the newest `keep` records; *removed (if given) gets how many went.
  Status trim(std::size_t keep, std::size_t* removed = nullptr);

 private:
  explicit LogStore(Database* db) : db_(db) {}

  Database* db_;
};

}  // namespace c12s::store
