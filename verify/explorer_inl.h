// The successor function, inline because the search calls it once per state (see explorer.h).
#pragma once

#include <cstring>

namespace gtype::verifier {

template <typename Emit>
std::uint32_t Semantics::expand(const std::uint8_t* c, std::uint8_t* next, Emit&& emit,
                                std::vector<Observation>* observations, bool* bound_hit) const {
  const std::size_t width = layout_.size();
  const std::uint32_t roles = layout_.roles();
  std::uint32_t steps = 0;
  bool any_full = false;
  for (std::uint32_t r = 0; r < roles; ++r) {
    const std::uint32_t state = layout_.state(c, r);
    const std::span<const Transition> out = this->out(r, state);
    if (out.empty()) continue;
    bool receives = false, received = false, accepts = false;
    std::uint32_t receive_peer = 0;
    for (std::uint32_t i = 0; i < out.size(); ++i) {
      const Transition& t = out[i];
      switch (t.kind) {
        case ActionKind::kSend: {
          if (!connected(c, r, t.peer)) {
            observe(observations, ViolationKind::kUnconnected, r, t.peer, t.message);
            break;
          }
          const std::int32_t q = layout_.queue(r, t.peer);
          if (layout_.full(c, q)) {
            any_full = true;
            break;
          }
          std::memcpy(next, c, width);
          layout_.push(next, q, static_cast<std::uint32_t>(t.message));
          leave(next, r, t.target);
          ++steps;
          emit(next, Step{r, i});
          break;
        }
        case ActionKind::kReceive: {
          receives = true;
          receive_peer = t.peer;
          const std::int32_t q = layout_.queue(t.peer, r);
          if (layout_.head(c, q) != static_cast<std::uint32_t>(t.message) + 1) break;
          received = true;
          std::memcpy(next, c, width);
          layout_.pop(next, q);
          leave(next, r, t.target);
          ++steps;
          emit(next, Step{r, i});
          break;
        }
        case ActionKind::kConnect: {
          const std::uint32_t p = t.peer;
          if (connected(c, r, p)) {
            observe(observations, ViolationKind::kConnectionError, r, p, t.message);
            break;
          }
          const std::span<const Transition> offered = this->out(p, layout_.state(c, p));
          bool peer_accepts = false, matched = false;
          for (std::uint32_t j = 0; j < offered.size(); ++j) {
            const Transition& a = offered[j];
            if (a.kind != ActionKind::kAccept || a.peer != r) continue;
            peer_accepts = true;
            if (a.message != t.message) continue;
            matched = true;
            std::memcpy(next, c, width);
            layout_.set_connected(next, r, p, true);
            leave(next, r, t.target);
            leave(next, p, a.target);
            ++steps;
            emit(next, Step{r, i, static_cast<std::int32_t>(p), j});
          }
          if (peer_accepts && !matched) {
            observe(observations, ViolationKind::kSynchronisationError, r, p, t.message);
          }
          break;
        }
        case ActionKind::kAccept:
          accepts = true;
          break;
        case ActionKind::kDisconnect:
          std::memcpy(next, c, width);
          layout_.set_connected(next, r, t.peer, false);
          leave(next, r, t.target);
          ++steps;
          emit(next, Step{r, i});
          break;
      }
    }
    if (observations != nullptr && receives) {
      const std::uint32_t head = layout_.head(c, layout_.queue(receive_peer, r));
      if (head != 0 && !received) {
        observe(observations, ViolationKind::kReceptionError, r, receive_peer,
                static_cast<std::int32_t>(head) - 1);
      } else if (head == 0 && !accepts && !connected(c, r, receive_peer)) {
        observe(observations, ViolationKind::kUnconnected, r, receive_peer, kNoMessage);
      }
    }
  }
  if (observations != nullptr) {
    for (std::uint32_t q = 0; q < layout_.queue_count(); ++q) {
      const auto [from, to] = layout_.queue_ends(q);
      if (layout_.head(c, static_cast<std::int32_t>(q)) != 0 && (ended(c, to) || idle(c, to))) {
        observe(observations, ViolationKind::kOrphanMessage, to, from,
                static_cast<std::int32_t>(layout_.head(c, static_cast<std::int32_t>(q))) - 1);
      }
    }
  }
  if (steps == 0) {
    // Stuck only because a queue is full: bigger queues might let the system go on.
    if (any_full && bound_hit != nullptr) *bound_hit = true;
    if (!any_full && observations != nullptr) observe_terminal(c, *observations);
  }
  return steps;
}

}  // namespace gtype::verifier
