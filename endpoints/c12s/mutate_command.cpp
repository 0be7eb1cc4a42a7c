// c12s mutate -f topology.yaml [--no-wait]: submits the desired state of listing 5.4 as an
// IdempotencyCheck session, prints its task id, and follows the task in the log until the
// topology is formed, already existed, or the task failed (unless --no-wait). "Submitted"
// means durable: the state service answers ok() only once the task is stored and its PENDING
// record is in the log, and then the task ends CREATED or FAILED within the state service's
// task deadline (docs/control-plane.md, Recovery).
//
// The file is checked first (every mistake named, with its line): nothing is sent for a file
// with errors. Exit: 0 formed or already there, 1 the task failed or the system did not
// answer, 2 the file is wrong.
#include <idempotency_check/user.h>
#include <logs_query/user.h>

#include <cstdio>
#include <thread>
#include <tuple>

#include "c12s/model/topology.h"
#include "c12s/services/convert.h"
#include "commands.h"
#include "output.h"

namespace c12s::cli {
namespace {

namespace ic = gtype_gen::idempotency_check::user;
namespace lq = gtype_gen::logs_query::user;

// The task's records so far, or an error.
gtype::Result<sorts::LogRecords> task_records(const Client& client, const std::string& task) {
  const system::SystemMap& map = client.map;
  gtype::rt::EndpointOptions options;
  options.connect_timeout = options.receive_timeout = std::chrono::milliseconds(3000);
  auto role = client.network.bind<lq::Role>("LogsQuery", 0, map.directory("LogsQuery"), options);
  if (!role.ok()) return role.error();
  auto s0 = role->start();
  if (!s0.ok()) return s0.error();
  auto s1 = std::move(*s0).connect_get(sorts::TaskId{task});
  if (!s1.ok()) return s1.error();
  auto records = std::move(*s1).receive();
  if (!records.ok()) return records.error();
  return records->value;
}

// The outcome the records show: EXISTS, CREATED or FAILED with its message; empty while running.
std::pair<std::string, std::string> outcome(const sorts::LogRecords& records) {
  std::pair<std::string, std::string> found;
  for (const sorts::LogRecord& r : records.records) {
    auto state = r.labels.find("state");
    if (state == r.labels.end()) continue;
    if (state->second == "EXISTS") return {state->second, r.message};
    if (state->second == "CREATED" || state->second == "FAILED") found = {state->second, r.message};
  }
  return found;
}

}  // namespace

int mutate_command(const ClientOptions& options, const std::string& file, bool wait) {
  model::Result<model::TopologySpec> topology = model::load_topology_file(file);
  if (!topology.ok()) {
    std::fputs(topology.error().message().c_str(), stderr);
    return 2;
  }
  std::optional<Client> client = client_of(options);
  if (!client) return 1;
  const system::SystemMap& map = client->map;
  auto fail = [](const gtype::Status& e) { return failure("mutate", e); };
  auto role = client->network.bind<ic::Role>("IdempotencyCheck", 0, map.directory("IdempotencyCheck"),
                                             client->endpoint);
  if (!role.ok()) return fail(role.error());
  auto s0 = role->start();
  if (!s0.ok()) return fail(s0.error());
  const std::string task = services::task_id(s0->session());
  auto s2 = std::move(*s0).connect_create(*topology);
  if (!s2.ok()) return fail(s2.error());
  if (auto ok = std::move(*s2).receive(); !ok.ok()) return fail(ok.error());
  out::MutateOutput output{kOutputSchema, task, topology->name, "PENDING", "submitted"};
  if (!options.json) {
    std::printf("task %s: topology %s submitted\n", task.c_str(), topology->name.c_str());
    std::fflush(stdout);
  }
  if (!wait) return options.json ? print_json(output) : 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::pair<std::string, std::string> result;
  while (result.first.empty() && std::chrono::steady_clock::now() < deadline) {
    gtype::Result<sorts::LogRecords> records = task_records(*client, task);
    if (records.ok()) result = outcome(*records);
    if (result.first.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (result.first.empty()) {
    std::fprintf(stderr,
                 "c12s mutate: task %s did not finish within 120 s; follow it with `c12s logs get %s`\n",
                 task.c_str(), task.c_str());
    return 1;
  }
  std::tie(output.state, output.message) = result;
  const int exit = output.state == "FAILED" ? 1 : 0;
  if (options.json) {
    print_json(output);
  } else if (output.state == "EXISTS") {
    std::printf("task %s: topology %s already exists: nothing to do\n", task.c_str(),
                output.topology.c_str());
  } else if (output.state == "CREATED") {
    std::printf("task %s: topology %s formed\n", task.c_str(), output.topology.c_str());
  } else {
    std::printf("task %s: failed: %s\n", task.c_str(), printable(output.message).c_str());
  }
  return exit;
}

}  // namespace c12s::cli
