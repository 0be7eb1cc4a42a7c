#include "layout.h"

namespace gtype::verifier {

Layout::Layout(const AutomatonSystem& system, std::uint32_t capacity)
    : roles_(static_cast<std::uint32_t>(system.roles.size())), capacity_(capacity) {
  assert(capacity >= 1);
  std::size_t most_states = 0;
  for (const Automaton& m : system.machines) most_states = std::max(most_states, m.states.size());
  state_bytes_ = bytes_for(most_states);

  std::int32_t bits = 0;
  pair_bit_.assign(roles_ * roles_, -1);
  queue_of_.assign(roles_ * roles_, -1);
  for (std::uint32_t r = 0; r < roles_; ++r) {
    for (const AutomatonState& s : system.machines[r].states) {
      for (const Transition& t : s.out) {
        const std::uint32_t p = t.peer;
        if (system.explicit_connections && t.kind == ActionKind::kConnect && pair_bit_[r * roles_ + p] < 0) {
          pair_bit_[r * roles_ + p] = pair_bit_[p * roles_ + r] = bits++;
        }
        if (t.kind == ActionKind::kSend && queue_of_[r * roles_ + p] < 0) {
          queue_of_[r * roles_ + p] = static_cast<std::int32_t>(queue_ends_.size());
          queue_ends_.emplace_back(r, p);
        }
      }
    }
  }
  slot_bytes_ = bytes_for(system.messages.size() + 1);  // + 1: 0 marks a free slot
  flag_offset_ = static_cast<std::size_t>(roles_) * state_bytes_;
  queue_offset_ = flag_offset_ + (static_cast<std::size_t>(bits) + 7) / 8;
  size_ = queue_offset_ + queue_ends_.size() * capacity_ * slot_bytes_;
}

}  // namespace gtype::verifier
