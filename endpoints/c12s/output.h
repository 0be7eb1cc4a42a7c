// What the user commands print: one value of an output sort (protocols/cli.gtype) each, as JSON
// (--json: the sort's generated to_json) or as text, whose tables have a column per field of
// the row sort, named after it: text and JSON are two views of one value.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sorts/c12s/cli.h>
#include <sorts/c12s/sorts.h>

#include <gtype/gen/json.h>

namespace c12s::cli {

namespace out = gtype_gen::sorts::c12s::cli;
namespace sorts = gtype_gen::sorts::c12s::sorts;

// The version of every output's layout (protocols/cli.gtype: `schema`).
inline constexpr std::uint64_t kOutputSchema = 1;

// Prints `value` as one line of JSON; returns 0.
template <typename Output>
int print_json(const Output& value) {
  std::printf("%s\n", gtype::gen::to_json_text(value).c_str());
  return 0;
}

std::string labels_text(const std::map<std::string, std::string>& labels);  // "k=v,k2=v2"
// Columns padded to their widest cell; the first row is the header.
std::string table(const std::vector<std::vector<std::string>>& rows);

// A field's value in a table cell.
std::string cell_text(const std::string& value);
std::string cell_text(std::uint64_t value);
std::string cell_text(double value);  // %g
std::string cell_text(const std::map<std::string, std::string>& labels);
template <typename T>
std::string cell_text(const std::optional<T>& value) {
  return value ? cell_text(*value) : "-";
}

// "last_seen" -> "LAST SEEN"
std::string column_name(const std::string& field);
// Every line of `text` after `indent`.
std::string indented(const std::string& text, const std::string& indent);

// `rows` as a table: a column per field of Row, headed by its name in capitals.
template <typename Row>
std::string rows_table(const std::vector<Row>& rows) {
  std::vector<std::vector<std::string>> cells(1);
  std::apply(
      [&](const auto&... field) {
        (cells[0].push_back(column_name(field.name)), ...);
        for (const Row& row : rows) cells.push_back({cell_text(row.*(field.member))...});
      },
      Row::gtype_fields());
  return table(cells);
}

out::NodeRow node_row(const sorts::NodeStatus& node);

}  // namespace c12s::cli
