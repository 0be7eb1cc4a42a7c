// Fuzz target: a stream of forged frames, from the network to two endpoints in memory (the
// `reader` of EverySort and the `store` of Exchange, every_sort.gtype), which then take and
// answer whatever their monitors let through. It covers what stands between the frame decoder
// and the generated code: the monitor's checks (protocol, role, sender, session, label, payload,
// state), sessions started, failed and ended by frames, and the frames an endpoint sends back.
//
// The input is read as a sequence of frames. Each starts with an opcode byte: its low bit picks
// the endpoint; when bits 1-3 are zero the frame is raw bytes (a length byte, then the bytes),
// otherwise an envelope built from the next bytes, each choosing among a few names (those of
// the protocols and some wrong ones), so that the fuzzer reaches deep states quickly. All frames
// are delivered first, then the endpoints are driven (next_session, receive, act) until nothing
// moves: no thread, no clock, so each input runs the same way every time.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_sorts.h"
#include "gtype/rt/endpoint.h"
#include "gtype/rt/envelope.h"
#include "gtype/rt/transport.h"

namespace {

namespace rt = gtype::rt;
using namespace std::chrono_literals;

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : at_(data), end_(data + size) {}
  bool done() const { return at_ == end_; }
  std::uint8_t byte() { return at_ == end_ ? 0 : *at_++; }
  std::string bytes(std::size_t n) {
    const std::size_t taken = std::min<std::size_t>(n, static_cast<std::size_t>(end_ - at_));
    std::string out(reinterpret_cast<const char*>(at_), taken);
    at_ += taken;
    return out;
  }
  template <std::size_t N>
  std::string_view pick(const std::string_view (&choices)[N]) {
    return choices[byte() % N];
  }

 private:
  const std::uint8_t* at_;
  const std::uint8_t* end_;
};

constexpr std::string_view kProtocols[] = {"Exchange", "EverySort", "", "Other"};
constexpr std::string_view kRoles[] = {"server", "store", "client", "writer", "reader", "nobody"};
constexpr std::string_view kAddresses[] = {"server", "client", "writer", "ghost"};
constexpr std::string_view kLabels[] = {"hello", "open",  "put",   "keep",       "kept",    "bye", "done",
                                        "plain", "leaf",  "tree",  "containers", "nothing", "",    "zz"};

gtype_gen::every_sort::Leaf leaf() { return {-1, 2, 0.5, true, "leaf", {7}}; }

// A payload that is valid for `label` (empty for labels without one).
std::string valid_payload(std::string_view label) {
  using gtype::gen::pack_payload;
  if (label == "hello") return pack_payload(std::string("hi"));
  if (label == "open" || label == "leaf") return pack_payload(leaf());
  if (label == "put" || label == "keep") return pack_payload(std::string("k"), std::int64_t{3});
  if (label == "kept") return pack_payload(std::uint64_t{4});
  if (label == "plain")
    return pack_payload(std::int64_t{1}, std::uint64_t{2}, 3.0, false, std::string("s"), std::vector<std::uint8_t>{});
  if (label == "bye" || label == "done" || label == "nothing") return pack_payload();
  return "";
}

struct Node {
  std::unique_ptr<rt::Endpoint> endpoint;
  std::string address;
  std::vector<rt::SessionId> sessions;
};

rt::Directory directory() {
  rt::Directory d;
  d.set("server", "server");
  d.set("client", "client");
  d.set("writer", "writer");
  return d;
}

bool make_node(rt::MemoryNetwork& network, const rt::RoleSpec& spec, const std::string& address, Node& out) {
  gtype::Result<std::unique_ptr<rt::Transport>> transport = network.attach(address);
  if (!transport.ok()) return false;
  rt::EndpointOptions options;
  options.seed = 1;
  gtype::Result<std::unique_ptr<rt::Endpoint>> endpoint =
      rt::Endpoint::create(spec, directory(), std::move(*transport), options);
  if (!endpoint.ok()) return false;
  out.endpoint = std::move(*endpoint);
  out.address = address;
  return true;
}

std::string forged_frame(Input& in, std::string_view protocol_of_target) {
  rt::Envelope e;
  e.kind = static_cast<rt::FrameKind>(in.byte() % 5);
  const std::uint8_t protocol = in.byte();
  e.protocol = std::string(protocol % 2 == 0 ? protocol_of_target : kProtocols[(protocol >> 1) % 4]);
  e.session = in.byte() % 4;
  e.from = std::string(in.pick(kRoles));
  e.to = std::string(in.pick(kRoles));
  e.label = std::string(in.pick(kLabels));
  switch (in.byte() % 4) {
    case 0: e.payload = valid_payload(e.label); break;
    case 1: e.payload = in.bytes(in.byte() % 64); break;
    case 2: break;
    default: e.payload = valid_payload(in.pick(kLabels)); break;
  }
  return rt::encode(e);
}

// Takes what the endpoint offers: new sessions, then one step of each open session (a receive,
// or the first action of a state where the role acts). Whether anything happened.
bool step(Node& node) {
  bool moved = false;
  for (gtype::Result<rt::SessionId> next = node.endpoint->next_session(0ms); next.ok();
       next = node.endpoint->next_session(0ms)) {
    node.sessions.push_back(*next);
    moved = true;
  }
  const rt::RoleSpec& spec = node.endpoint->spec();
  for (rt::SessionId session : node.sessions) {
    if (!node.endpoint->has_session(session)) continue;
    const rt::StateSpec& state = spec.states[node.endpoint->state(session)];
    if (state.count == 0) continue;
    const rt::TransitionSpec& first = spec.transitions[state.first];
    if (first.action == rt::Action::kReceive || first.action == rt::Action::kAccept) {
      moved |= node.endpoint->receive(session, 0ms).ok();
    } else {
      const std::string payload =
          first.message == rt::kNoMessageIndex ? "" : valid_payload(spec.messages[first.message].label);
      moved |= node.endpoint->act(session, 0, payload).ok();
    }
  }
  return moved;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rt::MemoryNetwork network;
  std::vector<std::unique_ptr<rt::Transport>> peers;  // attached, never read: where replies go
  for (const char* address : {"server", "client", "writer"}) {
    gtype::Result<std::unique_ptr<rt::Transport>> peer = network.attach(address);
    if (peer.ok()) peers.push_back(std::move(*peer));
  }
  Node nodes[2];
  if (!make_node(network, gtype_gen::exchange::store::kSpec, "store", nodes[0]) ||
      !make_node(network, gtype_gen::every_sort::reader::kSpec, "reader", nodes[1])) {
    return 0;
  }
  Input in(data, size);
  for (int frames = 0; frames < 64 && !in.done(); ++frames) {
    const std::uint8_t op = in.byte();
    Node& target = nodes[op & 1];
    const std::string from(in.pick(kAddresses));
    if ((op & 0x0E) == 0) {
      network.inject(from, target.address, in.bytes(in.byte()));
    } else {
      network.inject(from, target.address, forged_frame(in, target.endpoint->spec().protocol));
    }
  }
  for (int rounds = 0; rounds < 64; ++rounds) {
    const bool moved = step(nodes[0]);
    if (!(step(nodes[1]) || moved)) break;
  }
  return 0;
}
