// Rendering of diagnostics: the contract's format, carets under characters, order, duplicates.
#include <gtest/gtest.h>

#include <sstream>

#include "gtype/diagnostic.h"

namespace {

TEST(Diagnostics, RendersLocationSourceLineCaretAndNotes) {
  gtype::SourceManager sources;
  auto file = sources.add("a.gtype", "first line\n  second line\n");
  gtype::DiagnosticEngine diagnostics(sources);
  auto& d = diagnostics.error({file, 2, 3}, "something is wrong");
  d.notes.push_back({{file, 1, 1}, "because of this"});
  d.notes.push_back({{}, "a note without a place"});
  std::ostringstream out;
  EXPECT_EQ(diagnostics.print(out).errors, 1u);
  EXPECT_EQ(out.str(),
            "a.gtype:2:3: error: something is wrong\n"
            "  second line\n"
            "  ^\n"
            "a.gtype:1:1: note: because of this\n"
            "first line\n"
            "^\n"
            "note: a note without a place\n");
}

TEST(Diagnostics, CaretCountsCharactersAndKeepsTabs) {
  gtype::SourceManager sources;
  // "é" is two bytes in UTF-8 but one column.
  auto file = sources.add("u.gtype", "\t// é x\n");
  gtype::DiagnosticEngine diagnostics(sources);
  diagnostics.error({file, 1, 7}, "here");
  std::ostringstream out;
  diagnostics.print(out);
  EXPECT_EQ(out.str(), "u.gtype:1:7: error: here\n\t// é x\n\t     ^\n");
}

TEST(Diagnostics, SortedByPositionAndPrintedOnce) {
  gtype::SourceManager sources;
  auto first = sources.add("b.gtype", "x\ny\n");
  auto again = sources.add("b.gtype", "x\ny\n");  // the same file loaded by a second root
  gtype::DiagnosticEngine diagnostics(sources);
  diagnostics.error({first, 2, 1}, "second");
  diagnostics.error({first, 1, 1}, "first");
  diagnostics.error({again, 2, 1}, "second");
  std::ostringstream out;
  EXPECT_EQ(diagnostics.print(out).errors, 2u);
  EXPECT_EQ(out.str(), "b.gtype:1:1: error: first\nx\n^\nb.gtype:2:1: error: second\ny\n^\n");
  EXPECT_EQ(diagnostics.error_count(), 3u);
}

TEST(Diagnostics, WarningsAmongErrorsAndTheSummary) {
  gtype::SourceManager sources;
  auto file = sources.add("w.gtype", "x\ny\n");
  gtype::DiagnosticEngine diagnostics(sources);
  diagnostics.warning({file, 2, 1}, "ignored");
  diagnostics.error({file, 1, 1}, "wrong");
  EXPECT_FALSE(diagnostics.errors().empty());
  EXPECT_EQ(diagnostics.error_count(), 1u);
  std::ostringstream out;
  const gtype::DiagnosticEngine::Printed printed = diagnostics.print(out);
  EXPECT_EQ(printed.errors, 1u);
  EXPECT_EQ(printed.warnings, 1u);
  EXPECT_EQ(out.str(), "w.gtype:1:1: error: wrong\nx\n^\nw.gtype:2:1: warning: ignored\ny\n^\n");
  EXPECT_EQ(gtype::summary_line(printed), "1 warning and 1 error generated.");
  EXPECT_EQ(gtype::summary_line({0, 2}), "2 warnings generated.");
  EXPECT_EQ(gtype::summary_line({3, 0}), "3 errors generated.");
  EXPECT_EQ(gtype::summary_line({0, 0}), "");
}

TEST(Diagnostics, OnlyWarningsAreNoErrors) {
  gtype::SourceManager sources;
  auto file = sources.add("w.gtype", "x\n");
  gtype::DiagnosticEngine diagnostics(sources);
  diagnostics.warning({file, 1, 1}, "ignored");
  EXPECT_FALSE(diagnostics.has_errors());
  EXPECT_EQ(diagnostics.warnings().size(), 1u);
}

TEST(SourceManager, LinesWithoutTerminatorsAndPastTheEnd) {
  gtype::SourceManager sources;
  auto file = sources.add("c.gtype", "one\r\ntwo");
  EXPECT_EQ(sources.line(file, 1), "one");
  EXPECT_EQ(sources.line(file, 2), "two");
  EXPECT_EQ(sources.line(file, 3), "");
}

}  // namespace
