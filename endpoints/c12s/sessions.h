// What the user commands ask the running system, each as the sessions it runs and the value of
// the command's output sort (protocols/cli.gtype) they bring back. The `c12s` commands print
// that value (text or --json); `c12s dashboard` serves its JSON: one schema for both.
//
// Nothing here prints, and nothing reads the command line: the caller has the Client
// (commands.h, client_of) and checked its input (a selector, a topology file). A failed session
// comes back as its Status, for the caller to word.
#pragma once

#include <chrono>
#include <string>

#include "c12s/model/selector.h"
#include "c12s/model/topology.h"
#include "commands.h"
#include "output.h"

namespace c12s::cli {

// Runs one session as the user's `Role` of `protocol` that asks once and gets one answer:
// `ask` takes the session's Start to the state that receives it; the answer's value.
template <typename Value, typename Role, typename Ask>
gtype::Result<Value> ask_once(const Client& client, const char* protocol, Ask ask) {
  gtype::Result<Role> role =
      client.network.bind<Role>(protocol, 0, client.map.directory(protocol), client.endpoint);
  if (!role.ok()) return role.error();
  auto s0 = role->start();
  if (!s0.ok()) return s0.error();
  auto s1 = ask(std::move(*s0));
  if (!s1.ok()) return s1.error();
  auto answer = std::move(*s1).receive();
  if (!answer.ok()) return answer.error();
  return std::move(answer->value);
}

// ListDetail `list_brief`: every formed topology whose labels the selector's match.
gtype::Result<out::ListOutput> list_brief(const Client& client, const model::Selector& selector);
// ListDetail `list`: every formed cluster of those topologies, with its nodes.
gtype::Result<out::ListDetailOutput> list_detail(const Client& client, const model::Selector& selector);

// LogsQuery `get`: the task's records, oldest first.
gtype::Result<out::LogsOutput> logs_get(const Client& client, const std::string& task);
// LogsQuery `list`: the newest `filter.limit` records (0: all) whose labels include the
// selector's, oldest first.
gtype::Result<out::LogsOutput> logs_list(const Client& client, const sorts::LogsFilter& filter);

// IdempotencyCheck: submits `topology`; its task (the session's id) as MutateOutput, state
// PENDING. Once it answers, the task is stored and its PENDING record is in the log.
gtype::Result<out::MutateOutput> mutate_submit(const Client& client, const model::TopologySpec& topology);
// Follows `submitted`'s task in the log until its outcome (CREATED, EXISTS or FAILED, with the
// log's message) or `deadline`; state stays PENDING when none came by then.
out::MutateOutput mutate_outcome(const Client& client, out::MutateOutput submitted,
                                 std::chrono::steady_clock::time_point deadline);

// NodeList: every registered node whose labels include the selector's, ordered by id (an
// admin's session with CURVE: the operator's view).
gtype::Result<out::NodesOutput> nodes_list(const Client& client, const model::Selector& selector);

// Deletion: deletes `topology` (its nodes back to the pool, their daemons out of their
// clusters, its desired state gone); DELETED or ABSENT. A refusal (another user's topology)
// comes back as an error saying so.
gtype::Result<out::DeleteOutput> delete_topology(const Client& client, const std::string& topology);

}  // namespace c12s::cli
