#include "components.h"

#include <algorithm>

namespace gtype::verifier {
namespace {

struct Frame {
  std::uint32_t vertex;
  std::uint32_t next = 0;  // the successor to look at next, by position
  std::uint32_t low;       // lowest number reached from the vertex's subtree (Tarjan's lowlink)
  bool self_loop = false;
};

class Tarjan {
 public:
  Tarjan(std::uint32_t vertices, const SuccessorsOf& successors)
      : successors_(successors), entered_(vertices, false), done_(vertices, false), exits_(vertices, false) {
    out_.of.assign(vertices, 0);
  }

  Components run() {
    for (std::uint32_t root = 0; root < out_.of.size(); ++root) {
      if (entered_[root]) continue;
      enter(root);
      while (!frames_.empty()) step();
    }
    out_.peak_bytes = out_.of.capacity() * sizeof(std::uint32_t) + 3 * out_.of.size() / 8 +
                      frames_.capacity() * sizeof(Frame) + open_.capacity() * sizeof(std::uint32_t) +
                      successors_of_top_.capacity() * sizeof(std::uint32_t);
    return std::move(out_);
  }

 private:
  // Before a configuration is done, out_.of holds its number in the order of entry; after, its
  // component.
  void enter(std::uint32_t v) {
    entered_[v] = true;
    out_.of[v] = next_number_++;
    open_.push_back(v);
    frames_.push_back(Frame{v, 0, out_.of[v]});
  }

  // Goes on with the top frame: to its next successor not entered yet, or to its end.
  void step() {
    const std::uint32_t v = frames_.back().vertex;
    successors_(v, successors_of_top_);
    while (frames_.back().next < successors_of_top_.size()) {
      Frame& f = frames_.back();
      const std::uint32_t w = successors_of_top_[f.next++];
      if (w == v) {
        f.self_loop = true;
      } else if (!entered_[w]) {
        enter(w);  // f is not used after this: frames_ may have moved
        return;
      } else if (done_[w]) {
        exits_[v] = true;
      } else {
        f.low = std::min(f.low, out_.of[w]);
      }
    }
    const Frame finished = frames_.back();
    frames_.pop_back();
    if (finished.low == out_.of[v]) close(finished);
    if (frames_.empty()) return;
    Frame& parent = frames_.back();
    if (done_[v]) {
      exits_[parent.vertex] = true;
    } else {
      parent.low = std::min(parent.low, finished.low);
    }
  }

  // `root` is the first entered configuration of its component: the open ones from it up form it.
  void close(const Frame& root) {
    const auto component = static_cast<std::uint32_t>(out_.bottom.size());
    bool bottom = true;
    std::size_t size = 0;
    std::uint32_t w;
    do {
      w = open_.back();
      open_.pop_back();
      done_[w] = true;
      out_.of[w] = component;
      bottom = bottom && !exits_[w];
      ++size;
    } while (w != root.vertex);
    out_.bottom.push_back(bottom);
    out_.has_cycle.push_back(size > 1 || root.self_loop);
  }

  const SuccessorsOf& successors_;
  Components out_;
  std::vector<bool> entered_, done_, exits_;  // exits_: a step leads to a component done before
  std::vector<Frame> frames_;                 // the path of the depth-first search
  std::vector<std::uint32_t> open_;           // Tarjan's stack: entered, component not done
  std::vector<std::uint32_t> successors_of_top_;
  std::uint32_t next_number_ = 0;
};

}  // namespace

std::size_t components_bytes_per_state() {
  return sizeof(std::uint32_t) + 1 + sizeof(Frame) + sizeof(std::uint32_t);
}

Components strong_components(std::uint32_t vertices, const SuccessorsOf& successors) {
  return Tarjan(vertices, successors).run();
}

}  // namespace gtype::verifier
