// Inputs of any shape reach a diagnostic, never a crash, a hang or unbounded memory (issue 9):
// invalid UTF-8, files that are not regular or too large, long chains of `do`; with
// --confine-imports, no import leads out of the allowed folders (issue 12), through symbolic
// links made here at run time (the golden tests, tests/golden/confine, cover the others).
// The nesting, inlining and verifier limits have golden tests (tests/golden/{check,cli,verify}).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <antlr4-runtime.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtype/frontend.h"
#include "gtype/program.h"
#include "gtype/utf8.h"

namespace {

namespace fs = std::filesystem;

// A fresh folder under the system's temporary one, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "gtype-hardening-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::vector<std::string> errors_of(const std::string& path, const gtype::LoadOptions& load = {}) {
  gtype::SourceManager sources;
  gtype::DiagnosticEngine diagnostics(sources);
  gtype::FrontendResult result;
  const gtype::Status status = gtype::analyze_file(path, sources, diagnostics, result, load);
  std::vector<std::string> out;
  if (!status.ok()) out.push_back(status.message());
  for (const gtype::Diagnostic& d : diagnostics.errors()) {
    out.push_back(std::to_string(d.location.line) + ":" + std::to_string(d.location.column) + ": " +
                  d.message);
  }
  return out;
}

bool valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = gtype::utf8_sequence_length(std::string_view(text).substr(i));
    if (length == 0) return false;
    i += length;
  }
  return true;
}

// What ANTLR's input stream accepts is what the validator calls valid: the stream throws
// std::range_error on anything else, which used to abort gtype.
RC_GTEST_PROP(Hardening, Utf8ValidatorAgreesWithAntlr, (const std::vector<std::uint8_t>& bytes)) {
  const std::string text(bytes.begin(), bytes.end());
  bool antlr_accepts = true;
  try {
    antlr4::ANTLRInputStream stream(text);
  } catch (const std::range_error&) {
    antlr_accepts = false;
  }
  if (valid_utf8(text)) RC_ASSERT(antlr_accepts);
  RC_ASSERT(valid_utf8(gtype::utf8_sanitized(text)));
}

RC_GTEST_PROP(Hardening, ParsingAnyBytesReportsInsteadOfThrowing, (const std::vector<std::uint8_t>& bytes)) {
  gtype::SourceManager sources;
  const std::uint32_t id = sources.add("random.gtype", std::string(bytes.begin(), bytes.end()));
  gtype::DiagnosticEngine diagnostics(sources);
  gtype::SourceFile out;
  const bool parsed = gtype::parse_source(sources, id, diagnostics, out);
  RC_ASSERT(parsed == (diagnostics.error_count() == 0));
  if (!valid_utf8(sources.text(id)))
    RC_ASSERT(diagnostics.errors().front().message == std::string("invalid UTF-8"));
}

TEST(Hardening, InvalidUtf8IsAnErrorAtItsPlace) {
  TempDir dir;
  write(dir / "one_byte.gtype", "\xFF");
  EXPECT_EQ(errors_of(dir / "one_byte.gtype"), std::vector<std::string>{"1:1: invalid UTF-8"});
  write(dir / "comment.gtype", "// ok\n// caf\xE9 \xED\xA0\x80 (a surrogate)\n");
  EXPECT_EQ(errors_of(dir / "comment.gtype"), std::vector<std::string>{"2:7: invalid UTF-8"});
  write(dir / "importer.gtype", "import \"one_byte.gtype\";\n");
  EXPECT_EQ(errors_of(dir / "importer.gtype"), std::vector<std::string>{"1:1: invalid UTF-8"});
}

TEST(Hardening, AFifoIsNotImportedAndDoesNotBlock) {
  TempDir dir;
  ASSERT_EQ(mkfifo((dir / "pipe.gtype").c_str(), 0600), 0);
  write(dir / "importer.gtype", "import \"pipe.gtype\";\n");
  EXPECT_EQ(errors_of(dir / "importer.gtype"),
            std::vector<std::string>{"1:8: cannot import \"pipe.gtype\": not a regular file (looked for " +
                                     (dir / "pipe.gtype").string() + ")"});
  std::string text;
  EXPECT_EQ(gtype::read_file((dir / "pipe.gtype").string(), text).message(),
            (dir / "pipe.gtype").string() + ": not a regular file");
}

TEST(Hardening, AFileOverTheSizeCapIsRefusedWhileReading) {
  TempDir dir;
  write(dir / "big.gtype", std::string(gtype::kMaxSourceBytes + 1, ' '));
  std::string text;
  const gtype::Status status = gtype::read_file((dir / "big.gtype").string(), text);
  EXPECT_EQ(status.message(), (dir / "big.gtype").string() + ": file too large: more than 16 MiB");
  EXPECT_TRUE(text.empty());
  write(dir / "importer.gtype", "import \"big.gtype\";\n");
  EXPECT_EQ(errors_of(dir / "importer.gtype"),
            std::vector<std::string>{
                "1:8: cannot import \"big.gtype\": file too large: more than 16 MiB (looked for " +
                (dir / "big.gtype").string() + ")"});
}

std::string do_chain(std::size_t length) {
  std::string text;
  for (std::size_t i = 0; i < length; ++i) {
    text += "global protocol P" + std::to_string(i) + "(role a, role b) {\n  a -> b : m" + std::to_string(i) +
            "();\n";
    if (i + 1 < length) text += "  do P" + std::to_string(i + 1) + "(a, b);\n";
    text += "}\n";
  }
  return text;
}

// Every protocol of a chain is projected with the rest of the chain inlined (a `do` and its
// callee's statements): 400 protocols are 159,600 statements (fine), 500 are 249,500 (over the
// file's limit). Each `do` used to search the whole chain for cycles (cubic: 1000 took over a
// minute), and a chain of 20,001 protocols that only call the next counted as one statement
// each (420 s).
TEST(Hardening, ALongChainOfDoIsProjectedOrRefusedByTheLimit) {
  TempDir dir;
  write(dir / "chain400.gtype", do_chain(400));
  EXPECT_EQ(errors_of(dir / "chain400.gtype"), std::vector<std::string>{});
  write(dir / "chain500.gtype", do_chain(500));
  const std::vector<std::string> errors = errors_of(dir / "chain500.gtype");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("the protocols of this file are too large together"), std::string::npos)
      << errors[0];
}

}  // namespace

namespace {

// Each suggestion looks at every candidate name: past DiagnosticEngine::kMaxSuggestions the
// errors come without one, so that a file of thousands of misspellings is not quadratic (20,000
// unknown sorts among 20,000 declared ones took 96 s).
TEST(Hardening, SpellingSuggestionsStopAfterTheCap) {
  TempDir dir;
  const std::size_t misspelt = gtype::DiagnosticEngine::kMaxSuggestions + 1;
  std::string text = "global protocol P(role a, role b) {\n";
  for (std::size_t i = 0; i < misspelt; ++i) text += "  a -> b : m(Recrod);\n";
  text += "}\nsort Record { f: int; }\n";
  write(dir / "misspelt.gtype", text);
  const std::vector<std::string> errors = errors_of(dir / "misspelt.gtype");
  ASSERT_EQ(errors.size(), misspelt);
  for (std::size_t i = 0; i + 1 < misspelt; ++i) {
    EXPECT_EQ(errors[i], std::to_string(i + 2) + ":14: unknown payload sort 'Recrod'; did you mean 'Record'?");
  }
  EXPECT_EQ(errors.back(), std::to_string(misspelt + 1) + ":14: unknown payload sort 'Recrod'");
}

}  // namespace

namespace {

// `n` roles, every pair connected, then `choices` choices that leave the connections alone.
std::string connected_pairs_then_choices(std::size_t n, std::size_t choices) {
  std::string text = "explicit global protocol P(";
  for (std::size_t i = 0; i < n; ++i) text += (i ? ", role r" : "role r") + std::to_string(i);
  text += ") {\n";
  auto each_pair = [&](const std::string& statement) {
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) {
        text += "  " + statement + " r" + std::to_string(i) + ", r" + std::to_string(j) + ";\n";
      }
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) text += "  r" + std::to_string(i) + " ->> r" + std::to_string(j) + ";\n";
  }
  for (std::size_t c = 0; c < choices; ++c) {
    text += "  choice at r0 { r0 -> r1 : x" + std::to_string(c) + "(); } or { r0 -> r1 : y" + std::to_string(c) +
            "(); }\n";
  }
  each_pair("disconnect");
  return text + "}\n";
}

// The connection analysis hands its state to every branch of a choice: it copied the sets of
// connected pairs each time (40 roles, 780 pairs, 6000 choices took tens of seconds); they are
// shared now until a branch changes them.
TEST(Hardening, ManyConnectedPairsAndManyChoicesAreChecked) {
  TempDir dir;
  write(dir / "pairs.gtype", connected_pairs_then_choices(40, 6000));
  EXPECT_EQ(errors_of(dir / "pairs.gtype"), std::vector<std::string>{});
}

// Projection visits every statement once per role: past kMaxProjectedStatements it is refused.
TEST(Hardening, AProtocolTooLargeToProjectIsRefused) {
  TempDir dir;
  std::string text = "global protocol P(";
  for (std::size_t i = 0; i < 100; ++i) text += (i ? ", role r" : "role r") + std::to_string(i);
  text += ") {\n";
  for (std::size_t i = 0; i < 12000; ++i) {
    text += "  r" + std::to_string(i % 99) + " -> r" + std::to_string(i % 99 + 1) + " : m();\n";
  }
  write(dir / "wide.gtype", text + "}\n");
  EXPECT_EQ(errors_of(dir / "wide.gtype"),
            std::vector<std::string>{"1:17: the protocols of this file are too large to project: 1200000 statements "
                                     "projected (each once per role) up to 'P', more than the limit of 1000000"});
}

}  // namespace

namespace {

// Protocols that only call the next: each `do` is work for the passes and projection, so it
// counts as a statement (it counted for nothing, and 20,001 of them took 420 s to project).
TEST(Hardening, AChainOfCallsThatDoNothingElseIsCounted) {
  TempDir dir;
  std::string text;
  for (std::size_t i = 0; i < 20000; ++i) {
    text += "global protocol P" + std::to_string(i) + "(role a, role b) { do P" + std::to_string(i + 1) + "(a, b); }\n";
  }
  text += "global protocol P20000(role a, role b) { a -> b : m(); }\n";
  write(dir / "calls.gtype", text);
  const std::vector<std::string> errors = errors_of(dir / "calls.gtype");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("the protocols of this file are too large together"), std::string::npos) << errors[0];
}

}  // namespace

namespace {

// The diagnostics of `path`, loaded with --confine-imports and `import_paths`, as gtype prints them.
std::string confined_diagnostics(const fs::path& path, std::vector<std::string> import_paths = {}) {
  gtype::SourceManager sources;
  gtype::DiagnosticEngine diagnostics(sources);
  gtype::FrontendResult result;
  gtype::LoadOptions load{std::move(import_paths), true};
  const gtype::Status status = gtype::analyze_file(path.string(), sources, diagnostics, result, load);
  std::ostringstream out;
  if (!status.ok()) out << status.message() << '\n';
  diagnostics.print(out);
  return out.str();
}

// A folder `tree` holding the file gtype is run on, beside a folder `outside` with a file that
// is no .gtype at all: were it read, its syntax errors would show.
class Confinement : public testing::Test {
 protected:
  void SetUp() override {
    fs::create_directory(dir_ / "tree");
    fs::create_directory(dir_ / "outside");
    write(dir_ / "outside/secret.gtype", "root:x:0:0:root:/root:/bin/bash\n");
    write(dir_ / "outside/ok.gtype", "global protocol Ok(role a, role b) { a -> b : m(); }\n");
    write(dir_ / "tree/lib.gtype", "global protocol Lib(role a, role b) { a -> b : m(); }\n");
  }
  fs::path tree() const { return dir_ / "tree"; }
  fs::path outside() const { return fs::canonical(dir_ / "outside"); }
  // What gtype says of an import at 1:8 of tree/main.gtype that leads out of the tree.
  std::string refused(const std::string& line, const std::string& link_note,
                      const std::string& roots = "") const {
    std::string text = (tree() / "main.gtype").string() + ":1:8: error: cannot import " +
                       line.substr(7, line.size() - 8) +
                       ": it is outside the folders imports are confined to\n" + line + "\n       ^\n";
    if (!link_note.empty()) text += "note: a symbolic link on the way leads to '" + link_note + "'\n";
    return text + "note: --confine-imports allows only files under '" + tree().string() + "'" + roots + "\n";
  }

  TempDir dir_;
};

TEST_F(Confinement, ASymbolicLinkToAFileOutsideIsRefusedWithoutReadingIt) {
  fs::create_symlink("../outside/secret.gtype", tree() / "link.gtype");
  write(tree() / "main.gtype", "import \"link.gtype\";\n");
  EXPECT_EQ(confined_diagnostics(tree() / "main.gtype"),
            refused("import \"link.gtype\";", (outside() / "secret.gtype").string()));
  // Unconfined, the file is read: its text is a syntax error.
  const std::vector<std::string> unconfined = errors_of(tree() / "main.gtype");
  ASSERT_EQ(unconfined.size(), 1u);
  EXPECT_NE(unconfined[0].find("unexpected character"), std::string::npos) << unconfined[0];
}

TEST_F(Confinement, ASymbolicLinkToAFolderOutsideIsRefused) {
  fs::create_directory_symlink("../outside", tree() / "linked");
  write(tree() / "main.gtype", "import \"linked/ok.gtype\";\n");
  EXPECT_EQ(confined_diagnostics(tree() / "main.gtype"),
            refused("import \"linked/ok.gtype\";", (outside() / "ok.gtype").string()));
}

TEST_F(Confinement, ADottedImportFoundThroughASymbolicLinkOutsideIsRefused) {
  fs::create_symlink(outside() / "ok.gtype", tree() / "esc.gtype");
  write(tree() / "main.gtype", "import esc;\n");
  EXPECT_EQ(confined_diagnostics(tree() / "main.gtype"),
            refused("import esc;", (outside() / "ok.gtype").string()));
}

TEST_F(Confinement, ALoopOfSymbolicLinksIsRefused) {
  fs::create_symlink("loop.gtype", tree() / "loop.gtype");
  write(tree() / "main.gtype", "import \"loop.gtype\";\n");
  const std::string text = confined_diagnostics(tree() / "main.gtype");
  EXPECT_NE(text.find("cannot import \"loop.gtype\": it is outside the folders imports are confined to"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("note: its path cannot be resolved"), std::string::npos) << text;
}

TEST_F(Confinement, SymbolicLinksThatStayInsideAreFollowed) {
  fs::create_symlink("lib.gtype", tree() / "alias.gtype");
  fs::create_directory_symlink(".", tree() / "here");
  write(tree() / "main.gtype", "import \"alias.gtype\";\nimport \"here/here/lib.gtype\";\n");
  // Both name lib.gtype: it is loaded once, and imported twice (the one error).
  EXPECT_EQ(errors_of(tree() / "main.gtype", {{}, true}),
            std::vector<std::string>{"2:8: \"here/here/lib.gtype\" is imported twice"});
}

TEST_F(Confinement, ARootReachedThroughASymbolicLinkIsItsTarget) {
  fs::create_directory_symlink(tree(), dir_ / "tree_link");
  write(tree() / "main.gtype", "import \"lib.gtype\";\n");
  EXPECT_EQ(errors_of(dir_ / "tree_link/main.gtype", {{}, true}), std::vector<std::string>{});
}

TEST_F(Confinement, AnImportPathThatIsASymbolicLinkAllowsWhereItLeads) {
  fs::create_directory_symlink(outside(), dir_ / "include");
  write(tree() / "main.gtype", "import ok;\nimport secret;\n");
  // ok.gtype is read through the import path; so is secret.gtype, whose syntax error shows.
  const std::vector<std::string> errors =
      errors_of(tree() / "main.gtype", {{(dir_ / "include").string()}, true});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("unexpected character"), std::string::npos) << errors[0];
  // Without it, the same imports are outside.
  EXPECT_EQ(errors_of(tree() / "main.gtype", {{}, true}).size(), 2u);
}

TEST_F(Confinement, TheNoteNamesEveryAllowedFolderAsWritten) {
  write(tree() / "main.gtype", "import \"../outside/ok.gtype\";\n");
  const std::string same_tree = (tree() / "sub/..").string();
  EXPECT_EQ(confined_diagnostics(tree() / "main.gtype", {"no/such/folder", same_tree}),
            refused("import \"../outside/ok.gtype\";", "", ", 'no/such/folder', '" + same_tree + "'"));
}

}  // namespace
