#include "kolosal/hpo/hyperband_pruner.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kolosal/core/random.hpp"

namespace kolosal::hpo {
namespace {

// Optuna's budget of bracket i out of n: ceil(n * rf^s / (s + 1)) with s = n - 1 - i.
int64_t BracketBudget(int64_t bracket, int64_t n_brackets, int64_t reduction_factor) {
  const int64_t s = n_brackets - 1 - bracket;
  const double budget = static_cast<double>(n_brackets) *
                        std::pow(static_cast<double>(reduction_factor), s) /
                        static_cast<double>(s + 1);
  return static_cast<int64_t>(std::ceil(budget));
}

}  // namespace

std::optional<int64_t> HyperbandPruner::BracketCount(std::span<const FrozenTrial> trials) {
  if (!max_resource_) max_resource_ = options_.max_resource;
  if (!max_resource_) {
    // "auto", as Optuna: one more than the deepest step of the completed trials.
    for (const FrozenTrial& trial : trials) {
      if (trial.state != TrialState::kComplete || !trial.LastStep()) continue;
      max_resource_ = std::max(max_resource_.value_or(0), *trial.LastStep() + 1);
    }
  }
  if (!max_resource_) return std::nullopt;
  const double ratio =
      static_cast<double>(*max_resource_) / static_cast<double>(options_.min_resource);
  const double n_brackets =
      std::floor(std::log(ratio) / std::log(static_cast<double>(options_.reduction_factor)) + 1e-9);
  return std::max<int64_t>(static_cast<int64_t>(n_brackets) + 1, 1);
}

int64_t HyperbandPruner::BracketOf(int64_t trial_number, int64_t n_brackets) const {
  int64_t total = 0;
  for (int64_t bracket = 0; bracket < n_brackets; ++bracket) {
    total += BracketBudget(bracket, n_brackets, options_.reduction_factor);
  }
  int64_t position = static_cast<int64_t>(
      MixSeed(0x48425052ULL, static_cast<uint64_t>(trial_number)) % static_cast<uint64_t>(total));
  for (int64_t bracket = 0; bracket < n_brackets; ++bracket) {
    position -= BracketBudget(bracket, n_brackets, options_.reduction_factor);
    if (position < 0) return bracket;
  }
  return n_brackets - 1;
}

bool HyperbandPruner::ShouldPrune(const PruningContext& context) {
  const std::optional<int64_t> n_brackets = BracketCount(context.trials);
  if (!n_brackets) return false;
  const int64_t bracket = BracketOf(context.trial.number, *n_brackets);
  std::vector<const FrozenTrial*> same_bracket;
  for (const FrozenTrial& trial : context.trials) {
    if (BracketOf(trial.number, *n_brackets) == bracket) same_bracket.push_back(&trial);
  }
  SuccessiveHalvingPruner::Options halving;
  halving.min_resource = options_.min_resource;
  halving.reduction_factor = options_.reduction_factor;
  halving.min_early_stopping_rate = bracket;
  const SuccessiveHalvingPruner pruner(halving);
  return pruner.ShouldPruneAmong(context.trial, same_bracket, context.direction,
                                 options_.min_resource);
}

}  // namespace kolosal::hpo
