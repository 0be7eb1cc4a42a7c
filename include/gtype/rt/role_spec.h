// The automaton of one role of one protocol as plain constant tables.
//
// The code generator emits one RoleSpec per role from the same automaton the verifier explores
// (include/gtype/automaton.h); the runtime carries out the effects of its transitions and its
// monitor checks every incoming message against it. Indices: roles and messages are numbered
// as in the protocol (roles in declaration order), states from the initial state 0.
#pragma once

#include <cstdint>
#include <string_view>

namespace gtype::rt {

enum class Action : std::uint8_t { kSend, kReceive, kConnect, kAccept, kDisconnect };

inline constexpr std::uint16_t kNoMessageIndex = 0xFFFF;

struct TransitionSpec {
  Action action;
  std::uint16_t peer;     // role index
  std::uint16_t message;  // message index, or kNoMessageIndex
  std::uint16_t target;   // state index
};

struct StateSpec {
  std::uint16_t first;  // transitions[first .. first + count)
  std::uint16_t count;  // 0: the role has ended
  // The state's class in generated code (`Start`, `AfterSessionGet`, `End`), for messages;
  // null: messages give the state's number.
  const char* name = nullptr;
};

struct MessageSpec {
  std::string_view label;
  // Whether `payload` (msgpack) is a well-formed payload of this message: generated code tries
  // to unpack it into the message's C++ types.
  bool (*payload_valid)(std::string_view payload);
};

struct RoleSpec {
  std::string_view protocol;
  bool explicit_connections;
  std::uint16_t self;  // this role's index
  const std::string_view* roles;
  std::uint16_t role_count;
  const MessageSpec* messages;
  std::uint16_t message_count;
  const StateSpec* states;
  std::uint16_t state_count;
  const TransitionSpec* transitions;
  std::uint16_t transition_count;
};

}  // namespace gtype::rt
