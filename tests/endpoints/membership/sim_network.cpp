// The simulated network, see sim_network.h.
#include "sim_network.h"

#include <algorithm>
#include <stdexcept>

namespace c12s::membership::testing {

SimNetwork::SimNetwork(std::size_t n, const Config& config, const NetworkConfig& network, std::uint64_t seed)
    : network_(network), rng_(seed) {
  std::vector<Peer> peers;
  for (std::size_t i = 0; i < n; ++i) peers.push_back(Peer{id(i), "10.0.0." + std::to_string(i) + ":7946"});
  for (const Peer& peer : peers) {
    members_.emplace(peer.id, Member(peer.id, peers, config, rng_()));
    crashed_[peer.id] = false;
  }
}

std::vector<std::string> SimNetwork::ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, member] : members_) ids.push_back(id);
  return ids;
}

void SimNetwork::crash(const std::string& id) { crashed_.at(id) = true; }
bool SimNetwork::crashed(const std::string& id) const { return crashed_.at(id); }

std::size_t SimNetwork::sent(MessageKind kind) const {
  auto it = sent_.find(kind);
  return it == sent_.end() ? 0 : it->second;
}

Time SimNetwork::random_delay() {
  const auto span = static_cast<std::uint64_t>((network_.max_delay - network_.min_delay).count()) + 1;
  return network_.min_delay + Time(static_cast<Time::rep>(rng_() % span));
}

void SimNetwork::carry_out(const std::string& from, Effects effects) {
  for (Event& event : effects.events) observed_.push_back(Observed{now_, from, std::move(event)});
  for (Send& send : effects.sends) {
    const Message& m = send.message;
    std::string line = std::to_string(now_.count()) + " " + from + "->" + send.to + " " +
                       message_kind_name(m.kind) + " " + std::to_string(m.seq) + " " + m.target + " [";
    for (const Update& u : m.updates) {
      line += u.member + ":" + state_name(u.state) + ":" + std::to_string(u.incarnation) + " ";
    }
    trace_.push_back(line + "]");
    ++sent_[m.kind];
    max_updates_ = std::max(max_updates_, m.updates.size());
    const bool lost = static_cast<double>(rng_() >> 11) * 0x1.0p-53 < network_.loss;
    const Time delay = random_delay();  // drawn even when lost, so loss does not shift the stream
    if (lost) {
      ++dropped_;
      continue;
    }
    in_flight_.push(InFlight{now_ + delay, next_order_++, from, send.to, encode(m)});
  }
}

void SimNetwork::deliver(const InFlight& message) {
  auto to = members_.find(message.to);
  if (to == members_.end() || crashed_.at(message.to)) return;
  auto side = [this](const std::string& id) {
    auto it = side_.find(id);
    return it == side_.end() ? 0 : it->second;
  };
  if (side(message.from) != side(message.to)) {
    ++dropped_;
    return;
  }
  Decoded decoded = decode(message.bytes);
  if (!decoded.message) throw std::logic_error("the network garbled nothing, yet: " + decoded.error);
  carry_out(message.to, to->second.on_message(now_, message.from, *decoded.message));
}

void SimNetwork::run_until(Time until) {
  for (;;) {
    Time next = Time::max();
    for (const auto& [id, member] : members_) {
      if (!crashed_.at(id)) next = std::min(next, std::max(member.next_deadline(), now_));
    }
    if (!in_flight_.empty()) next = std::min(next, in_flight_.top().at);
    if (next > until) break;
    now_ = next;
    // Messages due now first, then the ticks due now, each in a fixed order.
    while (!in_flight_.empty() && in_flight_.top().at == now_) {
      InFlight message = in_flight_.top();
      in_flight_.pop();
      deliver(message);
    }
    for (auto& [id, member] : members_) {
      if (crashed_.at(id) || member.next_deadline() > now_) continue;
      carry_out(id, member.tick(now_));
      // tick() must do what is due: a deadline left in the past would spin this loop forever.
      if (member.next_deadline() <= now_) throw std::logic_error(id + ": tick left its deadline due");
    }
  }
  now_ = until;
}

}  // namespace c12s::membership::testing
