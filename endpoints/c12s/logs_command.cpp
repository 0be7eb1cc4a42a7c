// c12s logs get TASK, c12s logs list --selector k=v,...: LogsQuery sessions with the log
// service. Records print oldest first, one a line: time, level, task, labels, message, with
// control characters escaped (output.h, printable). logs_get() and logs_list() run the session
// and return the output sort (sessions.h; mutate and the dashboard use them too).
#include <logs_query/user.h>

#include <cstdio>

#include "c12s/model/selector.h"
#include "commands.h"
#include "output.h"
#include "sessions.h"

namespace c12s::cli {
namespace {

namespace lq = gtype_gen::logs_query::user;

int print(const ClientOptions& options, const out::LogsOutput& output) {
  if (options.json) return print_json(output);
  for (const sorts::LogRecord& r : output.records) std::printf("%s\n", log_line(r).c_str());
  return 0;
}

// Runs one LogsQuery session; `ask` takes Start to the state that receives the records.
template <typename Ask>
gtype::Result<out::LogsOutput> logs_session(const Client& client, Ask ask) {
  gtype::Result<sorts::LogRecords> records = ask_once<sorts::LogRecords, lq::Role>(client, "LogsQuery", ask);
  if (!records.ok()) return records.error();
  return out::LogsOutput{kOutputSchema, std::move(records->records)};
}

// Prints what the session brought back, or why it failed.
int print_or_fail(const ClientOptions& options, const char* what,
                  const gtype::Result<out::LogsOutput>& output) {
  return output.ok() ? print(options, *output) : failure(what, output.error());
}

}  // namespace

gtype::Result<out::LogsOutput> logs_get(const Client& client, const std::string& task) {
  return logs_session(client, [&](lq::Start s0) { return std::move(s0).connect_get(sorts::TaskId{task}); });
}

gtype::Result<out::LogsOutput> logs_list(const Client& client, const sorts::LogsFilter& filter) {
  return logs_session(client, [&](lq::Start s0) { return std::move(s0).connect_list(filter); });
}

int logs_get_command(const ClientOptions& options, const std::string& task) {
  std::optional<Client> client = client_of(options);
  if (!client) return 1;
  return print_or_fail(options, "logs get", logs_get(*client, task));
}

int logs_list_command(const ClientOptions& options, const std::string& selector_text, unsigned limit) {
  std::optional<model::Selector> selector = selector_arg(selector_text);
  if (!selector) return 2;
  std::optional<Client> client = client_of(options);
  if (!client) return 1;
  return print_or_fail(options, "logs list", logs_list(*client, sorts::LogsFilter{*selector, limit}));
}

}  // namespace c12s::cli
