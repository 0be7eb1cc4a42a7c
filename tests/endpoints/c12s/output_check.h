// Checks of the user commands' output (protocols/cli.gtype): the --json output reads back as its
// sort with the generated from_json, and the text shows the same fields, a column each, with the
// same values (formatted here independently of the command).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <sorts/c12s/cli.h>

#include <gtype/gen/json.h>

namespace c12s_test {

namespace out = gtype_gen::sorts::c12s::cli;

// `json` as an Output, failing the test when it is not one (or not schema 1).
template <typename Output>
Output read_output(const std::string& json) {
  gtype::Result<Output> value = gtype::gen::from_json_text<Output>(json);
  EXPECT_TRUE(value.ok()) << (value.ok() ? "" : value.error().message()) << "\n" << json;
  if (!value.ok()) return Output{};
  EXPECT_EQ(value->schema, 1u) << json;
  return *value;
}

inline std::string shown(const std::string& value) { return value; }
inline std::string shown(std::uint64_t value) { return std::to_string(value); }
inline std::string shown(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}
inline std::string shown(const std::map<std::string, std::string>& labels) {
  if (labels.empty()) return "-";
  std::string text;
  for (const auto& [key, value] : labels) text += (text.empty() ? "" : ",") + key + "=" + value;
  return text;
}
template <typename T>
std::string shown(const std::optional<T>& value) {
  return value ? shown(*value) : "-";
}

// The cells of a text table: columns are two spaces or more apart; lines' leading spaces go.
inline std::vector<std::vector<std::string>> cells_of(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    line = std::regex_replace(line, std::regex("^ +| +$"), "");
    std::vector<std::string> cells;
    const std::regex gap(" {2,}");
    for (std::sregex_token_iterator it(line.begin(), line.end(), gap, -1), end; it != end; ++it)
      cells.push_back(*it);
    rows.push_back(cells);
  }
  return rows;
}

// `text` is `rows` as a table: a header naming each field of Row in capitals, then a line per
// row with each field's value. The columns named in `unchecked` (values that change between
// two runs of a command, such as a node's last health check) are compared by header only.
template <typename Row>
void expect_table_of(const std::string& text, const std::vector<Row>& rows,
                     const std::vector<std::string>& unchecked = {}) {
  std::vector<std::vector<std::string>> expected(1);
  std::apply(
      [&](const auto&... field) {
        auto capital = [](std::string name) {
          for (char& c : name)
            c = c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          return name;
        };
        (expected[0].push_back(capital(field.name)), ...);
        for (const Row& row : rows) {
          std::vector<std::string> line{shown(row.*(field.member))...};
          // A table cell of an empty value leaves nothing between the gaps: drop trailing ones.
          while (!line.empty() && line.back().empty()) line.pop_back();
          expected.push_back(line);
        }
      },
      Row::gtype_fields());
  std::vector<std::vector<std::string>> actual = cells_of(text);
  for (std::size_t column = 0; column < expected[0].size(); ++column) {
    if (std::find(unchecked.begin(), unchecked.end(), expected[0][column]) == unchecked.end()) continue;
    for (std::size_t row = 1; row < expected.size() && row < actual.size(); ++row) {
      if (column < actual[row].size() && column < expected[row].size())
        actual[row][column] = expected[row][column];
    }
  }
  EXPECT_EQ(actual, expected) << text;
}

}  // namespace c12s_test
