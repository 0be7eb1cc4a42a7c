// Log records over two tables: logs (seq INTEGER PRIMARY KEY AUTOINCREMENT, so a number is
// never handed out twice, even after the newest record was trimmed) and log_labels. Reading
// joins them ordered by seq and groups a record's label rows; list() filters in C++ with
// model::matches, because rule 4.10 compares quantities, which SQL does not know, and stops
// reading once it has `limit` records.
#include "c12s/store/log_store.h"

#include <algorithm>
#include <limits>

namespace c12s::store {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"sql(
CREATE TABLE logs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  task TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warning', 'error')),
  message TEXT NOT NULL
) STRICT;
CREATE INDEX logs_by_task ON logs (task, seq);
CREATE TABLE log_labels (
  seq INTEGER NOT NULL REFERENCES logs (seq) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (seq, key)
) STRICT, WITHOUT ROWID;
)sql",
};

LogLevel level_from_text(const std::string& text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "warning") return LogLevel::kWarning;
  if (text == "error") return LogLevel::kError;
  return LogLevel::kInfo;  // the CHECK constraint allows nothing else
}

// Reads records from `read`, whose rows are (seq, task, at_ms, level, message, key, value),
// one per label (key NULL for a record without labels), grouped by seq. `keep` decides if a
// finished record is kept; reading stops when it returns false as its second answer.
template <typename Keep>
Status read_records(Statement& read, Keep keep) {
  LogRecord record;
  bool have = false;
  for (bool row = true;;) {
    Status s = read.step(&row);
    if (!s.ok()) return s;
    if (!row || !have || read.column_int(0) != record.seq) {
      if (have && !keep(std::move(record))) return Status::success();
      if (!row) return Status::success();
      record = LogRecord{read.column_int(0),
                         read.column_text(1),
                         from_millis(read.column_int(2)),
                         level_from_text(read.column_text(3)),
                         {},
                         read.column_text(4)};
      have = true;
    }
    if (!read.column_is_null(5)) record.labels[read.column_text(5)] = read.column_text(6);
  }
}

constexpr const char* kSelect =
    "SELECT l.seq, l.task, l.at_ms, l.level, l.message, k.key, k.value"
    " FROM logs l LEFT JOIN log_labels k ON k.seq = l.seq ";

}  // namespace

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

Status LogStore::open(Database* db, std::unique_ptr<LogStore>* out) {
  out->reset();
  Status s = db->migrate("logs", kMigrations);
  if (!s.ok()) return s;
  out->reset(new LogStore(db));
  return Status::success();
}

Status LogStore::append(const LogRecord& record, std::int64_t* seq) {
  std::int64_t given = 0;
  Status s = db_->transaction([&]() -> Status {
    Statement insert;
    Status s = db_->prepare(
        "INSERT INTO logs (task, at_ms, level, message) VALUES (?1, ?2, ?3, ?4) RETURNING seq", &insert);
    if (!s.ok()) return s;
    insert.bind_text(1, record.task)
        .bind_int(2, to_millis(record.at))
        .bind_text(3, log_level_name(record.level));
    insert.bind_text(4, record.message);
    bool row = false;
    s = insert.step(&row);
    if (!s.ok()) return s;
    if (row) given = insert.column_int(0);
    s = insert.run();  // RETURNING completes the insert when the statement finishes
    if (!s.ok()) return s;
    Statement label;
    s = db_->prepare("INSERT INTO log_labels (seq, key, value) VALUES (?1, ?2, ?3)", &label);
    if (!s.ok()) return s;
    for (const auto& [key, value] : record.labels) {
      label.reset();
      label.bind_int(1, given).bind_text(2, key).bind_text(3, value);
      s = label.run();
      if (!s.ok()) return s;
    }
    return Status::success();
  });
  if (s.ok() && seq != nullptr) *seq = given;
  return s;
}

Status LogStore::by_task(std::string_view task, std::vector<LogRecord>* out) {
  std::vector<LogRecord> records;
  Statement read;
  Status s = db_->prepare(std::string(kSelect) + "WHERE l.task = ?1 ORDER BY l.seq, k.key", &read);
  if (!s.ok()) return s;
  read.bind_text(1, task);
  s = read_records(read, [&](LogRecord record) {
    records.push_back(std::move(record));
    return true;
  });
  if (s.ok()) *out = std::move(records);
  return s;
}

Status LogStore::list(const model::Selector& selector, model::MatchMode mode, std::size_t limit,
                      std::vector<LogRecord>* out) {
  std::vector<LogRecord> records;
  if (limit > 0) {
    Statement read;
    Status s = db_->prepare(std::string(kSelect) + "ORDER BY l.seq DESC, k.key", &read);
    if (!s.ok()) return s;
    s = read_records(read, [&](LogRecord record) {
      if (model::matches(selector, record.labels, mode)) records.push_back(std::move(record));
      return records.size() < limit;
    });
    if (!s.ok()) return s;
  }
  *out = std::move(records);
  return Status::success();
}

Status LogStore::trim(std::size_t keep, std::size_t* removed) {
  const auto kept =
      static_cast<std::int64_t>(std::min<std::size_t>(keep, std::numeric_limits<std::int64_t>::max()));
  Statement erase;
  Status s = db_->prepare(
      "DELETE FROM logs WHERE seq <= (SELECT seq FROM logs ORDER BY seq DESC LIMIT 1 OFFSET ?1)", &erase);
  if (!s.ok()) return s;
  erase.bind_int(1, kept);
  s = erase.run();
  if (s.ok() && removed != nullptr) *removed = static_cast<std::size_t>(db_->changes());
  return s;
}

}  // namespace c12s::store
