// The docs are true by construction: every console block of README.md and docs/*.md (a fenced
// block whose lines start with `$ ` for a command, then show its output) is run here, and what
// its commands print must be what the block shows.
//
// Each document runs in a folder of its own, in order: a block introduced by a line that ends in
// "File `NAME`:" is
// written there as NAME before anything below it runs; the folder has the repository's
// protocols/, examples/, tests/, cmake/ and bench/ (links) and build/ (the build tree), and `gtype` and
// `c12s` are on the PATH. Absolute paths show as /path/to/project (the folder) and
// /path/to/gtype/build (the build tree). A block's commands run in one shell, so `echo $?` sees the command
// before it and files written stay. Standard error shows with standard output, as on a terminal. Durations
// (`0.000 s`, "seconds":…) are not compared. Two comments steer a block:
//   <!-- docs-test: copy DIR -->          copy DIR's files into the folder first
//   <!-- docs-test: not run: REASON -->   the block is not run; REASON says what checks it
// A console block that is neither run nor excused fails the test, as does an excuse without a
// reason. DOCS_UPDATE=1 writes what the commands printed into the documents instead (durations
// as 0.000 s): then read the diff, and the prose around it.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct Command {
  std::string text;      // after `$ `
  std::string expected;  // the lines after it, up to the next command
};

struct Block {
  int line = 0;  // of the opening fence
  int end = 0;   // of the closing fence
  std::vector<Command> commands;
  std::string excuse;         // not run, and why
  std::string copy;           // a folder to copy first
  bool output_first = false;  // lines before its first command: no output can be told whose
};

// One step of a document, in order: a file to write, or a console block.
struct Step {
  std::string file_name;  // a file block: its name
  std::string text;       // its contents
  std::optional<Block> block;
};

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The steps of a Markdown document.
std::vector<Step> steps_of(const std::string& markdown) {
  static const std::regex directive(R"(^<!-- docs-test: (copy|not run:) ?(.*?) ?-->\s*$)");
  static const std::regex file_intro(R"(File `([^`]+)`:\s*$)");
  const std::vector<std::string> lines = lines_of(markdown);
  std::vector<Step> steps;
  std::string file_name, excuse, copy;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch match;
    if (std::regex_search(lines[i], match, file_intro)) {
      file_name = match[1];
      continue;
    }
    if (std::regex_match(lines[i], match, directive)) {
      (match[1] == "copy" ? copy : excuse) = match[2].str().empty() ? "?" : match[2].str();
      continue;
    }
    if (lines[i].rfind("```", 0) != 0) {
      if (!lines[i].empty()) file_name.clear();  // "File `x`:" stands right before its block
      continue;
    }
    const std::size_t open = i;
    std::vector<std::string> body;
    for (++i; i < lines.size() && lines[i].rfind("```", 0) != 0; ++i) body.push_back(lines[i]);
    if (!file_name.empty()) {
      std::string text;
      for (const std::string& line : body) text += line + "\n";
      steps.push_back(Step{file_name, text, std::nullopt});
      file_name.clear();
      continue;
    }
    const bool console = std::any_of(body.begin(), body.end(),
                                     [](const std::string& line) { return line.rfind("$ ", 0) == 0; });
    if (!console) {
      excuse.clear();
      copy.clear();
      continue;
    }
    Block block;
    block.line = static_cast<int>(open) + 1;
    block.end = static_cast<int>(i) + 1;
    block.excuse = excuse;
    block.copy = copy;
    for (const std::string& line : body) {
      if (line.rfind("$ ", 0) == 0) {
        block.commands.push_back(Command{line.substr(2), ""});
      } else if (block.commands.empty()) {
        block.output_first = true;
      } else {
        block.commands.back().expected += line + "\n";
      }
    }
    steps.push_back(Step{"", "", block});
    excuse.clear();
    copy.clear();
  }
  return steps;
}

// What differs from run to run (how long a search took), and the blank lines a block leaves
// between one command's output and the next command.
std::string normalized(std::string text) {
  while (text.size() >= 2 && text.compare(text.size() - 2, 2, "\n\n") == 0) text.pop_back();
  text = std::regex_replace(text, std::regex(R"(\b[0-9]+\.[0-9]{3} s\b)"), "#.### s");
  return std::regex_replace(text, std::regex(R"("seconds":[0-9.eE+-]+)"), "\"seconds\":#");
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

// Runs `script` with sh in `dir` (for 5 minutes at most: a command that never ends, like a
// server's, must not hang the test); what it printed, stdout and stderr together.
std::string run_shell(const fs::path& dir, const std::string& script) {
  const fs::path file = dir / ".docs_test.sh";
  std::ofstream(file) << script;
  const std::string command = "cd '" + dir.string() + "' && PATH='" + std::string(BUILD_DIR) +
                              "/bin:" + std::getenv("PATH") + "' HOME='" + dir.string() +
                              "' sh .docs_test.sh 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) out.append(buffer.data(), n);
  pclose(pipe);
  // Paths that differ from machine to machine, the build tree's first: it may be below `dir`.
  out = replaced(out, fs::path(BUILD_DIR).string(), "/path/to/gtype/build");
  return replaced(out, dir.string(), "/path/to/project");
}

constexpr char kSeparator[] = "\x1e--docs-test--\x1e\n";

// The outputs of a block's commands, run in one shell: each command's status is kept for the
// next (`echo $?`) across the separators printed between them.
std::vector<std::string> run_block(const fs::path& dir, const Block& block) {
  std::string script = "__status=0\n";
  for (const Command& command : block.commands) {
    script += "(exit $__status)\n" + command.text + "\n__status=$?\nprintf '" +
              std::string(kSeparator, sizeof kSeparator - 2) + "\\n'\n";
  }
  const std::string out = run_shell(dir, script);
  std::vector<std::string> outputs;
  std::size_t from = 0;
  for (std::size_t at; (at = out.find(kSeparator, from)) != std::string::npos;
       from = at + sizeof kSeparator - 1)
    outputs.push_back(out.substr(from, at - from));
  return outputs;
}

const std::vector<std::string> kDocuments = {"README.md",
                                             "docs/architecture.md",
                                             "docs/codegen.md",
                                             "docs/control-plane.md",
                                             "docs/dashboard.md",
                                             "docs/deploying.md",
                                             "docs/gtype-command.md",
                                             "docs/security-model.md",
                                             "docs/gtype-language.md",
                                             "docs/verifier.md"};

// The block's lines as its commands' `outputs` would have them (DOCS_UPDATE).
std::vector<std::string> updated_block(const Block& block, const std::vector<std::string>& outputs) {
  std::vector<std::string> lines;
  for (std::size_t c = 0; c < block.commands.size(); ++c) {
    lines.push_back("$ " + block.commands[c].text);
    const std::string shown =
        std::regex_replace(outputs[c], std::regex(R"(\b[0-9]+\.[0-9]{3} s\b)"), "0.000 s");
    for (const std::string& line : lines_of(shown)) lines.push_back(line);
    const std::string& old = block.commands[c].expected;
    if (c + 1 < block.commands.size() && old.size() >= 2 && old.compare(old.size() - 2, 2, "\n\n") == 0)
      lines.push_back("");  // the blank line between two commands
  }
  return lines;
}

class Docs : public ::testing::TestWithParam<std::string> {};

TEST_P(Docs, EveryConsoleBlockShowsWhatItsCommandsPrint) {
  const fs::path source = fs::path(SOURCE_DIR);
  const fs::path doc = source / GetParam();
  const fs::path dir = fs::temp_directory_path() / ("docs_test_" + std::to_string(getpid()) + "_" +
                                                    std::regex_replace(GetParam(), std::regex("[/.]"), "_"));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* shared : {"protocols", "examples", "tests", "cmake", "bench"})
    fs::create_directory_symlink(source / shared, dir / shared);
  fs::create_directory_symlink(fs::path(BUILD_DIR), dir / "build");
  int run = 0;
  const bool update = std::getenv("DOCS_UPDATE") != nullptr;
  std::vector<std::string> doc_lines = lines_of(read(doc));
  std::vector<std::pair<const Block*, std::vector<std::string>>> updates;
  const std::vector<Step> steps = steps_of(read(doc));
  for (const Step& step : steps) {
    if (!step.block) {
      std::ofstream(dir / step.file_name) << step.text;
      continue;
    }
    const Block& block = *step.block;
    const std::string where = GetParam() + ":" + std::to_string(block.line);
    EXPECT_FALSE(block.output_first) << where << ": a console block begins with a command (`$ `)";
    if (!block.excuse.empty()) {
      EXPECT_NE(block.excuse, "?") << where << ": a block not run must say why";
      continue;
    }
    if (!block.copy.empty()) {
      for (const auto& entry : fs::directory_iterator(source / block.copy)) {
        if (entry.is_regular_file())
          fs::copy_file(entry.path(), dir / entry.path().filename(), fs::copy_options::overwrite_existing);
      }
    }
    const std::vector<std::string> outputs = run_block(dir, block);
    ASSERT_EQ(outputs.size(), block.commands.size()) << where << ": the block's shell stopped early";
    if (update) {
      updates.emplace_back(&block, updated_block(block, outputs));
      continue;
    }
    for (std::size_t c = 0; c < outputs.size(); ++c) {
      EXPECT_EQ(normalized(outputs[c]), normalized(block.commands[c].expected))
          << where << ": $ " << block.commands[c].text;
    }
    ++run;
  }
  fs::remove_all(dir);
  RecordProperty("blocks_run", run);
  if (!update) return;
  for (auto it = updates.rbegin(); it != updates.rend(); ++it) {  // from the end: lines stay put
    const Block& block = *it->first;
    doc_lines.erase(doc_lines.begin() + block.line, doc_lines.begin() + block.end - 1);
    doc_lines.insert(doc_lines.begin() + block.line, it->second.begin(), it->second.end());
  }
  std::ofstream out(doc, std::ios::binary | std::ios::trunc);
  for (const std::string& line : doc_lines) out << line << "\n";
}

INSTANTIATE_TEST_SUITE_P(All, Docs, ::testing::ValuesIn(kDocuments),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return std::regex_replace(info.param, std::regex("[^A-Za-z0-9]"), "_");
                         });

// Every document of docs/ is one of the above: a new one cannot escape the test.
TEST(Docs, EveryDocumentIsChecked) {
  for (const auto& entry : fs::directory_iterator(fs::path(SOURCE_DIR) / "docs")) {
    if (entry.path().extension() != ".md") continue;
    const std::string name = "docs/" + entry.path().filename().string();
    EXPECT_NE(std::find(kDocuments.begin(), kDocuments.end(), name), kDocuments.end())
        << name << " is not checked";
  }
}

}  // namespace
