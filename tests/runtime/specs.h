// Hand-written role tables for the runtime tests, as the code generator would emit them.
//
// PingPong (every pair connected from the start):
//   A -> B : hello(); rec t { choice at A { A -> B : ping(int); B -> A : pong(int); continue t; }
//                             or { A -> B : quit(); } }
// Chain (every pair connected from the start):
//   A -> B : x(int); B -> C : y(int); C -> A : z(int);
// Relay (explicit connections):
//   C ->> S; C -> S : req(string); S ->> L : note(string); S -> C : resp(string); disconnect C, S;
// Payloads are msgpack arrays of the message's values, as generated code packs them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gtype/rt/role_spec.h"

namespace gtype::rt::testing {

// PingPong: roles A = 0, B = 1; messages hello = 0, ping = 1, pong = 2, quit = 3.
extern const RoleSpec kPingA;  // 0: B!hello -> 1; 1: B!ping -> 2 | B!quit -> 3; 2: B?pong -> 1; 3: end
extern const RoleSpec kPingB;  // 0: A?hello -> 1; 1: A?ping -> 2 | A?quit -> 3; 2: A!pong -> 1; 3: end

// Chain: roles A = 0, B = 1, C = 2; messages x = 0, y = 1, z = 2.
extern const RoleSpec kChainA;  // 0: B!x -> 1; 1: C?z -> 2; 2: end
extern const RoleSpec kChainB;  // 0: A?x -> 1; 1: C!y -> 2; 2: end
extern const RoleSpec kChainC;  // 0: B?y -> 1; 1: A!z -> 2; 2: end

// Relay: roles C = 0, S = 1, L = 2; messages req = 0, note = 1, resp = 2.
extern const RoleSpec kRelayC;  // 0: S!! -> 1; 1: S!req -> 2; 2: S?resp -> 3; 3: S# -> 4; 4: end
extern const RoleSpec
    kRelayS;  // 0: C?? -> 1; 1: C?req -> 2; 2: L!!note -> 3; 3: C!resp -> 4; 4: C# -> 5; 5: end
extern const RoleSpec kRelayL;  // 0: S??note -> 1; 1: end

std::string pack_none();                      // []
std::string pack_int(std::int64_t value);     // [value]
std::string pack_text(const std::string& s);  // [s]
std::optional<std::int64_t> unpack_int(std::string_view payload);
std::optional<std::string> unpack_text(std::string_view payload);

}  // namespace gtype::rt::testing
