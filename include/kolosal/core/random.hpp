#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <utility>

namespace kolosal {

/// The engine used everywhere a seed is given; the same seed gives the same stream on every run.
using Rng = std::mt19937_64;

/// SplitMix64: derives independent, well-mixed seeds for sub-tasks (a tree, a fold) from one
/// base seed, so results do not depend on which thread runs which sub-task.
constexpr uint64_t MixSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// A uniform double in [0, 1) computed from the engine's bits alone (std's distributions may
/// differ across standard libraries; this does not).
inline double UniformUnit(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

/// A uniform integer in [0, n) by Lemire's multiply-shift (n > 0).
inline uint64_t UniformIndex(Rng& rng, uint64_t n) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(rng()) * n) >> 64);
}

/// Fisher–Yates over UniformIndex, so that a seed gives the same order with every standard
/// library (std::shuffle's use of the engine is implementation-defined).
template <typename T>
void Shuffle(std::span<T> items, Rng& rng) {
  for (size_t idx = items.size(); idx > 1; --idx) {
    const auto other = static_cast<size_t>(UniformIndex(rng, idx));
    std::swap(items[idx - 1], items[other]);
  }
}

/// Moves a uniform draw of `count` of `items` (at most items.size()) to the front, in draw order:
/// the first `count` steps of a forward Fisher–Yates shuffle over UniformIndex.
template <typename T>
void DrawToFront(std::span<T> items, size_t count, Rng& rng) {
  for (size_t idx = 0; idx < count; ++idx) {
    std::swap(items[idx], items[idx + static_cast<size_t>(UniformIndex(rng, items.size() - idx))]);
  }
}

}  // namespace kolosal
