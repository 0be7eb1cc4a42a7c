// Golden tests of the `gtype` command, Ninja style: input files with their expected output.
//
// A case is tests/golden/<dir>/<name>.gtype whose first line is `// RUN: gtype <arguments>`
// (`%s` stands for the file's name; the command runs in the file's folder, so diagnostics name
// it as written there). <name>.expected holds the exit code, standard output and standard error.
// Files whose first line is `// golden: imported` are inputs of other cases, not cases.
// Run with GOLDEN_UPDATE=1 to rewrite the expected files after a deliberate change.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::vector<fs::path> cases() {
  std::vector<fs::path> found;
  for (const auto& entry : fs::recursive_directory_iterator(GOLDEN_DIR)) {
    if (entry.path().extension() != ".gtype") continue;
    if (first_line(entry.path()).rfind("// golden: imported", 0) == 0) continue;
    found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string case_name(const fs::path& path) {
  std::string name = fs::relative(path, GOLDEN_DIR).replace_extension().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class GoldenTest : public testing::TestWithParam<fs::path> {};

TEST_P(GoldenTest, MatchesExpectedOutput) {
  const fs::path input = GetParam();
  const std::string run = first_line(input);
  const std::string prefix = "// RUN: gtype ";
  ASSERT_EQ(run.rfind(prefix, 0), 0u) << input << " must begin with '" << prefix << "...'";
  std::string arguments = run.substr(prefix.size());
  for (std::size_t at = arguments.find("%s"); at != std::string::npos; at = arguments.find("%s", at)) {
    arguments.replace(at, 2, input.filename().string());
  }

  const fs::path scratch = fs::temp_directory_path() / ("golden_" + case_name(input));
  const std::string command = "cd " + shell_quote(input.parent_path().string()) + " && " +
                              shell_quote(GTYPE_BINARY) + " " + arguments + " >" +
                              shell_quote(scratch.string() + ".out") + " 2>" + shell_quote(scratch.string() + ".err");
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << command;
  std::ostringstream actual;
  actual << "exit: " << WEXITSTATUS(status) << "\n--- stdout\n"
         << read(scratch.string() + ".out") << "--- stderr\n"
         << read(scratch.string() + ".err");
  fs::remove(scratch.string() + ".out");
  fs::remove(scratch.string() + ".err");

  fs::path expected_path = input;
  expected_path.replace_extension(".expected");
  if (std::getenv("GOLDEN_UPDATE") != nullptr) {
    std::ofstream(expected_path, std::ios::binary) << actual.str();
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path << " (run with GOLDEN_UPDATE=1)";
  EXPECT_EQ(read(expected_path), actual.str()) << "for " << input;
}

INSTANTIATE_TEST_SUITE_P(Gtype, GoldenTest, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<fs::path>& info) { return case_name(info.param); });

}  // namespace
