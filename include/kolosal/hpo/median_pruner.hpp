#pragma once

#include <cstdint>

#include "kolosal/hpo/pruner.hpp"

namespace kolosal::hpo {

/// Prunes a trial whose best intermediate value so far is worse than the median of the
/// COMPLETE trials' values at the same step (Optuna's MedianPruner).
class MedianPruner : public Pruner {
 public:
  struct Options {
    /// No pruning until this many trials are COMPLETE.
    int64_t n_startup_trials = 5;
    /// No pruning before this step.
    int64_t n_warmup_steps = 0;
    /// Check only every this many steps after the warm-up.
    int64_t interval_steps = 1;
  };

  explicit MedianPruner(Options options) : options_(options) {}

  std::string_view Name() const override { return "median"; }
  bool ShouldPrune(const PruningContext& context) override;

 private:
  bool IsCheckStep(const FrozenTrial& trial, int64_t step) const;

  Options options_;
};

}  // namespace kolosal::hpo
