// The role tables of specs.h, and msgpack payload helpers.
#include "specs.h"

#include <msgpack.hpp>

namespace gtype::rt::testing {
namespace {

std::optional<msgpack::object_handle> unpack_array(std::string_view payload, std::uint32_t size) {
  try {
    std::size_t offset = 0;
    msgpack::object_handle handle = msgpack::unpack(payload.data(), payload.size(), offset);
    if (offset != payload.size()) return std::nullopt;
    if (handle.get().type != msgpack::type::ARRAY || handle.get().via.array.size != size) return std::nullopt;
    return handle;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool no_values(std::string_view payload) { return unpack_array(payload, 0).has_value(); }
bool one_int(std::string_view payload) { return unpack_int(payload).has_value(); }
bool one_text(std::string_view payload) { return unpack_text(payload).has_value(); }

constexpr Action kS = Action::kSend, kR = Action::kReceive, kC = Action::kConnect, kA = Action::kAccept,
                 kD = Action::kDisconnect;
constexpr std::uint16_t kNone = kNoMessageIndex;

const std::string_view kPingRoles[] = {"A", "B"};
const MessageSpec kPingMessages[] = {
    {"hello", no_values}, {"ping", one_int}, {"pong", one_int}, {"quit", no_values}};

const StateSpec kPingAStates[] = {{0, 1}, {1, 2}, {3, 1}, {4, 0}};
const TransitionSpec kPingATransitions[] = {{kS, 1, 0, 1}, {kS, 1, 1, 2}, {kS, 1, 3, 3}, {kR, 1, 2, 1}};
const StateSpec kPingBStates[] = {{0, 1}, {1, 2}, {3, 1}, {4, 0}};
const TransitionSpec kPingBTransitions[] = {{kR, 0, 0, 1}, {kR, 0, 1, 2}, {kR, 0, 3, 3}, {kS, 0, 2, 1}};

const std::string_view kChainRoles[] = {"A", "B", "C"};
const MessageSpec kChainMessages[] = {{"x", one_int}, {"y", one_int}, {"z", one_int}};
const StateSpec kChainStates[] = {{0, 1}, {1, 1}, {2, 0}};
const TransitionSpec kChainATransitions[] = {{kS, 1, 0, 1}, {kR, 2, 2, 2}};
const TransitionSpec kChainBTransitions[] = {{kR, 0, 0, 1}, {kS, 2, 1, 2}};
const TransitionSpec kChainCTransitions[] = {{kR, 1, 1, 1}, {kS, 0, 2, 2}};

const std::string_view kRelayRoles[] = {"C", "S", "L"};
const MessageSpec kRelayMessages[] = {{"req", one_text}, {"note", one_text}, {"resp", one_text}};

const StateSpec kRelayCStates[] = {{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 0}};
const TransitionSpec kRelayCTransitions[] = {
    {kC, 1, kNone, 1}, {kS, 1, 0, 2}, {kR, 1, 2, 3}, {kD, 1, kNone, 4}};
const StateSpec kRelaySStates[] = {{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 0}};
const TransitionSpec kRelaySTransitions[] = {
    {kA, 0, kNone, 1}, {kR, 0, 0, 2}, {kC, 2, 1, 3}, {kS, 0, 2, 4}, {kD, 0, kNone, 5}};
const StateSpec kRelayLStates[] = {{0, 1}, {1, 0}};
const TransitionSpec kRelayLTransitions[] = {{kA, 1, 1, 1}};

template <std::size_t S, std::size_t T>
constexpr RoleSpec role(std::string_view protocol, bool explicit_connections, std::uint16_t self,
                        const std::string_view* roles, std::uint16_t role_count, const MessageSpec* messages,
                        std::uint16_t message_count, const StateSpec (&states)[S],
                        const TransitionSpec (&transitions)[T]) {
  return RoleSpec{protocol,
                  explicit_connections,
                  self,
                  roles,
                  role_count,
                  messages,
                  message_count,
                  states,
                  static_cast<std::uint16_t>(S),
                  transitions,
                  static_cast<std::uint16_t>(T)};
}

}  // namespace

const RoleSpec kPingA =
    role("PingPong", false, 0, kPingRoles, 2, kPingMessages, 4, kPingAStates, kPingATransitions);
const RoleSpec kPingB =
    role("PingPong", false, 1, kPingRoles, 2, kPingMessages, 4, kPingBStates, kPingBTransitions);
const RoleSpec kChainA =
    role("Chain", false, 0, kChainRoles, 3, kChainMessages, 3, kChainStates, kChainATransitions);
const RoleSpec kChainB =
    role("Chain", false, 1, kChainRoles, 3, kChainMessages, 3, kChainStates, kChainBTransitions);
const RoleSpec kChainC =
    role("Chain", false, 2, kChainRoles, 3, kChainMessages, 3, kChainStates, kChainCTransitions);
const RoleSpec kRelayC =
    role("Relay", true, 0, kRelayRoles, 3, kRelayMessages, 3, kRelayCStates, kRelayCTransitions);
const RoleSpec kRelayS =
    role("Relay", true, 1, kRelayRoles, 3, kRelayMessages, 3, kRelaySStates, kRelaySTransitions);
const RoleSpec kRelayL =
    role("Relay", true, 2, kRelayRoles, 3, kRelayMessages, 3, kRelayLStates, kRelayLTransitions);

std::string pack_none() {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer>(buffer).pack_array(0);
  return std::string(buffer.data(), buffer.size());
}

std::string pack_int(std::int64_t value) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> pk(buffer);
  pk.pack_array(1);
  pk.pack(value);
  return std::string(buffer.data(), buffer.size());
}

std::string pack_text(const std::string& s) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> pk(buffer);
  pk.pack_array(1);
  pk.pack(s);
  return std::string(buffer.data(), buffer.size());
}

std::optional<std::int64_t> unpack_int(std::string_view payload) {
  auto handle = unpack_array(payload, 1);
  if (!handle) return std::nullopt;
  const msgpack::object& o = handle->get().via.array.ptr[0];
  if (o.type == msgpack::type::POSITIVE_INTEGER && o.via.u64 <= INT64_MAX)
    return static_cast<std::int64_t>(o.via.u64);
  if (o.type == msgpack::type::NEGATIVE_INTEGER) return o.via.i64;
  return std::nullopt;
}

std::optional<std::string> unpack_text(std::string_view payload) {
  auto handle = unpack_array(payload, 1);
  if (!handle) return std::nullopt;
  const msgpack::object& o = handle->get().via.array.ptr[0];
  if (o.type != msgpack::type::STR) return std::nullopt;
  return std::string(o.via.str.ptr, o.via.str.size);
}

}  // namespace gtype::rt::testing
