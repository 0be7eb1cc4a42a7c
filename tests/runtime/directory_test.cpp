// Directory files: parsing, comments, and errors that name the file and line.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gtype/rt/directory.h"

namespace gtype::rt {
namespace {

TEST(Directory, ParsesPairsAndComments) {
  Result<Directory> d = Directory::parse(
      "# control plane\nnodes tcp://10.0.0.1:5555\n\n  log ipc:///tmp/log # local\n", "cluster.dir");
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->address("nodes"), "tcp://10.0.0.1:5555");
  EXPECT_EQ(d->address("log"), "ipc:///tmp/log");
  EXPECT_EQ(d->address("state"), std::nullopt);
}

TEST(Directory, ErrorsNameFileAndLine) {
  Result<Directory> one = Directory::parse("a tcp://x:1\nb\n", "c.dir");
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().code(), StatusCode::kConfig);
  EXPECT_EQ(one.error().message(), "c.dir:2: expected `role address`, got `b`");
  Result<Directory> three = Directory::parse("a tcp://x:1 extra\n", "c.dir");
  ASSERT_FALSE(three.ok());
  EXPECT_EQ(three.error().message(), "c.dir:1: expected `role address`, got `a tcp://x:1 extra`");
  Result<Directory> twice = Directory::parse("a x\n# b\na y\n", "c.dir");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message(), "c.dir:3: role a is listed twice");
}

TEST(Directory, LoadsFiles) {
  const std::string path = (std::filesystem::temp_directory_path() / "c12s-directory-test.dir").string();
  std::ofstream(path) << "S inproc://s\n";
  Result<Directory> d = Directory::load(path);
  std::remove(path.c_str());
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->address("S"), "inproc://s");
  Result<Directory> missing = Directory::load(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(), path + ": cannot read the directory file");
}

// A folder read as nothing (an empty directory), a FIFO blocked until someone wrote, /dev/zero
// filled the memory: each is refused before it is read.
TEST(Directory, LoadRefusesWhatIsNotAFile) {
  const std::filesystem::path folder = std::filesystem::temp_directory_path();
  Result<Directory> from_folder = Directory::load(folder.string());
  ASSERT_FALSE(from_folder.ok());
  EXPECT_EQ(from_folder.error().message(), folder.string() + ": the directory file is not a regular file");

  const std::filesystem::path fifo = folder / ("c12s-directory-fifo-" + std::to_string(::getpid()));
  std::filesystem::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Result<Directory> from_fifo = Directory::load(fifo.string());
  std::filesystem::remove(fifo);
  ASSERT_FALSE(from_fifo.ok());
  EXPECT_EQ(from_fifo.error().message(), fifo.string() + ": the directory file is not a regular file");

  Result<Directory> from_device = Directory::load("/dev/zero");
  ASSERT_FALSE(from_device.ok());
  EXPECT_EQ(from_device.error().message(), "/dev/zero: the directory file is not a regular file");
}

TEST(Directory, LoadRefusesAHugeFile) {
  const std::filesystem::path huge =
      std::filesystem::temp_directory_path() / ("c12s-directory-huge-" + std::to_string(::getpid()));
  { std::ofstream create(huge); }
  std::filesystem::resize_file(huge, (16u << 20) + 1);  // sparse: no disk used
  Result<Directory> d = Directory::load(huge.string());
  std::filesystem::remove(huge);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message().substr(0, 200), huge.string() + ": the directory file is larger than 16 MiB");
}

}  // namespace
}  // namespace gtype::rt
