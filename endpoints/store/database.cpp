// Database and Statement over SQLite's C API. See database.h for the guarantees; this file
// holds how they are obtained and how SQLite's result codes become Statuses.
#include "c12s/store/database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <exception>
#include <limits>

#include "c12s/store/private_files.h"

namespace c12s::store {
namespace {

// SQLite's primary result code (the low byte of an extended one) decides the Status code: the
// file is not a database or its pages are damaged -> corruption, anything else -> storage.
Status sqlite_status(int result, const std::string& path, std::string_view doing, std::string_view message) {
  std::string text = path + ": ";
  if (!doing.empty()) text += std::string(doing) + ": ";
  text += message;
  const int primary = result & 0xff;
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) return Status::corruption(std::move(text));
  return Status::storage(std::move(text));
}

// SQLite takes lengths as int; texts and blobs longer than that are refused, not truncated.
bool fits_int(std::string_view bytes) {
  return bytes.size() <= static_cast<std::size_t>(std::numeric_limits<int>::max());
}

// The database and its -wal and -shm files are their owner's alone (private_files.h): a new
// file is created 0600 before SQLite opens it, and SQLite gives the -wal and -shm files it
// creates the database's mode; files left by an earlier run are tightened. Whatever fails here
// (a missing folder, a directory) SQLite meets next, and reports. In-memory databases, and
// URIs, have no file of that name.
void make_files_private(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string file = path + suffix;
    // O_NONBLOCK: a FIFO in the database's place must not hang the open.
    const int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (*suffix == '\0' ? O_CREAT : 0);
    const int fd = open(file.c_str(), flags, 0600);
    if (fd < 0) continue;
    make_private(fd);
    close(fd);
  }
}

constexpr const char* kSchemaVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "  component TEXT PRIMARY KEY,"
    "  version INTEGER NOT NULL CHECK (version >= 0)"
    ") STRICT";

}  // namespace

// ---- Statement ----

Statement::~Statement() { sqlite3_finalize(handle_); }

Statement::Statement(Statement&& other) noexcept
    : database_(other.database_), handle_(other.handle_), bind_error_(std::move(other.bind_error_)) {
  other.handle_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(handle_);
    database_ = other.database_;
    handle_ = other.handle_;
    bind_error_ = std::move(other.bind_error_);
    other.handle_ = nullptr;
  }
  return *this;
}

void Statement::keep_bind_error(int result) {
  if (result == SQLITE_OK || !bind_error_.ok()) return;
  bind_error_ = sqlite_status(result, database_->path_, "binding a parameter", sqlite3_errstr(result));
}

Statement& Statement::bind_int(int index, std::int64_t value) {
  keep_bind_error(sqlite3_bind_int64(handle_, index, value));
  return *this;
}

Statement& Statement::bind_double(int index, double value) {
  keep_bind_error(sqlite3_bind_double(handle_, index, value));
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view value) {
  if (!fits_int(value)) {
    keep_bind_error(SQLITE_TOOBIG);
  } else {
    // A null pointer would bind NULL: an empty view (std::string_view{}) is still text.
    const char* text = value.data() != nullptr ? value.data() : "";
    keep_bind_error(
        sqlite3_bind_text(handle_, index, text, static_cast<int>(value.size()), SQLITE_TRANSIENT));
  }
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  if (!fits_int(bytes)) {
    keep_bind_error(SQLITE_TOOBIG);
  } else {
    // A zero-length blob with a null pointer would bind NULL; zeroblob keeps it a blob.
    keep_bind_error(bytes.empty() ? sqlite3_bind_zeroblob(handle_, index, 0)
                                  : sqlite3_bind_blob(handle_, index, bytes.data(),
                                                      static_cast<int>(bytes.size()), SQLITE_TRANSIENT));
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  keep_bind_error(sqlite3_bind_null(handle_, index));
  return *this;
}

Status Statement::step(bool* has_row) {
  *has_row = false;
  if (!bind_error_.ok()) return bind_error_;
  const int result = sqlite3_step(handle_);
  if (result == SQLITE_ROW) {
    *has_row = true;
    return Status::success();
  }
  if (result == SQLITE_DONE) return Status::success();
  Status failed = database_->error(result, "");
  sqlite3_reset(handle_);  // so that a later reset() or finalize does not report it again
  return failed;
}

Status Statement::run() {
  bool has_row = true;
  while (has_row) {
    Status s = step(&has_row);
    if (!s.ok()) return s;
  }
  return Status::success();
}

void Statement::reset() { sqlite3_reset(handle_); }

std::int64_t Statement::column_int(int column) const { return sqlite3_column_int64(handle_, column); }

double Statement::column_double(int column) const { return sqlite3_column_double(handle_, column); }

std::string Statement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(handle_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(handle_, column)));
}

std::string Statement::column_blob(int column) const {
  const void* bytes = sqlite3_column_blob(handle_, column);
  if (bytes == nullptr) return std::string();
  return std::string(static_cast<const char*>(bytes),
                     static_cast<std::size_t>(sqlite3_column_bytes(handle_, column)));
}

bool Statement::column_is_null(int column) const {
  return sqlite3_column_type(handle_, column) == SQLITE_NULL;
}

// ---- Database ----

Status Database::open(const std::string& path, std::unique_ptr<Database>* out) {
  return open(path, DatabaseOptions{}, out);
}

Status Database::open(const std::string& path, const DatabaseOptions& options,
                      std::unique_ptr<Database>* out) {
  out->reset();
  make_files_private(path);
  sqlite3* handle = nullptr;
  const int result =
      sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (result != SQLITE_OK) {
    // SQLite hands back a handle even on failure, to read the message from; it must be closed.
    Status failed = sqlite_status(result, path, "cannot open",
                                  handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(result));
    sqlite3_close(handle);
    return failed;
  }
  std::unique_ptr<Database> database(new Database(path, handle));
  Status configured = database->configure(options);
  if (!configured.ok()) return configured;
  *out = std::move(database);
  return Status::success();
}

Database::~Database() {
  // Statements are finalized by their owners before this (they must not outlive the
  // Database); sqlite3_close_v2 would defer the close if one were left.
  sqlite3_close_v2(handle_);
}

Status Database::configure(const DatabaseOptions& options) {
  sqlite3_extended_result_codes(handle_, 1);
  // First, so that even the first read waits for another process recovering or checkpointing.
  sqlite3_busy_timeout(handle_, static_cast<int>(options.busy_timeout.count()));
  // SQLite opens files lazily: reading the schema is the first touch, and where a file of
  // garbage or a directory is found out.
  const int probe = sqlite3_exec(handle_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
  if (probe != SQLITE_OK) return error(probe, "cannot read the database");
  if (sqlite3_db_readonly(handle_, "main") == 1) {
    return Status::storage(path_ + ": cannot write the database: the file is read-only");
  }

  std::string mode;
  Status s = pragma_text("PRAGMA journal_mode=WAL", &mode);
  if (!s.ok()) return s;
  if (mode != "wal") {
    return Status::storage(path_ + ": cannot use write-ahead logging: journal mode stays '" + mode + "'");
  }
  s = execute("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON");
  if (!s.ok()) return s;
  std::string synchronous;
  std::string foreign_keys;
  s = pragma_text("PRAGMA synchronous", &synchronous);
  if (s.ok()) s = pragma_text("PRAGMA foreign_keys", &foreign_keys);
  if (!s.ok()) return s;
  if (synchronous != "2" || foreign_keys != "1") {  // FULL is 2
    return Status::storage(path_ + ": cannot set synchronous=FULL and foreign_keys=ON (got " + synchronous +
                           " and " + foreign_keys + ")");
  }
  return Status::success();
}

Status Database::pragma_text(std::string_view sql, std::string* value) {
  Statement statement;
  Status s = prepare(sql, &statement);
  bool has_row = false;
  if (s.ok()) s = statement.step(&has_row);
  if (!s.ok()) return s;
  *value = has_row ? statement.column_text(0) : std::string();
  return Status::success();
}

Status Database::error(int result, std::string_view doing) const {
  return sqlite_status(result, path_, doing, sqlite3_errmsg(handle_));
}

Status Database::execute(std::string_view sql) {
  const int result = sqlite3_exec(handle_, std::string(sql).c_str(), nullptr, nullptr, nullptr);
  if (result != SQLITE_OK) return error(result, "");
  return Status::success();
}

Status Database::prepare(std::string_view sql, Statement* out) {
  *out = Statement();
  if (!fits_int(sql))
    return sqlite_status(SQLITE_TOOBIG, path_, "preparing a statement", sqlite3_errstr(SQLITE_TOOBIG));
  sqlite3_stmt* handle = nullptr;
  const int result = sqlite3_prepare_v2(handle_, sql.data(), static_cast<int>(sql.size()), &handle, nullptr);
  if (result != SQLITE_OK) {
    sqlite3_finalize(handle);
    return error(result, "");
  }
  if (handle == nullptr) return Status::storage(path_ + ": an empty statement: '" + std::string(sql) + "'");
  *out = Statement(this, handle);
  return Status::success();
}

bool Database::in_transaction() const { return sqlite3_get_autocommit(handle_) == 0; }

std::int64_t Database::changes() const { return sqlite3_changes64(handle_); }

Status Database::transaction(const std::function<Status()>& body) {
  const bool outermost = !in_transaction();
  Status s = execute(outermost ? "BEGIN IMMEDIATE" : "SAVEPOINT c12s_nested");
  if (!s.ok()) return s;
  try {
    s = body();
  } catch (const std::exception& e) {  // the store does not throw; this keeps a bug from leaking
    s = Status::storage(path_ + ": transaction abandoned: " + e.what());
  }
  if (s.ok()) {
    s = execute(outermost ? "COMMIT" : "RELEASE c12s_nested");
    if (s.ok()) return s;
  }
  // Some errors (a full disk, an I/O error) make SQLite roll the whole transaction back by
  // itself; then there is nothing left to undo and the statements below fail harmlessly.
  if (outermost) {
    if (in_transaction()) (void)execute("ROLLBACK");
  } else {
    (void)execute("ROLLBACK TO c12s_nested; RELEASE c12s_nested");
  }
  return s;
}

// SQLite refuses to change `synchronous` inside a transaction: it is set around the group.
Status Database::begin() {
  if (in_transaction()) return Status::success();
  Status s = execute("PRAGMA synchronous=NORMAL");
  if (s.ok()) s = execute("BEGIN IMMEDIATE");
  if (!s.ok()) (void)execute("PRAGMA synchronous=FULL");
  return s;
}

Status Database::commit() {
  if (!in_transaction()) return Status::success();
  Status s = execute("COMMIT");
  if (!s.ok() && in_transaction()) (void)execute("ROLLBACK");
  Status full = execute("PRAGMA synchronous=FULL");  // every other commit waits for the disk
  return s.ok() ? full : s;
}

Status Database::schema_version(std::string_view component, int* version) {
  *version = 0;
  Status s = execute(kSchemaVersionTable);
  Statement read;
  if (s.ok()) s = prepare("SELECT version FROM schema_version WHERE component = ?1", &read);
  if (!s.ok()) return s;
  read.bind_text(1, component);
  bool has_row = false;
  s = read.step(&has_row);
  if (s.ok() && has_row) *version = static_cast<int>(read.column_int(0));
  return s;
}

Status Database::migrate(std::string_view component, const std::vector<std::string_view>& migrations) {
  return transaction([&]() -> Status {
    int version = 0;
    Status s = schema_version(component, &version);
    if (!s.ok()) return s;
    const int known = static_cast<int>(migrations.size());
    if (version > known) {
      return Status::rejected(path_ + ": the schema of '" + std::string(component) + "' is at version " +
                              std::to_string(version) + ", newer than the " + std::to_string(known) +
                              " this program knows; refusing to use it");
    }
    if (version == known) return Status::success();
    for (int i = version; i < known; ++i) {
      s = execute(migrations[static_cast<std::size_t>(i)]);
      if (!s.ok()) {
        return Status::storage("migration " + std::to_string(i + 1) + " of '" + std::string(component) +
                               "' failed: " + s.message());
      }
    }
    Statement write;
    s = prepare(
        "INSERT INTO schema_version (component, version) VALUES (?1, ?2)"
        " ON CONFLICT (component) DO UPDATE SET version = excluded.version",
        &write);
    if (!s.ok()) return s;
    write.bind_text(1, component).bind_int(2, known);
    return write.run();
  });
}

}  // namespace c12s::store
