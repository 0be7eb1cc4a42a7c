// Inputs of any shape reach a diagnostic, never a crash, a hang or unbounded memory (issue 9):
// invalid UTF-8, files that are not regular or too large, long chains of `do`.
// The nesting, inlining and verifier limits have golden tests (tests/golden/{check,cli,verify}).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <antlr4-runtime.h>

#include <filesystem>
#include <fstream>
#include <string>

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

std::vector<std::string> errors_of(const std::string& path) {
  gtype::SourceManager sources;
  gtype::DiagnosticEngine diagnostics(sources);
  gtype::FrontendResult result;
  const gtype::Status status = gtype::analyze_file(path, sources, diagnostics, result);
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
