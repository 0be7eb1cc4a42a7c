// runtime_peer: a PingPong role in a process of its own, for the tests that kill a peer.
//
//   runtime_peer server <address>            B: answers the first ping, says "answered", then sleeps
//   runtime_peer client <address> <B's address>  A: hello, ping 1, takes the pong, says "pinged", waits
// Each prints "ready <bound address>" first. It exits by itself after 20 s, should the test that
// started it die before killing it.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <thread>

#include "gtype/rt/endpoint.h"
#include "specs.h"

using namespace gtype::rt;
using namespace std::chrono_literals;

namespace {

int fail(const char* what, const Error& e) {
  std::printf("error %s: %s\n", what, e.message.c_str());
  std::fflush(stdout);
  return 1;
}

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  alarm(20);
  const bool server = argc == 3 && std::strcmp(argv[1], "server") == 0;
  const bool client = argc == 4 && std::strcmp(argv[1], "client") == 0;
  if (!server && !client) {
    std::fprintf(stderr, "usage: runtime_peer server ADDRESS | client ADDRESS B_ADDRESS\n");
    return 2;
  }
  auto transport = make_zmq_transport(argv[2], ZmqOptions{250ms, 5000ms});  // as the tests' own
  if (!transport.ok()) return fail("bind", transport.error());
  Directory directory;
  if (client) directory.set("B", argv[3]);
  EndpointOptions options;
  options.receive_timeout = 15s;
  options.connect_timeout = 15s;
  auto endpoint =
      Endpoint::create(server ? testing::kPingB : testing::kPingA, directory, std::move(*transport), options);
  if (!endpoint.ok()) return fail("create", endpoint.error());
  Endpoint& e = **endpoint;
  say("ready " + e.address());
  if (server) {
    Result<SessionId> s = e.next_session();
    if (!s.ok()) return fail("next_session", s.error());
    if (auto hello = e.receive(*s); !hello.ok()) return fail("hello", hello.error());
    Result<Incoming> ping = e.receive(*s);
    if (!ping.ok()) return fail("ping", ping.error());
    if (Status st = e.act(*s, 0, testing::pack_int(*testing::unpack_int(ping->payload) + 1)); !st.ok()) {
      return fail("pong", st.error());
    }
    say("answered");
    std::this_thread::sleep_for(15s);  // mid-session, the next ping unread, until the test kills it
  } else {
    SessionId s = *e.start();
    if (Status st = e.act(s, 0, testing::pack_none()); !st.ok()) return fail("hello", st.error());
    if (Status st = e.act(s, 0, testing::pack_int(1)); !st.ok()) return fail("ping", st.error());
    if (auto pong = e.receive(s); !pong.ok()) return fail("pong", pong.error());
    say("pinged");
    std::this_thread::sleep_for(15s);
  }
  return 0;
}
