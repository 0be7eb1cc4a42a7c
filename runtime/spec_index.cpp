// SpecIndex: validation of role tables and the reachability the monitor checks against.
//
// Reachable sets are computed per state on first use by a walk over the transitions: cost
// O(states + transitions) per state that ever receives a frame, kept for the endpoint's life.
#include "spec_index.h"

#include <algorithm>
#include <deque>

namespace gtype::rt {

std::string SpecIndex::validate(const RoleSpec& spec) {
  const std::string name(spec.protocol);
  if (spec.role_count < 2) return name + ": a protocol has at least two roles";
  if (spec.self >= spec.role_count) return name + ": self is not a role index";
  if (spec.state_count == 0) return name + ": no states";
  for (std::uint16_t s = 0; s < spec.state_count; ++s) {
    const StateSpec& state = spec.states[s];
    if (state.first + state.count > spec.transition_count) {
      return name + ": state " + std::to_string(s) + " has transitions beyond the table";
    }
    bool sends = false, receives = false;
    for (std::uint16_t i = 0; i < state.count; ++i) {
      const TransitionSpec& t = spec.transitions[state.first + i];
      const std::string where = name + ": state " + std::to_string(s) + " transition " + std::to_string(i);
      if (t.peer >= spec.role_count || t.peer == spec.self) return where + " has a bad peer";
      if (t.target >= spec.state_count) return where + " has a bad target";
      if (t.message != kNoMessageIndex && t.message >= spec.message_count)
        return where + " has a bad message";
      bool waits = t.action == Action::kReceive || t.action == Action::kAccept;
      (waits ? receives : sends) = true;
      bool needs = t.action == Action::kSend || t.action == Action::kReceive;
      if ((needs && t.message == kNoMessageIndex) ||
          (t.action == Action::kDisconnect && t.message != kNoMessageIndex)) {
        return where + ": sends and receives carry a message, disconnects none";
      }
      if (!spec.explicit_connections &&
          (t.action == Action::kConnect || t.action == Action::kAccept || t.action == Action::kDisconnect)) {
        return where + " connects, accepts or disconnects in a protocol without explicit connections";
      }
    }
    if (sends && receives) return name + ": state " + std::to_string(s) + " both sends and receives";
  }
  for (std::uint16_t m = 0; m < spec.message_count; ++m) {
    if (spec.messages[m].payload_valid == nullptr)
      return name + ": message " + std::to_string(m) + " has no check";
  }
  return "";
}

SpecIndex::SpecIndex(const RoleSpec& spec) : spec_(spec), reach_(spec.state_count) {
  for (std::uint16_t r = 0; r < spec.role_count; ++r) roles_[spec.roles[r]] = r;
}

std::optional<std::uint16_t> SpecIndex::role(std::string_view name) const {
  auto it = roles_.find(name);
  if (it == roles_.end()) return std::nullopt;
  return it->second;
}

bool SpecIndex::waits(std::uint16_t state) const {
  auto ts = out(state);
  return !ts.empty() && (ts[0].action == Action::kReceive || ts[0].action == Action::kAccept);
}

std::string_view SpecIndex::label(std::uint16_t message) const {
  return message == kNoMessageIndex ? std::string_view() : spec_.messages[message].label;
}

bool SpecIndex::fits(std::uint16_t message, std::string_view label, std::string_view payload) const {
  if (message == kNoMessageIndex) return label.empty() && payload.empty();
  const MessageSpec& m = spec_.messages[message];
  return m.label == label && m.payload_valid(payload);
}

const std::vector<std::uint64_t>& SpecIndex::reach(std::uint16_t state) const {
  std::optional<std::vector<std::uint64_t>>& cached = reach_[state];
  if (cached) return *cached;
  std::vector<std::uint64_t> keys;
  std::vector<bool> seen(spec_.state_count);
  std::deque<std::uint16_t> todo{state};
  seen[state] = true;
  while (!todo.empty()) {
    std::uint16_t s = todo.front();
    todo.pop_front();
    for (const TransitionSpec& t : out(s)) {
      if (t.action == Action::kReceive || t.action == Action::kAccept)
        keys.push_back(key(t.action, t.peer, t.message));
      if (!seen[t.target]) {
        seen[t.target] = true;
        todo.push_back(t.target);
      }
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  cached = std::move(keys);
  return *cached;
}

SpecIndex::Reach SpecIndex::reachable(std::uint16_t state, Action action, std::uint16_t peer,
                                      std::string_view label, std::string_view payload,
                                      std::uint16_t* message) const {
  const std::vector<std::uint64_t>& keys = reach(state);
  bool labelled = false;
  auto try_message = [&](std::uint16_t m) {
    if (!std::binary_search(keys.begin(), keys.end(), key(action, peer, m))) return false;
    labelled = true;
    if (!fits(m, label, payload)) return false;
    *message = m;
    return true;
  };
  if (label.empty() && try_message(kNoMessageIndex)) return Reach::kYes;
  for (std::uint16_t m = 0; m < spec_.message_count; ++m) {
    if (spec_.messages[m].label == label && try_message(m)) return Reach::kYes;
  }
  return labelled ? Reach::kBadPayload : Reach::kNoLabel;
}

namespace {

std::string join(const std::vector<std::string>& words, const char* separator) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i ? separator : "") + words[i];
  return out;
}

std::string shown(std::string_view label) { return label.empty() ? "a connection" : std::string(label); }

}  // namespace

std::string SpecIndex::expected(std::uint16_t state) const {
  std::vector<std::string> labels;
  std::vector<std::string> peers;
  for (const TransitionSpec& t : out(state)) {
    std::string l = shown(label(t.message));
    if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
    std::string p(role_name(t.peer));
    if (std::find(peers.begin(), peers.end(), p) == peers.end()) peers.push_back(p);
  }
  return join(labels, " or ") + " from " + join(peers, " or ");
}

std::string SpecIndex::reachable_labels(std::uint16_t state, Action action, std::uint16_t peer) const {
  std::vector<std::string> labels;
  for (std::uint64_t k : reach(state)) {
    if ((k >> 32) != static_cast<std::uint64_t>(action) || ((k >> 16) & 0xFFFF) != peer) continue;
    labels.push_back(shown(label(static_cast<std::uint16_t>(k & 0xFFFF))));
  }
  return labels.empty() ? "nothing" : join(labels, ", ");
}

}  // namespace gtype::rt
