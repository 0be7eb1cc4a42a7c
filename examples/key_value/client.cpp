// The client of KeyValue (key_value.gtype), written with the state-channel API: each state is
// a value whose methods are the actions the protocol allows there, and each action consumes it
// (std::move) and returns the next state.
//
//   kv_client STORE_ADDRESS
//
// Connects to the store, puts two entries, gets one that is there and one that is not, and
// says bye. STORE_ADDRESS `-` reads the store's "serving at ADDRESS" line from standard input.
#include <cstdio>
#include <iostream>
#include <string>
#include <variant>

#include <key_value/client.h>

namespace kv = gtype_gen::key_value;
namespace rt = gtype::rt;

namespace {

int fail(const char* what, const gtype::Status& error) {
  std::fprintf(stderr, "kv_client: %s: %s\n", what, error.message().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: kv_client STORE_ADDRESS\n");
    return 2;
  }
  std::string store = argv[1];
  if (store == "-") {
    std::string line;
    std::getline(std::cin, line);  // "store: serving at ADDRESS"
    store = line.substr(line.rfind(' ') + 1);
  }
  rt::Directory directory;
  directory.set("store", store);
  // The client binds an address too, where the store's replies arrive (port 0: any free one).
  auto role = kv::client::Role::bind("tcp://127.0.0.1:0", directory);
  if (!role) return fail("bind", role.error());

  // Start: store!!hello(string). ...
  auto start = role->start();
  if (!start) return fail("start", start.error());
  auto session = std::move(*start).connect_hello("example client");
  if (!session) return fail("hello", session.error());

  // LoopSession: +{ store!put(Entry).store?stored().session ; store!get(string)... ;
  //   store!bye().end }
  for (const kv::Entry& entry : {kv::Entry{"colour", "blue"}, kv::Entry{"size", "large"}}) {
    auto put = std::move(*session).send_put(entry);
    if (!put) return fail("put", put.error());
    auto stored = std::move(*put).receive();  // AfterSessionPut: store?stored()
    if (!stored) return fail("stored", stored.error());
    session = std::move(stored->next);
  }
  for (const std::string key : {"colour", "weight"}) {
    auto get = std::move(*session).send_get(key);
    if (!get) return fail("get", get.error());
    // AfterSessionGet: +{ store?found(Entry) ; store?missing(string) }
    auto answer = std::move(*get).receive();
    if (!answer) return fail("answer", answer.error());
    if (auto* found = std::get_if<kv::client::AfterSessionGet::Found>(&*answer)) {
      std::printf("client: %s = %s\n", found->value.key.c_str(), found->value.value.c_str());
      session = std::move(found->next);
    } else {
      auto& missing = std::get<kv::client::AfterSessionGet::Missing>(*answer);
      std::printf("client: %s is missing\n", missing.value.c_str());
      session = std::move(missing.next);
    }
  }
  auto end = std::move(*session).send_bye();
  if (!end) return fail("bye", end.error());
  std::printf("client: done\n");
  return 0;  // `role` closes here, and its endpoint sends bye before the process goes away
}
