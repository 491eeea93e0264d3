#include "kolosal/jit/compile_cache.hpp"

#include <string>

#include "kolosal/core/error.hpp"

namespace kolosal::jit {

CompileCache::CompileCache(int64_t capacity) : capacity_(capacity) {
  if (capacity < 1) {
    ThrowInvalidArgument("jit_cache_size must be at least 1, got " + std::to_string(capacity));
  }
  stats_.capacity = capacity;
}

std::shared_ptr<const CompiledTrees> CompileCache::Find(uint64_t key) {
  const std::lock_guard lock(mutex_);
  const auto found = slots_.find(key);
  if (found == slots_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  recency_.splice(recency_.begin(), recency_, found->second);
  return found->second->second;
}

bool CompileCache::Contains(uint64_t key) const {
  const std::lock_guard lock(mutex_);
  return slots_.contains(key);
}

void CompileCache::Insert(uint64_t key, std::shared_ptr<const CompiledTrees> code) {
  if (!code) throw Error(StatusCode::kInternal, "jit: no code to cache");
  const std::lock_guard lock(mutex_);
  ++stats_.insertions;
  if (const auto found = slots_.find(key); found != slots_.end()) {
    stats_.code_bytes -= static_cast<int64_t>(found->second->second->code_size());
    recency_.erase(found->second);
    slots_.erase(found);
  }
  stats_.code_bytes += static_cast<int64_t>(code->code_size());
  recency_.emplace_front(key, std::move(code));
  slots_[key] = recency_.begin();
  while (static_cast<int64_t>(recency_.size()) > capacity_) {
    stats_.code_bytes -= static_cast<int64_t>(recency_.back().second->code_size());
    slots_.erase(recency_.back().first);
    recency_.pop_back();
    ++stats_.evictions;
  }
  stats_.size = static_cast<int64_t>(recency_.size());
}

bool CompileCache::Erase(uint64_t key) {
  const std::lock_guard lock(mutex_);
  const auto found = slots_.find(key);
  if (found == slots_.end()) return false;
  stats_.code_bytes -= static_cast<int64_t>(found->second->second->code_size());
  recency_.erase(found->second);
  slots_.erase(found);
  stats_.size = static_cast<int64_t>(recency_.size());
  return true;
}

CompileCache::Stats CompileCache::stats() const {
  const std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace kolosal::jit
