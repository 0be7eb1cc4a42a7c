// runtime_peer: a role (or a bare transport) in a process of its own, for the tests that need a
// peer to die, or to exit on its own right after its last action.
//
//   runtime_peer server ADDRESS              PingPong B: answers the first ping, says "answered", sleeps
//   runtime_peer client ADDRESS B_ADDRESS    PingPong A: hello, ping 1, takes the pong, says "pinged", sleeps
//   runtime_peer quick ADDRESS B_ADDRESS SESSIONS ROUNDS
//        PingPong A: SESSIONS sessions of hello, ROUNDS pings (each pong taken), quit; says "done"
//        and returns from main at once: its last frames are still queued when the endpoint closes
//   runtime_peer burst ADDRESS TARGET COUNT
//        a bare transport: waits for a frame from TARGET, sends it COUNT frames "frame <i>", says
//        "sent" and returns at once
//   runtime_peer relay-s ADDRESS L_ADDRESS   Relay S: one whole session, then returns at once
//   runtime_peer relay-l ADDRESS             Relay L: one whole session, then returns at once
// Each prints "ready <bound address>" first; the roles that return print "ended" (or "error
// ...", exit status 1) as their last line. It exits by itself after 20 s, should the test that
// started it die first.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "gtype/rt/endpoint.h"
#include "specs.h"

using namespace gtype::rt;
using gtype::Result;
using gtype::Status;
using gtype::StatusCode;
using namespace std::chrono_literals;

namespace {

int fail(const char* what, const Status& e) {
  std::printf("error %s: %s\n", what, e.message().c_str());
  std::fflush(stdout);
  return 1;
}

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

std::unique_ptr<Endpoint> endpoint(const RoleSpec& spec, const char* address, Directory directory) {
  auto transport = make_zmq_transport(address, ZmqOptions{250ms, 5000ms});  // as the tests' own
  if (!transport.ok()) {
    fail("bind", transport.error());
    return nullptr;
  }
  EndpointOptions options;
  options.receive_timeout = 15s;
  options.connect_timeout = 15s;
  auto made = Endpoint::create(spec, std::move(directory), std::move(*transport), options);
  if (!made.ok()) {
    fail("create", made.error());
    return nullptr;
  }
  say("ready " + (*made)->address());
  return std::move(*made);
}

int server(const char* address) {
  auto e = endpoint(testing::kPingB, address, Directory());
  if (!e) return 1;
  Result<SessionId> s = e->next_session();
  if (!s.ok()) return fail("next_session", s.error());
  if (auto hello = e->receive(*s); !hello.ok()) return fail("hello", hello.error());
  Result<Incoming> ping = e->receive(*s);
  if (!ping.ok()) return fail("ping", ping.error());
  if (Status st = e->act(*s, 0, testing::pack_int(*testing::unpack_int(ping->payload) + 1)); !st.ok()) {
    return fail("pong", st);
  }
  say("answered");
  std::this_thread::sleep_for(15s);  // mid-session, the next ping unread, until the test kills it
  return 0;
}

int client(const char* address, const char* b_address) {
  Directory directory;
  directory.set("B", b_address);
  auto e = endpoint(testing::kPingA, address, directory);
  if (!e) return 1;
  SessionId s = *e->start();
  if (Status st = e->act(s, 0, testing::pack_none()); !st.ok()) return fail("hello", st);
  if (Status st = e->act(s, 0, testing::pack_int(1)); !st.ok()) return fail("ping", st);
  if (auto pong = e->receive(s); !pong.ok()) return fail("pong", pong.error());
  say("pinged");
  std::this_thread::sleep_for(15s);
  return 0;
}

int quick(const char* address, const char* b_address, int sessions, int rounds) {
  Directory directory;
  directory.set("B", b_address);
  auto e = endpoint(testing::kPingA, address, directory);
  if (!e) return 1;
  for (int n = 0; n < sessions; ++n) {
    SessionId s = *e->start();
    if (Status st = e->act(s, 0, testing::pack_none()); !st.ok()) return fail("hello", st);
    for (int i = 1; i <= rounds; ++i) {
      if (Status st = e->act(s, 0, testing::pack_int(i)); !st.ok()) return fail("ping", st);
      if (auto pong = e->receive(s); !pong.ok()) return fail("pong", pong.error());
    }
    if (Status st = e->act(s, 1, testing::pack_none()); !st.ok()) return fail("quit", st);
  }
  say("done");
  return 0;  // at once: the endpoint's destructor is all that stands between the quits and exit
}

int burst(const char* address, const char* target, int count) {
  auto transport = make_zmq_transport(address, ZmqOptions{250ms, 5000ms});
  if (!transport.ok()) return fail("bind", transport.error());
  say("ready " + (*transport)->address());
  while (true) {
    Result<TransportEvent> go = (*transport)->next(15s);
    if (!go.ok()) return fail("go", go.error());
    if (go->kind == TransportEvent::Kind::kFrame && go->peer == target) break;
  }
  for (int i = 0; i < count; ++i) {
    if (Status st = (*transport)->send(target, "frame " + std::to_string(i)); !st.ok())
      return fail("send", st);
  }
  say("sent");
  return 0;
}

int relay_s(const char* address, const char* l_address) {
  Directory directory;
  directory.set("L", l_address);
  auto e = endpoint(testing::kRelayS, address, directory);
  if (!e) return 1;
  Result<SessionId> s = e->next_session();
  if (!s.ok()) return fail("next_session", s.error());
  if (auto accepted = e->receive(*s); !accepted.ok()) return fail("accept", accepted.error());
  Result<Incoming> req = e->receive(*s);
  if (!req.ok()) return fail("req", req.error());
  const std::string text = testing::unpack_text(req->payload).value_or("");
  if (Status st = e->act(*s, 0, testing::pack_text("note:" + text)); !st.ok()) return fail("note", st);
  if (Status st = e->act(*s, 0, testing::pack_text("resp:" + text)); !st.ok()) return fail("resp", st);
  if (Status st = e->act(*s, 0, ""); !st.ok()) return fail("disconnect", st);
  say("ended");
  return 0;
}

int relay_l(const char* address) {
  auto e = endpoint(testing::kRelayL, address, Directory());
  if (!e) return 1;
  Result<SessionId> s = e->next_session();
  if (!s.ok()) return fail("next_session", s.error());
  if (auto note = e->receive(*s); !note.ok()) return fail("note", note.error());
  say("ended");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  alarm(20);
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "server" && argc == 3) return server(argv[2]);
  if (mode == "client" && argc == 4) return client(argv[2], argv[3]);
  if (mode == "quick" && argc == 6) return quick(argv[2], argv[3], std::stoi(argv[4]), std::stoi(argv[5]));
  if (mode == "burst" && argc == 5) return burst(argv[2], argv[3], std::stoi(argv[4]));
  if (mode == "relay-s" && argc == 4) return relay_s(argv[2], argv[3]);
  if (mode == "relay-l" && argc == 3) return relay_l(argv[2]);
  std::fprintf(stderr,
               "usage: runtime_peer server ADDRESS | client ADDRESS B_ADDRESS\n"
               "     | quick ADDRESS B_ADDRESS SESSIONS ROUNDS | burst ADDRESS TARGET COUNT\n"
               "     | relay-s ADDRESS L_ADDRESS | relay-l ADDRESS\n");
  return 2;
}
