// The set of visited configurations (internal to verify/).
//
// Configurations of one fixed width live in fixed-size blocks (never moved, so a pointer to one
// stays valid); an open-addressing table of 32-bit indices finds them by content. Each stored
// configuration also keeps the index of the one it was first reached from, for traces. Memory
// per state: its packed bytes, 4 bytes of parent, and 4 / load-factor bytes of table. A block
// holds 65536 configurations, or fewer when they are wide (at most about 16 MiB a block).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace gtype::verifier {

class StateStore {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  explicit StateStore(std::size_t width);

  // Returns the configuration's index and whether it is new.
  std::pair<std::uint32_t, bool> insert(const std::uint8_t* config, std::uint32_t parent) {
    return insert_hashed(config, hash(config), parent);
  }
  // The same in two halves, so that a caller with several configurations in hand can hash them
  // all and prefetch their table slots first: the lookups then wait on memory together.
  std::uint64_t hash(const std::uint8_t* config) const;
  void prefetch(std::uint64_t hash) const { __builtin_prefetch(&table_[hash & (table_.size() - 1)]); }
  // Once the slot is in cache: prefetches the configuration stored there, if any.
  void prefetch_stored(std::uint64_t hash) const {
    const std::uint32_t entry = table_[hash & (table_.size() - 1)];
    if (entry != 0) __builtin_prefetch(get(entry - 1));
  }
  std::pair<std::uint32_t, bool> insert_hashed(const std::uint8_t* config, std::uint64_t hash, std::uint32_t parent);
  // kNone when absent.
  std::uint32_t find(const std::uint8_t* config) const;

  const std::uint8_t* get(std::uint32_t index) const {
    return blocks_[index >> block_bits_].get() + static_cast<std::size_t>(index & block_mask_) * width_;
  }
  std::uint32_t parent(std::uint32_t index) const { return parents_[index]; }
  std::uint32_t size() const { return size_; }
  std::size_t width() const { return width_; }
  // What the stored configurations occupy, with parents and table (bytes per state).
  std::size_t memory_bytes() const;
  // What the store has allocated: whole blocks, parents' capacity and table (the memory limit).
  std::size_t allocated_bytes() const;
  // What the next insertion of a new configuration may allocate on top of that (a block, the
  // parents' doubling, the table's doubling while the old one is still held).
  std::size_t bytes_for_next_insert() const;

 private:
  void grow();

  std::size_t width_;
  std::uint32_t block_bits_;  // a block holds 2^block_bits_ configurations
  std::uint32_t block_mask_;
  std::vector<std::unique_ptr<std::uint8_t[]>> blocks_;
  std::vector<std::uint32_t> parents_;
  std::vector<std::uint32_t> table_;  // index + 1, 0 when free; size a power of two
  std::uint32_t size_ = 0;
};

}  // namespace gtype::verifier
