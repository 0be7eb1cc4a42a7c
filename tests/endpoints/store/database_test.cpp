// Database: the durable settings, files that are not databases, migrations, transactions
// and statements, each failure with its message.
#include "c12s/store/database.h"

#include <gtest/gtest.h>

#include <fstream>

#include "store_test.h"

namespace c12s::store {
namespace {

using testing::IsOk;
using testing::TempDir;

std::string pragma(Database& db, const std::string& name) {
  Statement read;
  EXPECT_TRUE(IsOk(db.prepare("PRAGMA " + name, &read)));
  bool row = false;
  EXPECT_TRUE(IsOk(read.step(&row)));
  return row ? read.column_text(0) : "";
}

std::int64_t count(Database& db, const std::string& sql) {
  Statement read;
  EXPECT_TRUE(IsOk(db.prepare(sql, &read)));
  bool row = false;
  EXPECT_TRUE(IsOk(read.step(&row)));
  return row ? read.column_int(0) : -1;
}

TEST(Database, CreatesTheFileWithDurableSettings) {
  TempDir dir;
  std::unique_ptr<Database> db = testing::open_database(dir.file("a.db"));
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->path(), dir.file("a.db"));
  EXPECT_TRUE(std::filesystem::exists(dir.file("a.db")));
  EXPECT_EQ(pragma(*db, "journal_mode"), "wal");
  EXPECT_EQ(pragma(*db, "synchronous"), "2");  // FULL
  EXPECT_EQ(pragma(*db, "foreign_keys"), "1");
  EXPECT_EQ(pragma(*db, "busy_timeout"), "5000");
}

TEST(Database, AFileOfGarbageIsAClearError) {
  TempDir dir;
  const std::string path = dir.file("garbage.db");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>((i * 7919) % 251));
  }
  std::unique_ptr<Database> db;
  const Status s = Database::open(path, &db);
  EXPECT_EQ(s.code(), gtype::StatusCode::kCorruption);
  EXPECT_EQ(s.message(), path + ": cannot read the database: file is not a database");
  EXPECT_EQ(db, nullptr);
}

TEST(Database, AFileInAMissingDirectoryIsAClearError) {
  TempDir dir;
  const std::string path = dir.file("no/such/dir/a.db");
  std::unique_ptr<Database> db;
  const Status s = Database::open(path, &db);
  EXPECT_EQ(s.code(), gtype::StatusCode::kStorage);
  EXPECT_EQ(s.message(), path + ": cannot open: unable to open database file");
  EXPECT_EQ(db, nullptr);
}

TEST(Database, ADirectoryIsNotADatabase) {
  TempDir dir;
  std::unique_ptr<Database> db;
  const Status s = Database::open(dir.path(), &db);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), dir.path() + ": cannot open: unable to open database file");
  EXPECT_EQ(db, nullptr);
}

TEST(Database, MigrationsRunInOrderOnceEach) {
  TempDir dir;
  const std::string path = dir.file("m.db");
  const std::string_view first = "CREATE TABLE a (x INTEGER)";
  const std::string_view second = "INSERT INTO a VALUES (1); CREATE TABLE b (y INTEGER)";
  {
    auto db = testing::open_database(path);
    int version = -1;
    ASSERT_TRUE(IsOk(db->schema_version("c", &version)));
    EXPECT_EQ(version, 0);
    ASSERT_TRUE(IsOk(db->migrate("c", {first})));
    ASSERT_TRUE(IsOk(db->migrate("c", {first})));  // nothing to do: CREATE TABLE a is not run twice
    ASSERT_TRUE(IsOk(db->schema_version("c", &version)));
    EXPECT_EQ(version, 1);
  }
  auto db = testing::open_database(path);  // the version is stored with the schema
  ASSERT_TRUE(IsOk(db->migrate("c", {first, second})));
  ASSERT_TRUE(IsOk(db->migrate("c", {first, second})));
  int version = -1;
  ASSERT_TRUE(IsOk(db->schema_version("c", &version)));
  EXPECT_EQ(version, 2);
  EXPECT_EQ(count(*db, "SELECT count(*) FROM a"), 1);
  EXPECT_EQ(count(*db, "SELECT count(*) FROM b"), 0);
  ASSERT_TRUE(IsOk(db->schema_version("other", &version)));  // components are independent
  EXPECT_EQ(version, 0);
}

TEST(Database, ASchemaNewerThanTheProgramIsRefused) {
  TempDir dir;
  auto db = testing::open_database(dir.file("m.db"));
  ASSERT_TRUE(IsOk(db->migrate("c", {"CREATE TABLE a (x)", "CREATE TABLE b (y)"})));
  const Status s = db->migrate("c", {"CREATE TABLE a (x)"});
  EXPECT_EQ(s.code(), gtype::StatusCode::kRejected);
  EXPECT_EQ(s.message(),
            db->path() +
                ": the schema of 'c' is at version 2, newer than the 1 this program knows; refusing "
                "to use it");
}

TEST(Database, AFailedMigrationChangesNothing) {
  TempDir dir;
  auto db = testing::open_database(dir.file("m.db"));
  const Status s = db->migrate("c", {"CREATE TABLE a (x)", "CREATE TABLE NONSENSE NONSENSE"});
  EXPECT_EQ(s.code(), gtype::StatusCode::kStorage);
  EXPECT_EQ(s.message(), "migration 2 of 'c' failed: " + db->path() + ": near \"NONSENSE\": syntax error");
  int version = -1;
  ASSERT_TRUE(IsOk(db->schema_version("c", &version)));
  EXPECT_EQ(version, 0);
  EXPECT_EQ(count(*db, "SELECT count(*) FROM sqlite_schema WHERE name = 'a'"), 0);
}

TEST(Database, TransactionCommitsWhenTheBodySucceedsAndRollsBackOtherwise) {
  TempDir dir;
  auto db = testing::open_database(dir.file("t.db"));
  ASSERT_TRUE(IsOk(db->execute("CREATE TABLE t (x INTEGER)")));
  ASSERT_TRUE(IsOk(db->transaction([&] {
    EXPECT_TRUE(db->in_transaction());
    return db->execute("INSERT INTO t VALUES (1)");
  })));
  EXPECT_FALSE(db->in_transaction());
  const Status s = db->transaction([&]() -> Status {
    EXPECT_TRUE(IsOk(db->execute("INSERT INTO t VALUES (2)")));
    return Status::rejected("changed my mind");
  });
  EXPECT_EQ(s.code(), gtype::StatusCode::kRejected);
  EXPECT_EQ(s.message(), "changed my mind");
  EXPECT_FALSE(db->in_transaction());
  EXPECT_EQ(count(*db, "SELECT group_concat(x) FROM t"), 1);
}

TEST(Database, ANestedTransactionRollsBackOnlyItsOwnWork) {
  TempDir dir;
  auto db = testing::open_database(dir.file("t.db"));
  ASSERT_TRUE(IsOk(db->execute("CREATE TABLE t (x INTEGER)")));
  ASSERT_TRUE(IsOk(db->transaction([&]() -> Status {
    EXPECT_TRUE(IsOk(db->execute("INSERT INTO t VALUES (1)")));
    const Status inner = db->transaction([&]() -> Status {
      EXPECT_TRUE(IsOk(db->execute("INSERT INTO t VALUES (2)")));
      return Status::rejected("inner fails");
    });
    EXPECT_EQ(inner.message(), "inner fails");
    EXPECT_TRUE(db->in_transaction());  // the outer one goes on
    return db->transaction([&] { return db->execute("INSERT INTO t VALUES (3)"); });
  })));
  EXPECT_EQ(count(*db, "SELECT sum(x) FROM t"), 4);
}

TEST(Database, AnExceptionInTheBodyRollsBackAndBecomesAStatus) {
  TempDir dir;
  auto db = testing::open_database(dir.file("t.db"));
  ASSERT_TRUE(IsOk(db->execute("CREATE TABLE t (x INTEGER)")));
  const Status s = db->transaction([&]() -> Status {
    EXPECT_TRUE(IsOk(db->execute("INSERT INTO t VALUES (1)")));
    throw std::runtime_error("bug");
  });
  EXPECT_EQ(s.message(), db->path() + ": transaction abandoned: bug");
  EXPECT_FALSE(db->in_transaction());
  EXPECT_EQ(count(*db, "SELECT count(*) FROM t"), 0);
}

TEST(Database, StatementErrorsNameTheFileAndSayWhat) {
  TempDir dir;
  auto db = testing::open_database(dir.file("s.db"));
  ASSERT_TRUE(IsOk(db->execute("CREATE TABLE t (x INTEGER UNIQUE)")));
  Statement statement;
  Status s = db->prepare("SELEC 1", &statement);
  EXPECT_EQ(s.message(), db->path() + ": near \"SELEC\": syntax error");
  s = db->execute("INSERT INTO nowhere VALUES (1)");
  EXPECT_EQ(s.message(), db->path() + ": no such table: nowhere");

  ASSERT_TRUE(IsOk(db->prepare("INSERT INTO t VALUES (?1)", &statement)));
  statement.bind_int(2, 1);  // no parameter 2: kept and reported by run()
  s = statement.run();
  EXPECT_EQ(s.message(), db->path() + ": binding a parameter: column index out of range");

  ASSERT_TRUE(IsOk(db->prepare("INSERT INTO t VALUES (?1)", &statement)));
  statement.bind_int(1, 7);
  ASSERT_TRUE(IsOk(statement.run()));
  statement.reset();
  s = statement.run();  // the same value again
  EXPECT_EQ(s.code(), gtype::StatusCode::kStorage);
  EXPECT_EQ(s.message(), db->path() + ": UNIQUE constraint failed: t.x");
}

TEST(Database, ColumnsReadBackWhatWasBound) {
  TempDir dir;
  auto db = testing::open_database(dir.file("s.db"));
  Statement read;
  ASSERT_TRUE(IsOk(db->prepare("SELECT ?1, ?2, ?3, ?4, ?5, ?6", &read)));
  read.bind_int(1, -5)
      .bind_double(2, 2.5)
      .bind_text(3, std::string_view("a\0b", 3))
      .bind_blob(4, "")
      .bind_null(5);
  read.bind_text(6, std::string_view());  // a view with no data pointer is still the empty text
  bool row = false;
  ASSERT_TRUE(IsOk(read.step(&row)));
  ASSERT_TRUE(row);
  EXPECT_EQ(read.column_int(0), -5);
  EXPECT_EQ(read.column_double(1), 2.5);
  EXPECT_EQ(read.column_text(2), std::string("a\0b", 3));
  EXPECT_EQ(read.column_blob(3), "");
  EXPECT_FALSE(read.column_is_null(3));  // an empty blob is not NULL
  EXPECT_TRUE(read.column_is_null(4));
  EXPECT_FALSE(read.column_is_null(5));
  EXPECT_EQ(read.column_text(5), "");
  ASSERT_TRUE(IsOk(read.step(&row)));
  EXPECT_FALSE(row);
}

TEST(Database, AWriterWaitsOutTheBusyTimeoutThenFails) {
  TempDir dir;
  const std::string path = dir.file("busy.db");
  auto holder = testing::open_database(path);
  ASSERT_TRUE(IsOk(holder->execute("CREATE TABLE t (x INTEGER)")));
  std::unique_ptr<Database> waiter;
  ASSERT_TRUE(IsOk(Database::open(path, DatabaseOptions{std::chrono::milliseconds(50)}, &waiter)));
  ASSERT_TRUE(IsOk(holder->execute("BEGIN IMMEDIATE")));
  const auto start = std::chrono::steady_clock::now();
  const Status s = waiter->transaction([&] { return waiter->execute("INSERT INTO t VALUES (1)"); });
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  EXPECT_EQ(s.message(), path + ": database is locked");
  ASSERT_TRUE(IsOk(holder->execute("COMMIT")));
  EXPECT_TRUE(IsOk(waiter->transaction([&] { return waiter->execute("INSERT INTO t VALUES (1)"); })));
}

}  // namespace
}  // namespace c12s::store
