// c12s logs get TASK, c12s logs list --selector k=v,...: LogsQuery sessions with the log
// service. Records print oldest first, one a line: time, level, task, labels, message, with
// control characters escaped (output.h, printable).
#include <logs_query/user.h>

#include <cstdio>

#include "c12s/model/selector.h"
#include "commands.h"
#include "output.h"

namespace c12s::cli {
namespace {

namespace lq = gtype_gen::logs_query::user;

int print(const ClientOptions& options, const sorts::LogRecords& records) {
  if (options.json) return print_json(out::LogsOutput{kOutputSchema, records.records});
  for (const sorts::LogRecord& r : records.records) std::printf("%s\n", log_line(r).c_str());
  return 0;
}

// Runs one LogsQuery session; `ask` takes Start to the state that receives the records.
template <typename Ask>
int run(const ClientOptions& options, const char* what, Ask ask) {
  std::optional<Client> client = client_of(options);
  if (!client) return 1;
  gtype::Result<lq::Role> role =
      client->network.bind<lq::Role>("LogsQuery", 0, client->map.directory("LogsQuery"), client->endpoint);
  if (!role.ok()) return failure(what, role.error());
  auto s0 = role->start();
  if (!s0.ok()) return failure(what, s0.error());
  gtype::Result<sorts::LogRecords> records = ask(std::move(*s0));
  if (!records.ok()) return failure(what, records.error());
  return print(options, *records);
}

template <typename State>
gtype::Result<sorts::LogRecords> records_of(gtype::Result<State> state) {
  if (!state.ok()) return state.error();
  auto answer = std::move(*state).receive();
  if (!answer.ok()) return answer.error();
  return answer->value;
}

}  // namespace

int logs_get_command(const ClientOptions& options, const std::string& task) {
  return run(options, "logs get",
             [&](lq::Start s0) { return records_of(std::move(s0).connect_get(sorts::TaskId{task})); });
}

int logs_list_command(const ClientOptions& options, const std::string& selector_text, unsigned limit) {
  std::optional<model::Selector> selector = selector_arg(selector_text);
  if (!selector) return 2;
  const sorts::LogsFilter filter{*selector, limit};
  return run(options, "logs list",
             [&](lq::Start s0) { return records_of(std::move(s0).connect_list(filter)); });
}

}  // namespace c12s::cli
