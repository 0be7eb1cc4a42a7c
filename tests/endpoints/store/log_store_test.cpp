// LogStore: appending, a task's records in order, listing by labels newest first with a
// limit, and trimming by count without reusing numbers.
#include "c12s/store/log_store.h"

#include <gtest/gtest.h>

#include "store_test.h"

namespace c12s::store {
namespace {

using testing::IsOk;
using testing::TempDir;

class LogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::open_database(dir_.file("logs.db"));
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(IsOk(LogStore::open(db_.get(), &logs_)));
  }

  std::int64_t append(const std::string& task, std::int64_t at, model::Labels labels,
                      const std::string& message, LogLevel level = LogLevel::kInfo) {
    std::int64_t seq = 0;
    EXPECT_TRUE(
        IsOk(logs_->append(LogRecord{0, task, from_millis(at), level, std::move(labels), message}, &seq)));
    return seq;
  }

  std::vector<std::string> messages(const std::vector<LogRecord>& records) {
    std::vector<std::string> out;
    for (const LogRecord& record : records) out.push_back(record.message);
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<LogStore> logs_;
};

TEST_F(LogStoreTest, ATasksRecordsComeBackInAppendOrder) {
  EXPECT_EQ(append("t1", 50, {{"step", "reserve"}}, "reserving"), 1);
  EXPECT_EQ(append("t2", 10, {}, "other task"), 2);
  EXPECT_EQ(append("t1", 40, {{"step", "write"}, {"node", "m1"}}, "writing", LogLevel::kError), 3);
  std::vector<LogRecord> records;
  ASSERT_TRUE(IsOk(logs_->by_task("t1", &records)));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0],
            (LogRecord{1, "t1", from_millis(50), LogLevel::kInfo, {{"step", "reserve"}}, "reserving"}));
  EXPECT_EQ(records[1], (LogRecord{3,
                                   "t1",
                                   from_millis(40),
                                   LogLevel::kError,
                                   {{"node", "m1"}, {"step", "write"}},
                                   "writing"}));  // append order, not time order
  ASSERT_TRUE(IsOk(logs_->by_task("nobody", &records)));
  EXPECT_TRUE(records.empty());
}

TEST_F(LogStoreTest, ListPicksByLabelsNewestFirstUpToTheLimit) {
  append("t1", 1, {{"topology", "T"}, {"level", "1"}}, "one");
  append("t1", 2, {{"topology", "U"}}, "two");
  append("t2", 3, {{"topology", "T"}}, "three");
  append("t2", 4, {}, "four");
  append("t3", 5, {{"topology", "T"}, {"memory", "4GB"}}, "five");
  std::vector<LogRecord> records;
  const model::Selector t{{{"topology", "T"}}, std::nullopt};
  ASSERT_TRUE(IsOk(logs_->list(t, model::MatchMode::kSubset, 10, &records)));
  EXPECT_EQ(messages(records), (std::vector<std::string>{"five", "three", "one"}));
  ASSERT_TRUE(IsOk(logs_->list(t, model::MatchMode::kSubset, 2, &records)));
  EXPECT_EQ(messages(records), (std::vector<std::string>{"five", "three"}));
  ASSERT_TRUE(IsOk(logs_->list(t, model::MatchMode::kExact, 10, &records)));
  EXPECT_EQ(messages(records), (std::vector<std::string>{"three"}));
  ASSERT_TRUE(IsOk(logs_->list(model::Selector{{{"memory", "2048MB"}}, std::nullopt},
                               model::MatchMode::kSubset, 10, &records)));
  EXPECT_EQ(messages(records), (std::vector<std::string>{"five"}));  // rule 4.10 on quantities
  ASSERT_TRUE(IsOk(logs_->list(model::Selector{}, model::MatchMode::kSubset, 10, &records)));
  EXPECT_EQ(messages(records), (std::vector<std::string>{"five", "four", "three", "two", "one"}));
  ASSERT_TRUE(IsOk(logs_->list(model::Selector{}, model::MatchMode::kSubset, 0, &records)));
  EXPECT_TRUE(records.empty());
}

TEST_F(LogStoreTest, TrimKeepsTheNewestAndNumbersAreNeverReused) {
  for (int i = 1; i <= 5; ++i) append("t", i, {{"i", std::to_string(i)}}, testing::numbered("m", i));
  std::size_t removed = 99;
  ASSERT_TRUE(IsOk(logs_->trim(2, &removed)));
  EXPECT_EQ(removed, 3u);
  std::vector<LogRecord> records;
  ASSERT_TRUE(IsOk(logs_->by_task("t", &records)));
  EXPECT_EQ(messages(records), (std::vector<std::string>{"m4", "m5"}));
  ASSERT_TRUE(IsOk(logs_->trim(2, &removed)));
  EXPECT_EQ(removed, 0u);
  ASSERT_TRUE(IsOk(logs_->trim(0, &removed)));
  EXPECT_EQ(removed, 2u);
  Statement labels;
  ASSERT_TRUE(IsOk(db_->prepare("SELECT count(*) FROM log_labels", &labels)));
  bool row = false;
  ASSERT_TRUE(IsOk(labels.step(&row)));
  EXPECT_EQ(labels.column_int(0), 0);  // the labels went with their records
  EXPECT_EQ(append("t", 6, {}, "m6"), 6);
}

TEST(LogLevelName, NamesEachLevel) {
  EXPECT_STREQ(log_level_name(LogLevel::kDebug), "debug");
  EXPECT_STREQ(log_level_name(LogLevel::kInfo), "info");
  EXPECT_STREQ(log_level_name(LogLevel::kWarning), "warning");
  EXPECT_STREQ(log_level_name(LogLevel::kError), "error");
}

}  // namespace
}  // namespace c12s::store
