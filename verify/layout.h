// How one configuration is packed into bytes (internal to verify/).
//
//   [ machine state of each role: 1, 2 or 4 bytes, as many as the largest machine needs ]
//   [ flag bits: "has left its initial state" for the roles that need it, then one
//     "connected" bit per pair of roles that can ever connect (explicit systems only) ]
//   [ one queue per ordered pair that can ever carry a message: K slots of 1 or 2 bytes,
//     each a message number + 1 (1, 2 or 4 bytes), filled from slot 0, 0 when free ]
//
// Only what can vary is stored, so configurations stay small and equal bytes mean equal
// configurations (every field has one canonical encoding).
#pragma once

#include <cassert>
#include <cstdint>
#include <cstring>
#include <vector>

#include "gtype/automaton.h"

namespace gtype::verifier {

class Layout {
 public:
  Layout(const AutomatonSystem& system, std::uint32_t capacity);

  std::size_t size() const { return size_; }
  std::uint32_t roles() const { return roles_; }
  std::uint32_t capacity() const { return capacity_; }
  std::uint32_t queue_count() const { return static_cast<std::uint32_t>(queue_ends_.size()); }
  std::pair<std::uint32_t, std::uint32_t> queue_ends(std::uint32_t queue) const { return queue_ends_[queue]; }

  std::uint32_t state(const std::uint8_t* c, std::uint32_t role) const {
    return load(c + state_bytes_ * role, state_bytes_);
  }
  void set_state(std::uint8_t* c, std::uint32_t role, std::uint32_t value) const {
    store(c + state_bytes_ * role, state_bytes_, value);
  }

  // -1 when the pair never connects (in an explicit system it is then never connected).
  std::int32_t pair_bit(std::uint32_t a, std::uint32_t b) const { return pair_bit_[a * roles_ + b]; }
  bool connected_bit(const std::uint8_t* c, std::uint32_t a, std::uint32_t b) const {
    const std::int32_t index = pair_bit(a, b);
    return index >= 0 && bit(c, index);
  }
  void set_connected(std::uint8_t* c, std::uint32_t a, std::uint32_t b, bool value) const {
    const std::int32_t index = pair_bit(a, b);
    if (index >= 0) set_bit(c, index, value);
  }

  // -1 when `from` never sends to `to`: that queue is always empty.
  std::int32_t queue(std::uint32_t from, std::uint32_t to) const { return queue_of_[from * roles_ + to]; }
  // Message number + 1 at the head, 0 when empty.
  std::uint32_t head(const std::uint8_t* c, std::int32_t queue) const {
    return queue < 0 ? 0 : slot(c, static_cast<std::uint32_t>(queue), 0);
  }
  std::uint32_t length(const std::uint8_t* c, std::int32_t queue) const {
    if (queue < 0) return 0;
    std::uint32_t n = 0;
    while (n < capacity_ && slot(c, static_cast<std::uint32_t>(queue), n) != 0) ++n;
    return n;
  }
  bool full(const std::uint8_t* c, std::int32_t queue) const {
    assert(queue >= 0);
    return slot(c, static_cast<std::uint32_t>(queue), capacity_ - 1) != 0;
  }
  void push(std::uint8_t* c, std::int32_t queue, std::uint32_t message) const {
    const auto q = static_cast<std::uint32_t>(queue);
    const std::uint32_t n = length(c, queue);
    assert(n < capacity_);
    set_slot(c, q, n, message + 1);
  }
  void pop(std::uint8_t* c, std::int32_t queue) const {
    const auto q = static_cast<std::uint32_t>(queue);
    std::uint8_t* first = c + queue_offset_ + q * capacity_ * slot_bytes_;
    std::memmove(first, first + slot_bytes_, (capacity_ - 1) * slot_bytes_);
    std::memset(first + (capacity_ - 1) * slot_bytes_, 0, slot_bytes_);
  }

 private:
  // Little-endian fields of 1, 2 or 4 bytes.
  static std::uint32_t load(const std::uint8_t* p, std::uint32_t bytes) {
    if (bytes == 1) return *p;
    std::uint32_t v = 0;
    for (std::uint32_t i = 0; i < bytes; ++i) v |= static_cast<std::uint32_t>(p[i]) << (8 * i);
    return v;
  }
  static void store(std::uint8_t* p, std::uint32_t bytes, std::uint32_t v) {
    for (std::uint32_t i = 0; i < bytes; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  static std::uint32_t bytes_for(std::size_t values) {
    return values <= 0x100 ? 1 : values <= 0x10000 ? 2 : 4;
  }
  bool bit(const std::uint8_t* c, std::int32_t index) const {
    return (c[flag_offset_ + index / 8] >> (index % 8)) & 1;
  }
  void set_bit(std::uint8_t* c, std::int32_t index, bool value) const {
    std::uint8_t& byte = c[flag_offset_ + index / 8];
    const auto mask = static_cast<std::uint8_t>(1u << (index % 8));
    byte = value ? (byte | mask) : (byte & ~mask);
  }
  std::uint32_t slot(const std::uint8_t* c, std::uint32_t queue, std::uint32_t index) const {
    return load(c + queue_offset_ + (queue * capacity_ + index) * slot_bytes_, slot_bytes_);
  }
  void set_slot(std::uint8_t* c, std::uint32_t queue, std::uint32_t index, std::uint32_t value) const {
    store(c + queue_offset_ + (queue * capacity_ + index) * slot_bytes_, slot_bytes_, value);
  }

  std::uint32_t roles_;
  std::uint32_t capacity_;
  std::uint32_t state_bytes_;
  std::vector<std::int32_t> pair_bit_;  // roles x roles, symmetric
  std::vector<std::int32_t> queue_of_;  // roles x roles
  std::vector<std::pair<std::uint32_t, std::uint32_t>> queue_ends_;
  std::size_t flag_offset_;
  std::size_t queue_offset_;
  std::uint32_t slot_bytes_;
  std::size_t size_;
};

}  // namespace gtype::verifier
