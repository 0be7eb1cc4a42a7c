// What the user commands print of text that came over the network (endpoints/c12s/output.h):
// every control character escaped in text output, valid UTF-8 otherwise kept, and JSON that
// carries no control character raw either, reading back as the same value.
#include "output.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gtype/utf8.h"

namespace c12s::cli {
namespace {

// U+00NN in UTF-8.
std::string latin1(unsigned value) {
  if (value < 0x80) return std::string(1, static_cast<char>(value));
  return {static_cast<char>(0xc0 | (value >> 6)), static_cast<char>(0x80 | (value & 0x3f))};
}

// The text printable() escaped, written independently of it: the escapes are unambiguous
// when this gives back every original.
std::string unescaped(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    const char kind = text.at(++i);
    if (kind == 'x') {
      out += static_cast<char>(std::stoul(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (kind == 'u') {  // \u{NN}
      out += latin1(static_cast<unsigned>(std::stoul(text.substr(i + 2, 2), nullptr, 16)));
      i += 4;
    } else {
      out += kind == 't' ? '\t' : kind == 'n' ? '\n' : kind == 'r' ? '\r' : kind == 'e' ? '\x1b' : kind;
    }
  }
  return out;
}

// Whether `text` is valid UTF-8 without a C0 control, DEL or a C1 control.
bool terminal_safe(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = gtype::utf8_sequence_length(std::string_view(text).substr(i));
    if (length == 0) return false;
    const auto first = static_cast<unsigned char>(text[i]);
    if (first < 0x20 || first == 0x7f) return false;
    if (first == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) return false;
    i += length;
  }
  return true;
}

TEST(Printable, PlainTextAndLettersOfAnyScriptStayAsTheyAre) {
  EXPECT_EQ(printable("node-1 is free"), "node-1 is free");
  EXPECT_EQ(printable("caf\u00e9 \u65e5\u672c \U0001f600 \u00a0nbsp"),
            "caf\u00e9 \u65e5\u672c \U0001f600 \u00a0nbsp");
  EXPECT_EQ(printable(""), "");
}

TEST(Printable, C0ControlsAndDelAreEscaped) {
  EXPECT_EQ(printable("a\tb\nc\rd\x1b[2Je"), "a\\tb\\nc\\rd\\e[2Je");
  EXPECT_EQ(printable(std::string("\x00\x07\x08\x1f\x7f", 5)), "\\x00\\x07\\x08\\x1f\\x7f");
}

TEST(Printable, C1ControlsAreEscapedAsCodePoints) {
  EXPECT_EQ(printable("\u0085next\u009b31m"), "\\u{85}next\\u{9b}31m");
  EXPECT_EQ(printable("\u0080\u009f\u00a0"), "\\u{80}\\u{9f}\u00a0");  // U+00A0 is a letter's neighbour, kept
}

TEST(Printable, BytesThatAreNotUtf8AreEscapedOneByOne) {
  EXPECT_EQ(printable("\x9b"
                      "31m"),
            "\\x9b31m");                                    // a raw 8-bit CSI
  EXPECT_EQ(printable("\xe6\x97"), "\\xe6\\x97");           // a truncated sequence
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");           // an overlong '/'
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(Printable, ABackslashIsDoubledSoNoEscapeCanBeForged) {
  EXPECT_EQ(printable("C:\\new"), "C:\\\\new");
  EXPECT_NE(printable("\\n"), printable("\n"));
}

RC_GTEST_PROP(Printable, AnyBytesBecomeSafeTextThatReadsBack, (const std::vector<std::uint8_t>& bytes)) {
  const std::string text(bytes.begin(), bytes.end());
  const std::string shown = printable(text);
  RC_ASSERT(terminal_safe(shown));
  RC_ASSERT(unescaped(shown) == text);
}

sorts::LogRecord hostile_record() {
  return sorts::LogRecord{"t1\r\nFORGED",
                          1700000000123,
                          "info\x1b[8m",
                          {{"service", "state\x07"}, {"k\n", "v"}},
                          "node-3 is dead\x1b[2K\r\u009b31m\x7f caf\u00e9"};
}

TEST(LogLine, EveryFieldOfARecordIsPrintable) {
  EXPECT_EQ(log_line(hostile_record()),
            "2023-11-14T22:13:20.123Z info\\e[8m t1\\r\\nFORGED k\\n=v,service=state\\x07 "
            "node-3 is dead\\e[2K\\r\\u{9b}31m\\x7f caf\u00e9");
  sorts::LogRecord plain{"", 0, "warning", {}, "ok"};
  EXPECT_EQ(log_line(plain), "1970-01-01T00:00:00.000Z warning -  ok");
  plain.level = "info";
  EXPECT_EQ(log_line(plain), "1970-01-01T00:00:00.000Z info    -  ok");
}

// Columns line up on characters, not bytes: 'é' is one column.
TEST(Tables, CellsAndLabelsArePrintable) {
  const std::vector<out::NodeRow> rows{{"node-1\x1b]0;owned\x07",
                                        "n\u00e9",
                                        "used",
                                        "suspect",
                                        "2023-11-14T22:13:20Z",
                                        {{"node-2\x1b", "suspect"}},
                                        {{"os", "linux\r"}}}};
  EXPECT_EQ(rows_table(rows),
            "ID                    NAME  STATUS  HEALTH   LAST CHECK            SWIM              LABELS\n"
            "node-1\\e]0;owned\\x07  n\u00e9    used    suspect  2023-11-14T22:13:20Z  node-2\\e=suspect  "
            "os=linux\\r\n");
  EXPECT_EQ(labels_text({{"a\tb", "\u0085"}}), "a\\tb=\\u{85}");
}

TEST(Times, UtcTextIsIso8601ToTheSecond) {
  EXPECT_EQ(utc_text(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(utc_text(1700000000), "2023-11-14T22:13:20Z");
}

TEST(JsonOutput, NoControlCharacterIsWrittenRawAndTheValueReadsBack) {
  const out::LogsOutput output{kOutputSchema, {hostile_record()}};
  const std::string json = json_for_terminal(gtype::gen::to_json_text(output));
  EXPECT_TRUE(terminal_safe(json)) << json;
  EXPECT_NE(json.find(R"("message":"node-3 is dead\u001b[2K\r\u009b31m\u007f caf)"), std::string::npos)
      << json;
  gtype::Result<out::LogsOutput> back = gtype::gen::from_json_text<out::LogsOutput>(json);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->records.at(0).message, output.records[0].message);
  EXPECT_EQ(back->records.at(0).labels, output.records[0].labels);
  EXPECT_EQ(back->records.at(0).task, output.records[0].task);
}

TEST(JsonOutput, BytesThatAreNotUtf8BecomeTheReplacementCharacter) {
  const std::string json =
      json_for_terminal(gtype::gen::to_json_text(out::LogsOutput{kOutputSchema,
                                                                 {sorts::LogRecord{"",
                                                                                   0,
                                                                                   "info",
                                                                                   {},
                                                                                   "\x9b"
                                                                                   "31m"}}}));
  EXPECT_TRUE(terminal_safe(json)) << json;
  EXPECT_NE(json.find("\"message\":\"\xef\xbf\xbd"
                      "31m\""),
            std::string::npos)
      << json;
}

TEST(JsonOutput, TextWithoutControlsIsUnchanged) {
  const std::string json = R"({"a":"caf)"
                           "\u00e9 \u00a0 \u65e5"
                           R"(","b":[1,2.5,null]})";
  EXPECT_EQ(json_for_terminal(json), json);
}

}  // namespace
}  // namespace c12s::cli
