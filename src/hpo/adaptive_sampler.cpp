#include "kolosal/hpo/adaptive_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kolosal/hpo/detail/sampling.hpp"

namespace kolosal::hpo {
namespace {

constexpr double kPadding = 1.0;
constexpr double kMinFraction = 0.25;

bool IsConditionParent(const SearchSpace& space, const std::string& name) {
  for (const ParamSpec& spec : space.params()) {
    for (const ParamCondition& condition : spec.conditions) {
      if (condition.parent == name) return true;
    }
  }
  return false;
}

// The interval [low, high] of sampling coordinates turned into bounds on the parameter's grid.
void SetBounds(ParamSpec& spec, double low, double high) {
  double low_value = spec.FromSampling(low);
  double high_value = spec.FromSampling(high);
  if (spec.IsDiscrete()) {
    low_value = spec.low + std::floor((low_value - spec.low) / spec.step + 1e-9) * spec.step;
    high_value = spec.low + std::ceil((high_value - spec.low) / spec.step - 1e-9) * spec.step;
  }
  spec.low = std::clamp(low_value, spec.low, spec.high);
  spec.high = std::clamp(high_value, spec.low, spec.high);
}

void ShrinkParam(ParamSpec& spec, size_t index, const std::vector<const FrozenTrial*>& top) {
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (const FrozenTrial* trial : top) {
    const double value = trial->params[index];
    if (std::isnan(value)) continue;
    low = std::min(low, spec.ToSampling(value));
    high = std::max(high, spec.ToSampling(value));
  }
  if (low > high) return;  // inactive in every top trial
  const double full_low = spec.ToSampling(spec.low);
  const double full_high = spec.ToSampling(spec.high);
  const double full = full_high - full_low;
  const double width = std::max(high - low, 0.0);
  double new_low = low - kPadding * width;
  double new_high = high + kPadding * width;
  const double missing = kMinFraction * full - (new_high - new_low);
  if (missing > 0.0) {
    new_low -= 0.5 * missing;
    new_high += 0.5 * missing;
  }
  // Keep the width when the region hits an end of the full range.
  if (new_low < full_low) new_high += full_low - new_low;
  if (new_high > full_high) new_low -= new_high - full_high;
  SetBounds(spec, std::max(new_low, full_low), std::min(new_high, full_high));
}

// The region widened by its width on each side (in sampling coordinates), within the full space.
SearchSpace Neighbourhood(const SearchSpace& space, const SearchSpace& region) {
  std::vector<ParamSpec> specs = region.params();
  for (size_t idx = 0; idx < specs.size(); ++idx) {
    ParamSpec& spec = specs[idx];
    if (!spec.IsNumeric()) continue;
    const ParamSpec& full = space.param(idx);
    const double low = spec.ToSampling(spec.low);
    const double high = spec.ToSampling(spec.high);
    spec.low = std::max(full.low, spec.FromSampling(low - (high - low)));
    spec.high = std::min(full.high, spec.FromSampling(high + (high - low)));
  }
  return SearchSpace(std::move(specs));
}

bool Inside(const SearchSpace& region, const ParamVector& params) {
  for (size_t idx = 0; idx < region.size(); ++idx) {
    const ParamSpec& spec = region.param(idx);
    if (!spec.IsNumeric() || std::isnan(params[idx])) continue;
    if (params[idx] < spec.low || params[idx] > spec.high) return false;
  }
  return true;
}

}  // namespace

AdaptiveSampler::AdaptiveSampler(std::unique_ptr<Sampler> base, int64_t adaptation_frequency,
                                 double exploration)
    : base_(std::move(base)),
      adaptation_frequency_(std::max<int64_t>(adaptation_frequency, 1)),
      exploration_(exploration) {}

std::optional<SearchSpace> AdaptiveSampler::Region(const SearchSpace& space,
                                                   std::span<const FrozenTrial> trials,
                                                   Direction direction) const {
  std::vector<const FrozenTrial*> complete;
  for (const FrozenTrial& trial : trials) {
    if (trial.state == TrialState::kComplete && !trial.params.empty() && !std::isnan(trial.value)) {
      complete.push_back(&trial);
    }
  }
  const int64_t epoch = static_cast<int64_t>(complete.size()) / adaptation_frequency_;
  if (epoch < 2) return std::nullopt;
  // The region of an adaptation point uses the trials completed up to it.
  complete.resize(static_cast<size_t>(epoch * adaptation_frequency_));
  std::stable_sort(
      complete.begin(), complete.end(), [&](const FrozenTrial* lhs, const FrozenTrial* rhs) {
        return detail::Loss(lhs->value, direction) < detail::Loss(rhs->value, direction);
      });
  const size_t n_top = std::clamp<size_t>(
      static_cast<size_t>(std::ceil(0.2 * static_cast<double>(complete.size()))), 3, 25);
  complete.resize(std::min(n_top, complete.size()));
  std::vector<ParamSpec> specs = space.params();
  for (size_t idx = 0; idx < specs.size(); ++idx) {
    if (!specs[idx].IsNumeric() || IsConditionParent(space, specs[idx].name)) continue;
    ShrinkParam(specs[idx], idx, complete);
  }
  return SearchSpace(std::move(specs));
}

ParamVector AdaptiveSampler::Sample(const SamplingContext& context, Rng& rng) {
  // The exploration draw comes first and always, so the stream does not depend on the branch.
  const bool explore = UniformUnit(rng) < exploration_;
  int64_t n_complete = 0;
  for (const FrozenTrial& trial : context.trials) {
    n_complete += trial.state == TrialState::kComplete && !trial.params.empty() ? 1 : 0;
  }
  const int64_t epoch = n_complete / adaptation_frequency_;
  if (epoch != cached_epoch_ || cached_for_ != &context.space) {
    cached_region_ = Region(context.space, context.trials, context.direction);
    cached_neighbourhood_.reset();
    if (cached_region_ && base_->LearnsBeyondSpace()) {
      cached_neighbourhood_ = Neighbourhood(context.space, *cached_region_);
    }
    cached_epoch_ = epoch;
    cached_for_ = &context.space;
  }
  if (explore || !cached_region_) return base_->Sample(context, rng);
  const SearchSpace& seen = cached_neighbourhood_ ? *cached_neighbourhood_ : *cached_region_;
  std::vector<FrozenTrial> inside;
  for (const FrozenTrial& trial : context.trials) {
    if (trial.params.empty() || Inside(seen, trial.params)) inside.push_back(trial);
  }
  const SamplingContext narrowed{*cached_region_, inside, context.direction, context.trial_number};
  return base_->Sample(narrowed, rng);
}

}  // namespace kolosal::hpo
