#pragma once

#include <cstdint>
#include <optional>

#include "kolosal/hpo/pruner.hpp"
#include "kolosal/hpo/successive_halving_pruner.hpp"

namespace kolosal::hpo {

/// Hyperband (Optuna's HyperbandPruner): trials are spread over brackets of successive halving
/// that differ in how early they start pruning; a trial competes only within its bracket.
/// Bracket i starts at rung min_resource * reduction_factor^i; there are
/// floor(log_rf(max_resource / min_resource)) + 1 brackets, and trial numbers are hashed onto
/// them in proportion to each bracket's budget.
class HyperbandPruner : public Pruner {
 public:
  struct Options {
    int64_t min_resource = 1;
    /// nullopt is "auto": the last step + 1 of the first trial that completes.
    std::optional<int64_t> max_resource;
    int64_t reduction_factor = 3;
  };

  explicit HyperbandPruner(Options options) : options_(options) {}

  std::string_view Name() const override { return "hyperband"; }
  bool ShouldPrune(const PruningContext& context) override;

  /// The number of brackets, once max_resource is known.
  std::optional<int64_t> BracketCount(std::span<const FrozenTrial> trials);
  /// The bracket of a trial number given the bracket count.
  int64_t BracketOf(int64_t trial_number, int64_t n_brackets) const;

 private:
  Options options_;
  std::optional<int64_t> max_resource_;
};

}  // namespace kolosal::hpo
