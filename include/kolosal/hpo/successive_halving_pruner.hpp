#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "kolosal/hpo/pruner.hpp"

namespace kolosal::hpo {

/// Asynchronous successive halving (ASHA), as Optuna's SuccessiveHalvingPruner. Rung r sits at
/// step min_resource * reduction_factor^(min_early_stopping_rate + r). When a trial first
/// reports a step at or past a rung, it competes with every trial that reached that rung (its
/// value at the first step past it) and goes on only if it is in the top 1/reduction_factor.
class SuccessiveHalvingPruner : public Pruner {
 public:
  struct Options {
    /// The first rung's step; nullopt is "auto": the largest last step of the COMPLETE trials
    /// divided by 100 (at least 1), fixed once the first trial completes.
    std::optional<int64_t> min_resource;
    int64_t reduction_factor = 4;
    int64_t min_early_stopping_rate = 0;
  };

  explicit SuccessiveHalvingPruner(Options options) : options_(options) {}

  std::string_view Name() const override { return "successive_halving"; }
  bool ShouldPrune(const PruningContext& context) override;

  /// Successive halving over a subset of the trials (Hyperband uses one per bracket).
  bool ShouldPruneAmong(const FrozenTrial& trial, std::span<const FrozenTrial* const> competitors,
                        Direction direction, int64_t min_resource) const;

 private:
  std::optional<int64_t> MinResource(std::span<const FrozenTrial> trials);

  Options options_;
  std::optional<int64_t> estimated_min_resource_;
};

/// The value of `trial` at a rung: its report at the first step >= rung_step, if any.
std::optional<std::pair<int64_t, double>> RungValue(const FrozenTrial& trial, int64_t rung_step);

}  // namespace kolosal::hpo
