#pragma once

#include <cstddef>
#include <vector>

#include "kolosal/hpo/sampler.hpp"
#include "kolosal/hpo/study_options.hpp"

namespace kolosal::hpo {

/// The tree-structured Parzen estimator, following Optuna's current design: random startup
/// trials (the first at the prior centre), then the finished trials split into the best
/// gamma(n) = min(ceil(0.1 n), 25) and the rest, one Parzen estimator on each side, and the best
/// of n_ei_candidates draws from the good side by log l(x) - log g(x). Multivariate TPE models
/// each group of parameters jointly; groups are the sets of parameters that are active under
/// the same conditions, so conditional spaces decompose. Pruned trials rank after completed
/// ones, deeper steps first; running trials count as bad (the constant liar).
class TpeSampler : public Sampler {
 public:
  explicit TpeSampler(TpeSettings settings) : settings_(settings) {}

  std::string_view Name() const override { return "tpe"; }
  ParamVector Sample(const SamplingContext& context, Rng& rng) override;

  /// The size of the good set for n finished trials.
  size_t GammaCount(size_t n_finished) const;
  /// Parameter groups, each a list of parameter indices, in the space's order.
  std::vector<std::vector<size_t>> Groups(const SearchSpace& space) const;

  /// The parameters of the good (`below`) and the bad (`above`) trials, each in trial-number
  /// order: the GammaCount best finished trials are good, completed ones by loss first, then
  /// pruned ones by the deepest step reached and their last value; running trials are bad when
  /// the constant liar is on.
  struct Split {
    std::vector<const ParamVector*> below;
    std::vector<const ParamVector*> above;
  };
  Split SplitTrials(const SamplingContext& context) const;

 private:
  void SampleGroup(const SearchSpace& space, const std::vector<size_t>& group, const Split& split,
                   ParamVector& values, Rng& rng) const;

  TpeSettings settings_;
};

}  // namespace kolosal::hpo
