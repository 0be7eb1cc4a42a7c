// c12s mutate -f topology.yaml [--no-wait]: submits the desired state of listing 5.4 as an
// IdempotencyCheck session, prints its task id, and follows the task in the log until the
// topology is formed, already existed, or the task failed (unless --no-wait). "Submitted"
// means durable: the state service answers ok() only once the task is stored and its PENDING
// record is in the log, and then the task ends CREATED or FAILED within the state service's
// task deadline (docs/control-plane.md, Recovery).
//
// The file is checked first (every mistake named, with its line): nothing is sent for a file
// with errors. Exit: 0 formed or already there, 1 the task failed or the system did not
// answer, 2 the file is wrong. mutate_submit() and mutate_outcome() run the sessions and
// return the output sort (sessions.h; the dashboard's "mutate from file" uses them too).
#include <idempotency_check/user.h>

#include <cstdio>
#include <thread>
#include <tuple>

#include "c12s/model/topology.h"
#include "c12s/services/convert.h"
#include "commands.h"
#include "output.h"
#include "sessions.h"

namespace c12s::cli {
namespace {

namespace ic = gtype_gen::idempotency_check::user;

constexpr auto kFollowFor = std::chrono::seconds(120);

// The outcome the records show: EXISTS, CREATED or FAILED with its message; empty while running.
std::pair<std::string, std::string> outcome(const out::LogsOutput& records) {
  std::pair<std::string, std::string> found;
  for (const sorts::LogRecord& r : records.records) {
    auto state = r.labels.find("state");
    if (state == r.labels.end()) continue;
    if (state->second == "EXISTS") return {state->second, r.message};
    if (state->second == "CREATED" || state->second == "FAILED") found = {state->second, r.message};
  }
  return found;
}

int print_outcome(const ClientOptions& options, const out::MutateOutput& output) {
  if (options.json) {
    print_json(output);
  } else if (output.state == "EXISTS") {
    std::printf("task %s: topology %s already exists: nothing to do\n", output.task.c_str(),
                output.topology.c_str());
  } else if (output.state == "CREATED") {
    std::printf("task %s: topology %s formed\n", output.task.c_str(), output.topology.c_str());
  } else {
    std::printf("task %s: failed: %s\n", output.task.c_str(), printable(output.message).c_str());
  }
  return output.state == "FAILED" ? 1 : 0;
}

}  // namespace

gtype::Result<out::MutateOutput> mutate_submit(const Client& client, const model::TopologySpec& topology) {
  auto role = client.network.bind<ic::Role>("IdempotencyCheck", 0, client.map.directory("IdempotencyCheck"),
                                            client.endpoint);
  if (!role.ok()) return role.error();
  auto s0 = role->start();
  if (!s0.ok()) return s0.error();
  const std::string task = services::task_id(s0->session());
  auto s2 = std::move(*s0).connect_create(topology);
  if (!s2.ok()) return s2.error();
  if (auto ok = std::move(*s2).receive(); !ok.ok()) return ok.error();
  return out::MutateOutput{kOutputSchema, task, topology.name, "PENDING", "submitted"};
}

out::MutateOutput mutate_outcome(const Client& client, out::MutateOutput submitted,
                                 std::chrono::steady_clock::time_point deadline) {
  std::pair<std::string, std::string> result;
  while (result.first.empty() && std::chrono::steady_clock::now() < deadline) {
    gtype::Result<out::LogsOutput> records = logs_get(client, submitted.task);
    if (records.ok()) result = outcome(*records);
    if (result.first.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (!result.first.empty()) std::tie(submitted.state, submitted.message) = result;
  return submitted;
}

int mutate_command(const ClientOptions& options, const std::string& file, bool wait) {
  model::Result<model::TopologySpec> topology = model::load_topology_file(file);
  if (!topology.ok()) {
    std::fputs(topology.error().message().c_str(), stderr);
    return 2;
  }
  std::optional<Client> client = client_of(options);
  if (!client) return 1;
  gtype::Result<out::MutateOutput> submitted = mutate_submit(*client, *topology);
  if (!submitted.ok()) return failure("mutate", submitted.error());
  if (!options.json) {
    std::printf("task %s: topology %s submitted\n", submitted->task.c_str(), topology->name.c_str());
    std::fflush(stdout);
  }
  if (!wait) return options.json ? print_json(*submitted) : 0;
  const out::MutateOutput output =
      mutate_outcome(*client, *submitted, std::chrono::steady_clock::now() + kFollowFor);
  if (output.state == "PENDING") {
    std::fprintf(stderr,
                 "c12s mutate: task %s did not finish within 120 s; follow it with `c12s logs get %s`\n",
                 output.task.c_str(), output.task.c_str());
    return 1;
  }
  return print_outcome(options, output);
}

}  // namespace c12s::cli
