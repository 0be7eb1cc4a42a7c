// Directory files: parsing, comments, and errors that name the file and line.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gtype/rt/directory.h"

namespace gtype::rt {
namespace {

TEST(Directory, ParsesPairsAndComments) {
  Result<Directory> d = Directory::parse(
      "# control plane\nnodes tcp://10.0.0.1:5555\n\n  log ipc:///tmp/log # local\n", "cluster.dir");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->address("nodes"), "tcp://10.0.0.1:5555");
  EXPECT_EQ(d->address("log"), "ipc:///tmp/log");
  EXPECT_EQ(d->address("state"), std::nullopt);
}

TEST(Directory, ErrorsNameFileAndLine) {
  Result<Directory> one = Directory::parse("a tcp://x:1\nb\n", "c.dir");
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().code, ErrorCode::kConfig);
  EXPECT_EQ(one.error().message, "c.dir:2: expected `role address`, got `b`");
  Result<Directory> three = Directory::parse("a tcp://x:1 extra\n", "c.dir");
  ASSERT_FALSE(three.ok());
  EXPECT_EQ(three.error().message, "c.dir:1: expected `role address`, got `a tcp://x:1 extra`");
  Result<Directory> twice = Directory::parse("a x\n# b\na y\n", "c.dir");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, "c.dir:3: role a is listed twice");
}

TEST(Directory, LoadsFiles) {
  const std::string path = (std::filesystem::temp_directory_path() / "c12s-directory-test.dir").string();
  std::ofstream(path) << "S inproc://s\n";
  Result<Directory> d = Directory::load(path);
  std::remove(path.c_str());
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->address("S"), "inproc://s");
  Result<Directory> missing = Directory::load(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, path + ": cannot read the directory file");
}

}  // namespace
}  // namespace gtype::rt
