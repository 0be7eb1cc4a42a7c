// What the user commands print: one value of an output sort (protocols/cli.gtype) each, as JSON
// (--json: the sort's generated to_json) or as text, whose tables have a column per field of
// the row sort, named after it: text and JSON are two views of one value.
//
// Text that came over the network (names, labels, log messages: anything a process that can
// reach a service may have put there) is printed through printable(), so that it cannot move
// the cursor, rewrite the screen or forge lines on the user's terminal; JSON escapes it too.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sorts/c12s/cli.h>
#include <sorts/c12s/sorts.h>

#include <gtype/gen/json.h>

namespace c12s::cli {

namespace out = gtype_gen::sorts::c12s::cli;
namespace sorts = gtype_gen::sorts::c12s::sorts;

// The version of every output's layout (protocols/cli.gtype: `schema`).
inline constexpr std::uint64_t kOutputSchema = 1;

// `text` with every control character escaped, valid UTF-8 otherwise as it is (letters of any
// script stay): \t \n \r, \e (ESC), \xNN for the other C0 controls and DEL, \u{NN} for the C1
// controls U+0080..U+009F, \xNN for each byte that is not valid UTF-8, and \\ for a backslash,
// so that an escape in the text cannot pass for one made here.
std::string printable(std::string_view text);

// JSON text as the writer made it (C0 controls escaped, invalid UTF-8 replaced by U+FFFD) with
// DEL and the C1 controls, which JSON may carry raw, escaped too: \u007f, \u0080..\u009f. The
// value it reads back as is the same.
std::string json_for_terminal(std::string_view json);

// Prints `value` as one line of JSON; returns 0.
template <typename Output>
int print_json(const Output& value) {
  std::printf("%s\n", json_for_terminal(gtype::gen::to_json_text(value)).c_str());
  return 0;
}

std::string labels_text(const std::map<std::string, std::string>& labels);  // "k=v,k2=v2", printable
// Columns padded to their widest cell; the first row is the header.
std::string table(const std::vector<std::vector<std::string>>& rows);

// A field's value in a table cell (text: printable).
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

// Unix `seconds` as UTC, ISO 8601: "2026-12-07T23:50:01Z".
std::string utc_text(std::int64_t seconds);

out::FreeNodeRow free_node_row(const sorts::NodeStatus& node);  // query
out::NodeRow node_row(const sorts::NodeStatus& node);           // list --detail
out::NodesRow nodes_row(const sorts::NodeStatus& node);         // nodes

// One line of `c12s logs` (without its newline): time (UTC, ms), level, task ("-" for none),
// labels, message; every text printable.
std::string log_line(const sorts::LogRecord& record);

}  // namespace c12s::cli
