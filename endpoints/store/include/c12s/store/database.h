// Database: one SQLite file, opened for durable writes, with versioned schemas.
//
// What it does. open() creates the file if needed and sets it up so that a write whose call
// returned ok is durable:
//   - journal_mode=WAL: a commit appends to the write-ahead log; readers are not blocked;
//   - synchronous=FULL: every commit fsyncs the log before returning, so a committed write
//     survives the process being killed at any point, and a power loss as far as the disk
//     honours fsync (a disk that acknowledges writes it only cached defeats any database);
//   - foreign_keys=ON: child rows go with their parent (ON DELETE CASCADE), never orphaned;
//   - a busy timeout: another process holding the write lock is waited for, not failed on;
//   - mode 0600 for the file and its -wal and -shm files (private_files.h): a file of ours
//     from before that group or others could read is tightened.
// Schemas are versioned per component (the node registry, the state, the tasks, the logs may
// share one file or have one each): migrate() applies a component's pending migrations in
// order, all in one transaction with the version bump, so a schema is never half-upgraded.
// transaction() runs a function and commits if it returned ok, rolls back otherwise; it nests
// (a savepoint inside an outer transaction), so stores sharing a file can be changed together.
//
// What it does not do. No ORM: stores write their SQL. No threads: a Database and its
// Statements are used from one thread at a time (other processes may open the same file).
// No exceptions: every failure is a Status that names the file and gives SQLite's message; a
// file that is not a database, or cannot be created, is an error from open(), never a crash.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "c12s/store/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace c12s::store {

class Database;

// A prepared statement, finalized when it goes out of scope; it must not outlive its Database.
// Parameters are 1-based, columns 0-based, as in SQLite. A bind error is kept and returned by
// the next step() or run().
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind_int(int index, std::int64_t value);
  Statement& bind_double(int index, double value);
  Statement& bind_text(int index, std::string_view value);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);

  // Runs to the next row: *has_row is true if a row can be read, false when done.
  Status step(bool* has_row);
  // Runs to the end, ignoring any rows.
  Status run();
  // Rewinds to run again; bindings are kept until rebound.
  void reset();

  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;  // NULL reads as ""
  std::string column_blob(int column) const;
  bool column_is_null(int column) const;

 private:
  friend class Database;
  Statement(const Database* database, sqlite3_stmt* handle) : database_(database), handle_(handle) {}
  void keep_bind_error(int result);

  const Database* database_ = nullptr;
  sqlite3_stmt* handle_ = nullptr;
  Status bind_error_;
};

struct DatabaseOptions {
  // How long to wait for another connection's write lock before failing with "database is
  // locked".
  std::chrono::milliseconds busy_timeout{5000};
};

class Database {
 public:
  // Opens the file at `path`, creating it (not its directory) if it does not exist.
  static Status open(const std::string& path, const DatabaseOptions& options, std::unique_ptr<Database>* out);
  static Status open(const std::string& path, std::unique_ptr<Database>* out);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }

  // Runs one or more statements that return no rows (DDL, pragmas, fixed updates).
  Status execute(std::string_view sql);
  Status prepare(std::string_view sql, Statement* out);

  // Runs `body` in a transaction: commits if it returns ok, rolls back and returns its status
  // otherwise. At the outermost level the write lock is taken at the start (BEGIN IMMEDIATE),
  // so two writers never deadlock upgrading; nested calls use savepoints.
  Status transaction(const std::function<Status()>& body);
  bool in_transaction() const;

  // Group commit, for soft state: begin() opens a transaction (BEGIN IMMEDIATE) that later
  // writes join, their transaction()s becoming savepoints, until commit() writes them all at
  // once. None of them is in the file before commit(), and commit() does not wait for the disk
  // (synchronous=NORMAL for it, FULL again after): the group survives the process being killed,
  // but a power loss only once the log is next synced, by the next commit of a transaction()
  // (which syncs the log up to itself, the group included) or a checkpoint. begin() does
  // nothing when a transaction is open, commit() nothing when none is; a failed commit rolls the
  // group back.
  Status begin();
  Status commit();

  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const;

  // Brings `component`'s schema from its stored version (0 when new) to migrations.size():
  // migration i takes version i to i + 1. A stored version above migrations.size() was written
  // by a newer program and is refused, changing nothing.
  Status migrate(std::string_view component, const std::vector<std::string_view>& migrations);
  // The stored schema version of `component`, 0 if it has none.
  Status schema_version(std::string_view component, int* version);

 private:
  friend class Statement;
  Database(std::string path, sqlite3* handle) : path_(std::move(path)), handle_(handle) {}
  Status configure(const DatabaseOptions& options);
  Status pragma_text(std::string_view sql, std::string* value);
  // A Status for SQLite's result code `result`, with the connection's message.
  Status error(int result, std::string_view doing) const;

  std::string path_;
  sqlite3* handle_;
};

}  // namespace c12s::store
