// The pseudo-random numbers behind every choice a member makes (probe order, helpers).
//
// SplitMix64 (Steele, Lea, Flood 2014), with its own uniform bounds and shuffle, because
// std::uniform_int_distribution and std::shuffle may differ between standard libraries and a
// member must behave the same for a seed everywhere. Not for anything security related.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace c12s::membership {

class Prng {
 public:
  explicit Prng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound > 0. Rejects the few values that would favour small results.
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
    for (;;) {
      const std::uint64_t r = next();
      if (r >= threshold) return r % bound;
    }
  }

  // Fisher-Yates: every permutation equally likely.
  template <typename T>
  void shuffle(std::vector<T>* items) {
    for (std::size_t i = items->size(); i > 1; --i) {
      std::swap((*items)[i - 1], (*items)[below(i)]);
    }
  }

  // Moves `count` items chosen uniformly at random to the front (partial Fisher-Yates) and
  // drops the rest.
  template <typename T>
  void sample(std::vector<T>* items, std::size_t count) {
    if (count > items->size()) count = items->size();
    for (std::size_t i = 0; i < count; ++i) {
      std::swap((*items)[i], (*items)[i + below(items->size() - i)]);
    }
    items->resize(count);
  }

 private:
  std::uint64_t state_;
};

}  // namespace c12s::membership
