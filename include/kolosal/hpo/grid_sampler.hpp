#pragma once

#include <cstdint>
#include <vector>

#include "kolosal/hpo/sampler.hpp"

namespace kolosal::hpo {

/// Visits every point of a grid once, in an order shuffled by the seed. Categoricals and
/// discrete parameters with at most 100 values contribute every value; other numeric
/// parameters contribute `points_per_param` points evenly spaced in sampling coordinates.
/// Conditional parameters only multiply the grid where they are active. The study stops when
/// every point has been asked.
class GridSampler : public Sampler {
 public:
  GridSampler(int64_t points_per_param, uint64_t seed);

  std::string_view Name() const override { return "grid"; }
  ParamVector Sample(const SamplingContext& context, Rng& rng) override;
  bool IsExhausted(const SamplingContext& context) const override;

  /// Every point of the grid of `space`, in enumeration order (before shuffling).
  std::vector<ParamVector> EnumerateGrid(const SearchSpace& space) const;

 private:
  const std::vector<ParamVector>& GridFor(const SearchSpace& space) const;
  std::vector<double> AxisValues(const ParamSpec& spec) const;
  const ParamVector* FirstUnused(const SamplingContext& context) const;

  int64_t points_per_param_;
  uint64_t seed_;
  mutable const SearchSpace* cached_space_ = nullptr;
  mutable std::vector<ParamVector> cached_grid_;
};

}  // namespace kolosal::hpo
