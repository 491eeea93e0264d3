#include "kolosal/hpo/tpe_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "kolosal/hpo/detail/parzen_estimator.hpp"
#include "kolosal/hpo/detail/sampling.hpp"

namespace kolosal::hpo {
namespace {

struct Ranked {
  const FrozenTrial* trial;
  int64_t depth;  // pruned: the deepest step reached
  double loss;
};

bool HasParams(const FrozenTrial& trial) { return !trial.params.empty(); }

// Observations (in trial-number order) in which every parameter of the group is active.
std::vector<const ParamVector*> Observed(const std::vector<const ParamVector*>& params,
                                         const std::vector<size_t>& group) {
  std::vector<const ParamVector*> observed;
  for (const ParamVector* values : params) {
    const bool all_active = std::all_of(group.begin(), group.end(), [&](size_t idx) {
      return idx < values->size() && !std::isnan((*values)[idx]);
    });
    if (all_active) observed.push_back(values);
  }
  return observed;
}

// The condition signature of a parameter: parents and their accepted values.
std::string ConditionKey(const ParamSpec& spec) {
  std::string key;
  for (const ParamCondition& condition : spec.conditions) {
    key += condition.parent + "=";
    for (double value : condition.internal_values) key += std::to_string(value) + ",";
    key += ";";
  }
  return key;
}

}  // namespace

size_t TpeSampler::GammaCount(size_t n_finished) const {
  const double base = settings_.gamma_sqrt ? std::sqrt(static_cast<double>(n_finished))
                                           : static_cast<double>(n_finished);
  const double count = std::ceil(settings_.gamma_factor * base);
  return static_cast<size_t>(std::min(count, static_cast<double>(settings_.gamma_cap)));
}

std::vector<std::vector<size_t>> TpeSampler::Groups(const SearchSpace& space) const {
  std::vector<std::vector<size_t>> groups;
  if (!settings_.multivariate) {
    for (size_t idx = 0; idx < space.size(); ++idx) groups.push_back({idx});
    return groups;
  }
  // Without `group`, only the unconditional parameters are modelled jointly.
  std::map<std::string, size_t> group_of_key;
  for (size_t idx = 0; idx < space.size(); ++idx) {
    const std::string key = ConditionKey(space.param(idx));
    if (!settings_.group && !key.empty()) {
      groups.push_back({idx});
      continue;
    }
    const auto [found, inserted] = group_of_key.emplace(key, groups.size());
    if (inserted) groups.emplace_back();
    groups[found->second].push_back(idx);
  }
  return groups;
}

TpeSampler::Split TpeSampler::SplitTrials(const SamplingContext& context) const {
  std::vector<Ranked> complete;
  std::vector<Ranked> pruned;
  std::vector<const FrozenTrial*> running;
  for (const FrozenTrial& trial : context.trials) {
    if (!HasParams(trial) || trial.number == context.trial_number) continue;
    if (trial.state == TrialState::kComplete && !std::isnan(trial.value)) {
      complete.push_back({&trial, 0, detail::Loss(trial.value, context.direction)});
    } else if (trial.state == TrialState::kPruned) {
      const int64_t depth = trial.LastStep().value_or(-1);
      const double last =
          trial.intermediate_values.empty()
              ? std::numeric_limits<double>::infinity()
              : detail::Loss(trial.intermediate_values.back().second, context.direction);
      pruned.push_back(
          {&trial, depth, std::isnan(last) ? std::numeric_limits<double>::infinity() : last});
    } else if (trial.state == TrialState::kRunning && settings_.constant_liar) {
      running.push_back(&trial);
    }
  }
  std::stable_sort(complete.begin(), complete.end(),
                   [](const Ranked& lhs, const Ranked& rhs) { return lhs.loss < rhs.loss; });
  std::stable_sort(pruned.begin(), pruned.end(), [](const Ranked& lhs, const Ranked& rhs) {
    return lhs.depth != rhs.depth ? lhs.depth > rhs.depth : lhs.loss < rhs.loss;
  });
  const size_t n_below = GammaCount(complete.size() + pruned.size());
  std::vector<const FrozenTrial*> below;
  std::vector<const FrozenTrial*> above(running.begin(), running.end());
  for (const std::vector<Ranked>* ranked : {&complete, &pruned}) {
    for (const Ranked& entry : *ranked) {
      (below.size() < n_below ? below : above).push_back(entry.trial);
    }
  }
  // Kernel weights ramp by recency, so each side is kept in trial-number order.
  const auto by_number = [](const FrozenTrial* lhs, const FrozenTrial* rhs) {
    return lhs->number < rhs->number;
  };
  std::sort(below.begin(), below.end(), by_number);
  std::sort(above.begin(), above.end(), by_number);
  Split split;
  for (const FrozenTrial* trial : below) split.below.push_back(&trial->params);
  for (const FrozenTrial* trial : above) split.above.push_back(&trial->params);
  return split;
}

void TpeSampler::SampleGroup(const SearchSpace& space, const std::vector<size_t>& group,
                             const Split& split, ParamVector& values, Rng& rng) const {
  const std::vector<const ParamVector*> observed_below = Observed(split.below, group);
  const std::vector<const ParamVector*> observed_above = Observed(split.above, group);
  // One magic-clip floor for both sides, from all the group's observations (docs/hpo.md).
  const size_t clip_count = observed_below.size() + observed_above.size();
  const detail::ParzenEstimator below(space, group, observed_below, settings_.prior_weight,
                                      clip_count);
  const detail::ParzenEstimator above(space, group, observed_above, settings_.prior_weight,
                                      clip_count);
  const size_t n_candidates = static_cast<size_t>(settings_.n_ei_candidates);
  const std::vector<double> candidates = below.Sample(n_candidates, rng);
  const std::vector<double> log_below = below.LogPdf(candidates);
  const std::vector<double> log_above = above.LogPdf(candidates);
  size_t best = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  for (size_t idx = 0; idx < n_candidates; ++idx) {
    const double score = log_below[idx] - log_above[idx];
    if (score > best_score) {
      best_score = score;
      best = idx;
    }
  }
  for (size_t dim = 0; dim < group.size(); ++dim) {
    values[group[dim]] = candidates[best * group.size() + dim];
  }
}

ParamVector TpeSampler::Sample(const SamplingContext& context, Rng& rng) {
  const SearchSpace& space = context.space;
  size_t n_finished = 0;
  size_t n_with_params = 0;
  for (const FrozenTrial& trial : context.trials) {
    if (!HasParams(trial) || trial.number == context.trial_number) continue;
    ++n_with_params;
    const bool finished =
        trial.state == TrialState::kComplete || trial.state == TrialState::kPruned;
    n_finished += finished ? 1 : 0;
  }
  if (n_finished < static_cast<size_t>(settings_.n_startup_trials) || n_finished == 0) {
    if (settings_.sample_prior_centre && n_with_params == 0) return detail::PriorCentre(space);
    return detail::SampleUniformVector(space, rng);
  }
  const Split split = SplitTrials(context);
  ParamVector values(space.size(), std::numeric_limits<double>::quiet_NaN());
  for (const std::vector<size_t>& group : Groups(space)) {
    // Parents precede their children, so the group's first parameter decides its activity.
    if (!space.IsActive(group.front(), values)) continue;
    SampleGroup(space, group, split, values, rng);
  }
  return values;
}

}  // namespace kolosal::hpo
