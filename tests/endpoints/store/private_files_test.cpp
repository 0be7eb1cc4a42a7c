// Private files (private_files.h): directories 0700 and files 0600 whatever the umask, the
// database's file, -wal and -shm included; ours from before tightened, another user's left as
// they are (with a warning for a directory); each failure with its message.
#include "c12s/store/private_files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "c12s/store/database.h"
#include "store_test.h"

namespace c12s::store {
namespace {

using testing::IsOk;
using testing::TempDir;

// The permission bits of `path`, or -1 when it cannot be read.
int mode_of(const std::string& path) {
  struct stat status {};
  return stat(path.c_str(), &status) == 0 ? static_cast<int>(status.st_mode & 07777) : -1;
}

// A umask that would let group and others read, as a shell's usually is, for one test.
class PrivateFiles : public ::testing::Test {
 protected:
  void SetUp() override { saved_ = umask(022); }
  void TearDown() override { umask(saved_); }

  // Whether this process may give a file to another user (root may).
  static bool can_chown() { return geteuid() == 0; }
  static constexpr uid_t kOtherUser = 65534;  // nobody

  TempDir dir_;

 private:
  mode_t saved_ = 022;
};

TEST_F(PrivateFiles, ADatabaseAndItsLogFilesAreForTheOwnerOnly) {
  const std::string path = dir_.file("a.db");
  std::unique_ptr<Database> db = testing::open_database(path);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(IsOk(db->execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)")));
  ASSERT_TRUE(std::filesystem::exists(path + "-wal"));
  ASSERT_TRUE(std::filesystem::exists(path + "-shm"));
  EXPECT_EQ(mode_of(path), 0600);
  EXPECT_EQ(mode_of(path + "-wal"), 0600);
  EXPECT_EQ(mode_of(path + "-shm"), 0600);
}

TEST_F(PrivateFiles, ADatabaseFromBeforeThatOthersCouldReadIsTightened) {
  const std::string path = dir_.file("old.db");
  testing::open_database(path).reset();  // a database, with its files closed
  for (const char* suffix : {"", "-wal"}) std::ofstream(path + suffix, std::ios::app).flush();
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  ASSERT_EQ(chmod((path + "-wal").c_str(), 0666), 0);
  std::unique_ptr<Database> db = testing::open_database(path);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(mode_of(path), 0600);
  EXPECT_EQ(mode_of(path + "-wal"), 0600);
}

TEST_F(PrivateFiles, ADatabaseOfAnotherUserIsLeftAsItIs) {
  if (!can_chown()) GTEST_SKIP() << "only root can give a file to another user";
  const std::string path = dir_.file("theirs.db");
  testing::open_database(path).reset();
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  ASSERT_EQ(chown(path.c_str(), kOtherUser, kOtherUser), 0);
  std::unique_ptr<Database> db = testing::open_database(path);
  EXPECT_NE(db, nullptr);
  EXPECT_EQ(mode_of(path), 0644);
}

TEST_F(PrivateFiles, DirectoriesAreCreated0700WithTheirParents) {
  const std::string dir = dir_.file("a/b/c");
  std::string notice = "stale";
  ASSERT_TRUE(IsOk(make_private_directory(dir, &notice)));
  EXPECT_EQ(notice, "");
  EXPECT_EQ(mode_of(dir_.file("a")), 0700);
  EXPECT_EQ(mode_of(dir_.file("a/b")), 0700);
  EXPECT_EQ(mode_of(dir), 0700);
  ASSERT_TRUE(IsOk(make_private_directory(dir, &notice)));  // again: nothing to do
  EXPECT_EQ(notice, "");
}

TEST_F(PrivateFiles, AnOpenDirectoryOfOursIsTightenedAndSaysSo) {
  const std::string dir = dir_.file("open");
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  std::string notice;
  ASSERT_TRUE(IsOk(make_private_directory(dir, &notice)));
  EXPECT_EQ(notice, dir + " could be read by its group or others (mode 0755): made 0700");
  EXPECT_EQ(mode_of(dir), 0700);
}

TEST_F(PrivateFiles, AnOpenDirectoryOfAnotherUserIsLeftWithAWarning) {
  if (!can_chown()) GTEST_SKIP() << "only root can give a directory to another user";
  const std::string dir = dir_.file("theirs");
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  ASSERT_EQ(chown(dir.c_str(), kOtherUser, kOtherUser), 0);
  std::string notice;
  ASSERT_TRUE(IsOk(make_private_directory(dir, &notice)));
  EXPECT_EQ(notice,
            "warning: " + dir +
                " may be read by its group or others (mode 0755), and belongs to another user (uid 65534): "
                "left as it is");
  EXPECT_EQ(mode_of(dir), 0755);
}

TEST_F(PrivateFiles, AFileInTheWayOfADirectoryIsAnError) {
  std::ofstream(dir_.file("file")) << "x";
  std::string notice;
  Status s = make_private_directory(dir_.file("file"), &notice);
  EXPECT_EQ(s.code(), gtype::StatusCode::kIo);
  EXPECT_EQ(s.message(), "cannot open the directory " + dir_.file("file") + ": Not a directory");
  s = make_private_directory(dir_.file("file/sub"), &notice);
  EXPECT_EQ(s.code(), gtype::StatusCode::kIo);
  EXPECT_EQ(s.message(), "cannot create " + dir_.file("file/sub") + ": Not a directory");
}

TEST_F(PrivateFiles, FilesAreWritten0600AndRewrittenPrivate) {
  const std::string path = dir_.file("system.yaml");
  ASSERT_TRUE(IsOk(write_private_file(path, "first: 1\n")));
  EXPECT_EQ(mode_of(path), 0600);
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(IsOk(write_private_file(path, "second\n")));
  EXPECT_EQ(mode_of(path), 0600);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "second\n");
}

TEST_F(PrivateFiles, AFileThatCannotBeWrittenIsAnError) {
  const Status s = write_private_file(dir_.file("missing/system.yaml"), "x");
  EXPECT_EQ(s.code(), gtype::StatusCode::kIo);
  EXPECT_EQ(s.message(), "cannot write " + dir_.file("missing/system.yaml") + ": No such file or directory");
}

TEST_F(PrivateFiles, OnlyARegularFileOfOursIsMadePrivate) {
  const std::string fifo = dir_.file("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  const int fd = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(fd, 0);
  EXPECT_FALSE(make_private(fd));
  close(fd);
  EXPECT_EQ(mode_of(fifo), 0644);
  if (!can_chown()) GTEST_SKIP() << "only root can give a file to another user";
  const std::string theirs = dir_.file("theirs.log");
  std::ofstream(theirs) << "x";
  ASSERT_EQ(chmod(theirs.c_str(), 0644), 0);
  ASSERT_EQ(chown(theirs.c_str(), kOtherUser, kOtherUser), 0);
  const int other = open(theirs.c_str(), O_RDONLY);
  ASSERT_GE(other, 0);
  EXPECT_FALSE(make_private(other));
  close(other);
  EXPECT_EQ(mode_of(theirs), 0644);
}

}  // namespace
}  // namespace c12s::store
