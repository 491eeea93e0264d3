#pragma once

#include <cstdint>
#include <vector>

#include "kolosal/hpo/sampler.hpp"

namespace kolosal::hpo {

/// Visits every point of a grid once. Each ask takes a point no trial of the study has yet,
/// drawn at random from those left (as Optuna's GridSampler does), so workers of one study that
/// ask at the same moment rarely take the same point. Categoricals and
/// discrete parameters with at most 100 values contribute every value; other numeric
/// parameters contribute `points_per_param` points evenly spaced in sampling coordinates.
/// Conditional parameters only multiply the grid where they are active. The study stops when
/// every point has been asked.
class GridSampler : public Sampler {
 public:
  explicit GridSampler(int64_t points_per_param);

  std::string_view Name() const override { return "grid"; }
  ParamVector Sample(const SamplingContext& context, Rng& rng) override;
  bool IsExhausted(const SamplingContext& context) const override;

  /// Every point of the grid of `space`, in enumeration order.
  std::vector<ParamVector> EnumerateGrid(const SearchSpace& space) const;

 private:
  const std::vector<ParamVector>& GridFor(const SearchSpace& space) const;
  std::vector<double> AxisValues(const ParamSpec& spec) const;
  /// The points of the grid that no trial has taken, in enumeration order.
  std::vector<const ParamVector*> Unused(const SamplingContext& context) const;

  int64_t points_per_param_;
  mutable const SearchSpace* cached_space_ = nullptr;
  mutable std::vector<ParamVector> cached_grid_;
};

}  // namespace kolosal::hpo
