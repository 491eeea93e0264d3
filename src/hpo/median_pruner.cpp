#include "kolosal/hpo/median_pruner.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kolosal/hpo/detail/sampling.hpp"

namespace kolosal::hpo {
namespace {

// numpy's default (linear) percentile of sorted values.
double Percentile(std::vector<double> values, double percent) {
  std::sort(values.begin(), values.end());
  const double position = percent / 100.0 * static_cast<double>(values.size() - 1);
  const size_t lower = static_cast<size_t>(std::floor(position));
  const size_t upper = std::min(lower + 1, values.size() - 1);
  const double fraction = position - static_cast<double>(lower);
  return values[lower] + fraction * (values[upper] - values[lower]);
}

double BestIntermediateLoss(const FrozenTrial& trial, Direction direction) {
  double best = std::numeric_limits<double>::quiet_NaN();
  for (const auto& [step, value] : trial.intermediate_values) {
    const double loss = detail::Loss(value, direction);
    if (std::isnan(loss)) continue;
    if (std::isnan(best) || loss < best) best = loss;
  }
  return best;
}

}  // namespace

bool MedianPruner::IsCheckStep(const FrozenTrial& trial, int64_t step) const {
  if (options_.interval_steps <= 1) return true;
  // The step is checked when it is the first reported step of its interval.
  const int64_t interval_start =
      (step - options_.n_warmup_steps) / options_.interval_steps * options_.interval_steps +
      options_.n_warmup_steps;
  for (const auto& [reported, value] : trial.intermediate_values) {
    if (reported >= interval_start && reported < step) return false;
  }
  return true;
}

bool MedianPruner::ShouldPrune(const PruningContext& context) {
  const std::optional<int64_t> step = context.trial.LastStep();
  if (!step || *step < options_.n_warmup_steps) return false;
  int64_t n_complete = 0;
  for (const FrozenTrial& other : context.trials) {
    n_complete += other.state == TrialState::kComplete ? 1 : 0;
  }
  if (n_complete == 0 || n_complete < options_.n_startup_trials) return false;
  if (!IsCheckStep(context.trial, *step)) return false;
  const double best = BestIntermediateLoss(context.trial, context.direction);
  if (std::isnan(best)) return true;
  std::vector<double> others;
  for (const FrozenTrial& other : context.trials) {
    if (other.state != TrialState::kComplete) continue;
    const std::optional<double> value = other.IntermediateAt(*step);
    if (value && !std::isnan(*value)) others.push_back(detail::Loss(*value, context.direction));
  }
  if (others.empty()) return false;
  return best > Percentile(std::move(others), 50.0);
}

}  // namespace kolosal::hpo
