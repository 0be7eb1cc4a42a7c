#include "state_store.h"

#include <algorithm>
#include <cassert>

namespace gtype::verifier {

namespace {

// Blocks of 65536 configurations, halved until a block takes at most 16 MiB (or holds one).
std::uint32_t block_bits_for(std::size_t width) {
  std::uint32_t bits = 16;
  while (bits > 0 && (width << bits) > (std::size_t{16} << 20)) --bits;
  return bits;
}

}  // namespace

StateStore::StateStore(std::size_t width)
    : width_(width == 0 ? 1 : width),
      block_bits_(block_bits_for(width_)),
      block_mask_((1u << block_bits_) - 1),
      table_(1u << 12, 0) {}

std::uint64_t StateStore::hash(const std::uint8_t* config) const {
  // Word-at-a-time multiply-xorshift (as in splitmix64): fast, and good enough that probe
  // sequences stay short for the structured keys configurations are.
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ width_;
  std::size_t i = 0;
  for (; i + 8 <= width_; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, config + i, 8);
    h = (h ^ word) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
  }
  if (i < width_) {
    std::uint64_t word = 0;
    std::memcpy(&word, config + i, width_ - i);
    h = (h ^ word) * 0xBF58476D1CE4E5B9ull;
  }
  h ^= h >> 32;
  h *= 0x94D049BB133111EBull;
  return h ^ (h >> 29);
}

std::uint32_t StateStore::find(const std::uint8_t* config) const {
  const std::size_t mask = table_.size() - 1;
  for (std::size_t slot = hash(config) & mask;; slot = (slot + 1) & mask) {
    const std::uint32_t entry = table_[slot];
    if (entry == 0) return kNone;
    if (std::memcmp(get(entry - 1), config, width_) == 0) return entry - 1;
  }
}

std::pair<std::uint32_t, bool> StateStore::insert_hashed(const std::uint8_t* config, std::uint64_t hash,
                                                         std::uint32_t parent) {
  const std::size_t mask = table_.size() - 1;
  std::size_t slot = hash & mask;
  for (;; slot = (slot + 1) & mask) {
    const std::uint32_t entry = table_[slot];
    if (entry == 0) break;
    if (std::memcmp(get(entry - 1), config, width_) == 0) return {entry - 1, false};
  }
  assert(size_ < kNone - 1);
  const std::uint32_t index = size_++;
  if ((index >> block_bits_) == blocks_.size()) {
    blocks_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(width_ << block_bits_));
  }
  std::memcpy(blocks_[index >> block_bits_].get() + static_cast<std::size_t>(index & block_mask_) * width_,
              config, width_);
  parents_.push_back(parent);
  table_[slot] = index + 1;
  if (static_cast<std::size_t>(size_) * 4 > table_.size() * 3) grow();  // load factor at most 3/4
  return {index, true};
}

void StateStore::grow() {
  std::vector<std::uint32_t> table(table_.size() * 2, 0);
  const std::size_t mask = table.size() - 1;
  for (std::uint32_t index = 0; index < size_; ++index) {
    std::size_t slot = hash(get(index)) & mask;
    while (table[slot] != 0) slot = (slot + 1) & mask;
    table[slot] = index + 1;
  }
  table_.swap(table);
}

std::size_t StateStore::memory_bytes() const {
  // What the stored states occupy (the last block is only partly used), plus the whole table.
  return static_cast<std::size_t>(size_) * (width_ + sizeof(std::uint32_t)) + table_.size() * sizeof(std::uint32_t);
}

std::size_t StateStore::allocated_bytes() const {
  return blocks_.size() * (width_ << block_bits_) + parents_.capacity() * sizeof(std::uint32_t) +
         table_.size() * sizeof(std::uint32_t);
}

std::size_t StateStore::bytes_for_next_insert() const {
  std::size_t bytes = 0;
  if ((size_ >> block_bits_) == blocks_.size()) bytes += width_ << block_bits_;
  if (parents_.size() == parents_.capacity())
    bytes += std::max<std::size_t>(1, parents_.capacity()) * 2 * sizeof(std::uint32_t);
  if (static_cast<std::size_t>(size_ + 1) * 4 > table_.size() * 3)
    bytes += table_.size() * 2 * sizeof(std::uint32_t);
  return bytes;
}

}  // namespace gtype::verifier
