#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "kolosal/jit/compiled_trees.hpp"

namespace kolosal::jit {

/// Compiled code by model key, holding at most `capacity` entries and evicting the least
/// recently used. Lookups never compile: a miss returns nullptr at once, so the caller can run
/// the interpreter while the code is built elsewhere (oneTBB's concurrent_lru_cache computes
/// values on a miss in the caller's thread, which is why it is not used here). Code handed out
/// stays valid after its eviction until the last holder lets go. Thread-safe.
class CompileCache {
 public:
  struct Stats {
    int64_t capacity = 0;
    int64_t size = 0;
    int64_t hits = 0;
    int64_t misses = 0;
    int64_t insertions = 0;
    int64_t evictions = 0;
    /// Machine code and data of the entries held now.
    int64_t code_bytes = 0;
  };

  /// Throws Error(kInvalidArgument) unless capacity >= 1.
  explicit CompileCache(int64_t capacity);

  /// The code for `key`, now the most recently used; nullptr when absent.
  std::shared_ptr<const CompiledTrees> Find(uint64_t key);
  /// Whether `key` is held, without counting a lookup or touching its recency.
  bool Contains(uint64_t key) const;
  /// Stores (or replaces) the code for `key` as the most recently used and evicts the least
  /// recently used beyond capacity.
  void Insert(uint64_t key, std::shared_ptr<const CompiledTrees> code);
  /// Drops `key` (not counted as an eviction); false when it was not held.
  bool Erase(uint64_t key);

  Stats stats() const;

 private:
  using Slot = std::pair<uint64_t, std::shared_ptr<const CompiledTrees>>;

  const int64_t capacity_;
  mutable std::mutex mutex_;
  std::list<Slot> recency_;  // most recently used first
  std::unordered_map<uint64_t, std::list<Slot>::iterator> slots_;
  Stats stats_;
};

}  // namespace kolosal::jit
