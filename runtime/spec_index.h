// Lookups over a RoleSpec that the endpoint needs on every frame (internal to runtime/).
//
// Roles by name, messages by label, and for each state what the role can still take from it
// on: the (action, peer, message) triples of the receive and accept transitions reachable from
// that state, which the monitor's arrival check reads. It does not decide what to do with a
// frame; the endpoint does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gtype/rt/role_spec.h"

namespace gtype::rt {

class SpecIndex {
 public:
  // Empty when `spec` is well formed, else what is wrong with it.
  static std::string validate(const RoleSpec& spec);

  // Requires validate(spec) to be empty.
  explicit SpecIndex(const RoleSpec& spec);

  const RoleSpec& spec() const { return spec_; }
  std::string_view self_name() const { return spec_.roles[spec_.self]; }
  std::string_view role_name(std::uint16_t role) const { return spec_.roles[role]; }
  std::optional<std::uint16_t> role(std::string_view name) const;

  std::span<const TransitionSpec> out(std::uint16_t state) const {
    const StateSpec& s = spec_.states[state];
    return {spec_.transitions + s.first, s.count};
  }
  bool is_end(std::uint16_t state) const { return spec_.states[state].count == 0; }
  // For messages: the state's name, else its number.
  std::string state_name(std::uint16_t state) const {
    const char* name = spec_.states[state].name;
    return name != nullptr ? std::string(name) : std::to_string(state);
  }
  // Every transition receives or accepts (validate() rules out states that mix).
  bool waits(std::uint16_t state) const;

  // The message's label ("" for kNoMessageIndex).
  std::string_view label(std::uint16_t message) const;
  // Whether `label` and `payload` are a well-formed instance of `message`.
  bool fits(std::uint16_t message, std::string_view label, std::string_view payload) const;

  enum class Reach { kYes, kNoLabel, kBadPayload };
  // Whether a transition with `action` (kReceive or kAccept) from `peer`, reachable from
  // `state` (itself included), takes `label` with `payload`; on kYes, `*message` is the message
  // it was found to be.
  Reach reachable(std::uint16_t state, Action action, std::uint16_t peer, std::string_view label,
                  std::string_view payload, std::uint16_t* message) const;

  // For messages: "ping or quit from A" — what `state` takes.
  std::string expected(std::uint16_t state) const;
  // Labels the role can take from `peer` from `state` on, for messages: "ping, quit".
  std::string reachable_labels(std::uint16_t state, Action action, std::uint16_t peer) const;

 private:
  static std::uint64_t key(Action action, std::uint16_t peer, std::uint16_t message) {
    return (static_cast<std::uint64_t>(action) << 32) | (static_cast<std::uint64_t>(peer) << 16) | message;
  }
  const std::vector<std::uint64_t>& reach(std::uint16_t state) const;

  RoleSpec spec_;
  std::map<std::string_view, std::uint16_t, std::less<>> roles_;
  // Computed on first use, per state: sorted keys of reachable receive/accept transitions.
  mutable std::vector<std::optional<std::vector<std::uint64_t>>> reach_;
};

}  // namespace gtype::rt
