// Piggyback selection, see dissemination.h.
#include "dissemination.h"

#include <algorithm>
#include <tuple>

namespace c12s::membership {

void Dissemination::enqueue(const Update& update) {
  pending_.insert_or_assign(update.member, Pending{update, 0, next_order_++});
}

std::vector<Update> Dissemination::take(std::size_t max, std::size_t limit) {
  std::vector<Pending*> candidates;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.transmissions >= limit) {
      it = pending_.erase(it);
    } else {
      candidates.push_back(&it->second);
      ++it;
    }
  }
  // `order` is unique, so the order below is total and the choice deterministic.
  const std::size_t count = std::min(max, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count),
                    candidates.end(), [](const Pending* a, const Pending* b) {
                      return std::tuple(a->transmissions, b->order) < std::tuple(b->transmissions, a->order);
                    });
  std::vector<Update> taken;
  taken.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    taken.push_back(candidates[i]->update);
    ++candidates[i]->transmissions;
  }
  // Sent `limit` times now: done. (Erased here rather than on the next take so that pending()
  // says what is really left.)
  std::erase_if(pending_, [limit](const auto& entry) { return entry.second.transmissions >= limit; });
  return taken;
}

}  // namespace c12s::membership
