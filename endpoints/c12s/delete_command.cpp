// c12s delete TOPOLOGY: a Deletion session. The topology's nodes go back to the pool, their
// daemons leave their clusters, its desired state and fingerprint go, and the task is logged.
// Deleting a topology that does not exist changes nothing and says so (ABSENT, exit 0: the same
// request twice ends in the same state, as `mutate` does); another user's is refused (exit 1).
#include <deletion/user.h>

#include <cstdio>

#include "c12s/model/labels.h"
#include "commands.h"
#include "output.h"
#include "sessions.h"

namespace c12s::cli {
namespace {
namespace dl = gtype_gen::deletion::user;

out::DeleteOutput to_output(const sorts::DeleteResult& result) {
  return out::DeleteOutput{kOutputSchema, result.task,    result.topology,
                           result.state,  result.message, result.nodes};
}

}  // namespace

gtype::Result<out::DeleteOutput> delete_topology(const Client& client, const std::string& topology) {
  auto role = client.network.bind<dl::Role>("Deletion", 0, client.map.directory("Deletion"), client.endpoint);
  if (!role.ok()) return role.error();
  auto s0 = role->start();
  if (!s0.ok()) return s0.error();
  auto s1 = std::move(*s0).connect_delete(sorts::DeleteRequest{topology});
  if (!s1.ok()) return s1.error();
  auto answer = std::move(*s1).receive();
  if (!answer.ok()) return answer.error();
  if (auto* refused = std::get_if<dl::AfterDelete::Refused>(&*answer))
    return gtype::Status{gtype::StatusCode::kAborted, refused->value};
  if (auto* absent = std::get_if<dl::AfterDelete::Absent>(&*answer)) return to_output(absent->value);
  return to_output(std::get<dl::AfterDelete::Deleted>(*answer).value);
}

int delete_command(const ClientOptions& options, const std::string& topology) {
  if (!model::is_name(topology)) {
    std::fprintf(stderr, "c12s delete: '%s' is not a topology name (%s)\n", printable(topology).c_str(),
                 std::string(model::kNameRule).c_str());
    return 2;
  }
  std::optional<Client> client = client_of(options);
  if (!client) return 1;
  gtype::Result<out::DeleteOutput> output = delete_topology(*client, topology);
  if (!output.ok()) return failure("delete", output.error());
  if (options.json) return print_json(*output);
  std::printf("task %s: %s\n", output->task.c_str(), printable(output->message).c_str());
  return 0;
}

}  // namespace c12s::cli
