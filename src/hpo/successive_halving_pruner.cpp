#include "kolosal/hpo/successive_halving_pruner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kolosal/hpo/detail/sampling.hpp"

namespace kolosal::hpo {
namespace {

// min_resource * reduction_factor^rung_index, saturated at the largest int64_t (no reported
// step reaches that far, so such a rung is never passed).
int64_t RungStep(int64_t min_resource, int64_t reduction_factor, int64_t rung_index) {
  int64_t step = min_resource;
  for (int64_t idx = 0; idx < rung_index; ++idx) {
    if (__builtin_mul_overflow(step, reduction_factor, &step)) {
      return std::numeric_limits<int64_t>::max();
    }
  }
  return step;
}

// Optuna's rule: the trial goes on when its value is within the best
// max(1, n_competitors // reduction_factor) values of the rung.
bool IsPromotable(double loss, std::vector<double> competing, int64_t reduction_factor) {
  std::sort(competing.begin(), competing.end());
  int64_t promotable_idx = static_cast<int64_t>(competing.size()) / reduction_factor - 1;
  promotable_idx = std::max<int64_t>(promotable_idx, 0);
  return loss <= competing[static_cast<size_t>(promotable_idx)];
}

}  // namespace

std::optional<std::pair<int64_t, double>> RungValue(const FrozenTrial& trial, int64_t rung_step) {
  const auto found = std::lower_bound(
      trial.intermediate_values.begin(), trial.intermediate_values.end(), rung_step,
      [](const std::pair<int64_t, double>& entry, int64_t key) { return entry.first < key; });
  if (found == trial.intermediate_values.end()) return std::nullopt;
  return *found;
}

std::optional<int64_t> SuccessiveHalvingPruner::MinResource(std::span<const FrozenTrial> trials) {
  if (options_.min_resource) return options_.min_resource;
  if (estimated_min_resource_) return estimated_min_resource_;
  std::optional<int64_t> largest_step;
  for (const FrozenTrial& trial : trials) {
    if (trial.state != TrialState::kComplete || !trial.LastStep()) continue;
    largest_step = std::max(largest_step.value_or(0), *trial.LastStep());
  }
  if (!largest_step) return std::nullopt;
  estimated_min_resource_ = std::max<int64_t>(*largest_step / 100, 1);
  return estimated_min_resource_;
}

bool SuccessiveHalvingPruner::ShouldPrune(const PruningContext& context) {
  const std::optional<int64_t> min_resource = MinResource(context.trials);
  if (!min_resource) return false;
  std::vector<const FrozenTrial*> competitors;
  for (const FrozenTrial& trial : context.trials) competitors.push_back(&trial);
  return ShouldPruneAmong(context.trial, competitors, context.direction, *min_resource);
}

bool SuccessiveHalvingPruner::ShouldPruneAmong(const FrozenTrial& trial,
                                               std::span<const FrozenTrial* const> competitors,
                                               Direction direction, int64_t min_resource) const {
  const std::optional<int64_t> step = trial.LastStep();
  if (!step) return false;
  for (int64_t rung = 0;; ++rung) {
    const int64_t rung_step =
        RungStep(min_resource, options_.reduction_factor, options_.min_early_stopping_rate + rung);
    if (*step < rung_step) return false;
    const std::optional<std::pair<int64_t, double>> own = RungValue(trial, rung_step);
    // Rungs passed at an earlier report were decided then.
    if (own->first != *step) continue;
    const double loss = detail::Loss(own->second, direction);
    if (std::isnan(loss)) return true;
    std::vector<double> competing;
    for (const FrozenTrial* other : competitors) {
      if (other->number == trial.number) continue;
      const std::optional<std::pair<int64_t, double>> value = RungValue(*other, rung_step);
      if (value && !std::isnan(value->second)) {
        competing.push_back(detail::Loss(value->second, direction));
      }
    }
    competing.push_back(loss);
    if (!IsPromotable(loss, std::move(competing), options_.reduction_factor)) return true;
  }
}

}  // namespace kolosal::hpo
